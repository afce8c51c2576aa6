package org.fedsim.privacy;

import java.util.Locale;

/**
 * Conversion of a Rényi-DP curve (RDP at a list of orders) to (ε, δ)-DP. The optimum over the
 * orders is taken; the first order wins a tie.
 */
public enum RdpConversion {
  /**
   * Canonne, Kamath &amp; Steinke 2020, Prop. 12 (equivalently Balle et al. 2020, Thm 21; Asoodeh
   * et al. 2020): {@code ε = min_α [RDP(α) + ln(1 − 1/α) − ln(δ·α)/(α − 1)]}, with dp_accounting's
   * special cases: an order with {@code δ² + expm1(−RDP(α)) > 0} gives ε = 0 (the KL-divergence
   * bound {@code δ ≤ sqrt(1 − e^{−KL})}), which also covers RDP(α) ≤ 0; an order α ≤ 1.01 gives +∞;
   * and the result is clamped to ≥ 0. This is what dp_accounting {@code compute_epsilon},
   * TF-Privacy since 2021 and Opacus since 0.14 use. The default.
   */
  IMPROVED("improved", "Canonne-Kamath-Steinke 2020 Prop. 12"),
  /**
   * Mironov 2017, Prop. 3: {@code ε = min_α [RDP(α) + ln(1/δ)/(α − 1)]}, as TF-Privacy up to 2020
   * and Opacus up to 0.13. Always larger than {@link #IMPROVED}.
   */
  CLASSIC("classic", "Mironov 2017 Prop. 3");

  private final String label;
  private final String reference;

  RdpConversion(String label, String reference) {
    this.label = label;
    this.reference = reference;
  }

  /** The command-line / scenario name: {@code improved} or {@code classic}. */
  public String label() {
    return label;
  }

  /** The paper and result the conversion comes from. */
  public String reference() {
    return reference;
  }

  /**
   * Parses {@code improved} or {@code classic} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static RdpConversion parse(String name) {
    for (RdpConversion c : values()) {
      if (c.label.equals(name == null ? null : name.trim().toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException("conversion must be 'improved' or 'classic', got '" + name + "'");
  }

  /**
   * ε at one order α for an RDP value, before the minimum over orders (and before the final clamp
   * to ≥ 0 of {@link #IMPROVED}). +∞ when the RDP is +∞.
   *
   * @param order α &gt; 1
   * @param rdp RDP(α), not NaN
   * @param delta δ in (0, 1)
   */
  public double epsilonAtOrder(double order, double rdp, double delta) {
    GaussianCalibration.checkDelta(delta);
    return epsilonAt(order, rdp, delta);
  }

  private double epsilonAt(double a, double r, double delta) {
    if (r == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    if (this == CLASSIC) {
      return r - Math.log(delta) / (a - 1.0);
    }
    if (delta * delta + Math.expm1(-r) > 0) {
      return 0.0; // KL bound: δ ≤ sqrt(1 − e^{−KL}) ≤ sqrt(1 − e^{−RDP(α)})
    }
    if (a > 1.01) {
      return r + Math.log1p(-1.0 / a) - Math.log(delta * a) / (a - 1.0);
    }
    return Double.POSITIVE_INFINITY;
  }

  /**
   * The smallest ε over the orders such that the mechanism with this RDP curve is (ε, δ)-DP, and
   * the order that gives it.
   *
   * @param orders the Rényi orders, each &gt; 1
   * @param rdp RDP per order (same length), each ≥ 0 or +∞
   * @param delta δ in (0, 1)
   * @return ε ≥ 0 (+∞ when every order's RDP is +∞, with the first order) and its order
   */
  public RdpAccountant.Result epsilon(double[] orders, double[] rdp, double delta) {
    GaussianCalibration.checkDelta(delta);
    checkCurve(orders, rdp);
    double best = Double.POSITIVE_INFINITY;
    int bestIndex = 0;
    for (int k = 0; k < orders.length; k++) {
      double e = epsilonAt(orders[k], rdp[k], delta);
      if (e < best) {
        best = e;
        bestIndex = k;
      }
    }
    return new RdpAccountant.Result(Math.max(0.0, best), orders[bestIndex]);
  }

  /**
   * The smallest δ over the orders such that the mechanism with this RDP curve is (ε, δ)-DP, and
   * the order that gives it. {@link #CLASSIC}: {@code ln δ = (α − 1)(RDP(α) − ε)}; {@link
   * #IMPROVED}: {@code ln δ = (α − 1)(RDP(α) − ε + ln(1 − 1/α)) − ln α} for α &gt; 1.01, and never
   * more than the KL bound {@code ½ ln(1 − e^{−RDP(α)})} (as dp_accounting {@code compute_delta}).
   *
   * @param orders the Rényi orders, each &gt; 1
   * @param rdp RDP per order, each ≥ 0 or +∞
   * @param epsilon ε ≥ 0, finite
   * @return δ in [0, 1] and its order
   */
  public RdpAccountant.DeltaResult delta(double[] orders, double[] rdp, double epsilon) {
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
    }
    checkCurve(orders, rdp);
    double best = Double.POSITIVE_INFINITY;
    int bestIndex = 0;
    for (int k = 0; k < orders.length; k++) {
      double a = orders[k];
      double r = rdp[k];
      double logDelta;
      if (r == Double.POSITIVE_INFINITY) {
        logDelta = Double.POSITIVE_INFINITY;
      } else if (this == CLASSIC) {
        logDelta = (a - 1.0) * (r - epsilon);
      } else {
        logDelta = r <= 0 ? Double.NEGATIVE_INFINITY : 0.5 * Math.log(-Math.expm1(-r));
        if (a > 1.01) {
          logDelta = Math.min(logDelta, (a - 1.0) * (r - epsilon + Math.log1p(-1.0 / a)) - Math.log(a));
        }
      }
      if (logDelta < best) {
        best = logDelta;
        bestIndex = k;
      }
    }
    return new RdpAccountant.DeltaResult(Math.min(1.0, Math.exp(best)), orders[bestIndex]);
  }

  private static void checkCurve(double[] orders, double[] rdp) {
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one RDP order is needed");
    }
    if (orders.length != rdp.length) {
      throw new IllegalArgumentException(
          "RDP orders and values differ in length: " + orders.length + " vs " + rdp.length);
    }
    for (int k = 0; k < orders.length; k++) {
      if (!(orders[k] > 1) || Double.isInfinite(orders[k])) {
        throw new IllegalArgumentException("RDP order must be finite and > 1, got " + orders[k]);
      }
      if (Double.isNaN(rdp[k])) {
        throw new IllegalArgumentException("RDP at order " + orders[k] + " is NaN");
      }
    }
  }
}
