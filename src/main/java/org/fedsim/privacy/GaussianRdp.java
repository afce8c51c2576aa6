package org.fedsim.privacy;

/**
 * Rényi differential privacy (RDP) of one application of the Gaussian mechanism and of the
 * Poisson-subsampled Gaussian mechanism, with L2 sensitivity 1 and noise multiplier σ (noise
 * standard deviation divided by the sensitivity), under add-or-remove-one adjacency.
 *
 * <ul>
 *   <li>Sampling rate q = 1 (no subsampling): {@code RDP(α) = α/(2σ²)} (Mironov 2017).
 *   <li>0 &lt; q &lt; 1: {@code RDP(α) = ln(A_α)/(α − 1)} with {@code A_α = E_{z~N(0,σ²)}[((1−q) +
 *       q·e^{(2z−1)/(2σ²)})^α]} (Mironov, Talwar &amp; Zhang 2019, "Rényi Differential Privacy of
 *       the Sampled Gaussian Mechanism"). For integer α it is the exact binomial expansion {@code
 *       A_α = Σ_i C(α,i) q^i (1−q)^{α−i} e^{(i²−i)/(2σ²)}}, summed in log space. For fractional α
 *       it is the exact <em>signed</em> series of their §3.3, as in Opacus and TF-Privacy before
 *       2024 ({@code _compute_log_a_frac}): the generalized binomial coefficients alternate in sign
 *       for i &gt; α and the signs are kept (dp_accounting ≥ 0.4.4 adds absolute values instead,
 *       which is a valid but loose upper bound, up to +115% at α = 1.1). The series stops, like
 *       theirs, at the first term whose two halves are both below e^−30.
 *   <li>q = 0: 0; σ = 0: +∞.
 * </ul>
 *
 * <p>If the fractional series has not converged after {@value #MAX_SERIES_TERMS} terms (only for
 * low orders at q near 1/2, where the terms fall off polynomially) or rounding would make a partial
 * sum negative, the order's RDP is reported as +∞: that order is then simply not used by the
 * conversion to (ε, δ), which is conservative.
 */
public final class GaussianRdp {

  private GaussianRdp() {}

  /** Cap on the terms of the fractional-order series; beyond it the order's RDP is +∞. */
  static final int MAX_SERIES_TERMS = 5_000_000;

  /** Integer orders above this are rejected (the exact binomial sum has α + 1 terms). */
  public static final double MAX_ORDER = 1_000_000;

  private static final double LOG_STOP = -30.0;

  /**
   * RDP of the Gaussian mechanism without subsampling, {@code α/(2σ²)}.
   *
   * @param sigma the noise multiplier σ ≥ 0 (0: no noise, +∞)
   * @param order the Rényi order α &gt; 1
   * @return RDP at α
   */
  public static double gaussian(double sigma, double order) {
    return subsampledGaussian(1.0, sigma, order);
  }

  /**
   * RDP of one step of the Poisson-subsampled Gaussian mechanism at one order.
   *
   * @param q the sampling rate, in [0, 1] (1: no subsampling)
   * @param sigma the noise multiplier σ ≥ 0, finite (0: no noise, +∞)
   * @param order the Rényi order α, finite, &gt; 1 and ≤ {@link #MAX_ORDER}
   * @return RDP at α, ≥ 0, possibly +∞
   */
  public static double subsampledGaussian(double q, double sigma, double order) {
    checkQ(q);
    checkSigma(sigma);
    checkOrder(order);
    return rdp(q, sigma, order);
  }

  /**
   * RDP of one step of the Poisson-subsampled Gaussian mechanism at each of the given orders.
   *
   * @param q the sampling rate, in [0, 1]
   * @param sigma the noise multiplier σ ≥ 0, finite
   * @param orders the Rényi orders, each finite, &gt; 1 and ≤ {@link #MAX_ORDER}
   * @return a new array, RDP per order
   */
  public static double[] subsampledGaussian(double q, double sigma, double[] orders) {
    checkQ(q);
    checkSigma(sigma);
    double[] out = new double[orders.length];
    for (int k = 0; k < orders.length; k++) {
      checkOrder(orders[k]);
      out[k] = rdp(q, sigma, orders[k]);
    }
    return out;
  }

  // ---------------------------------------------------------------- internals

  private static double rdp(double q, double sigma, double order) {
    if (q == 0) {
      return 0.0;
    }
    if (sigma == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (q == 1.0) {
      return order / (2.0 * sigma * sigma);
    }
    double logA = isInteger(order) ? logAInteger(q, sigma, (long) order) : logAFractional(q, sigma, order);
    if (Double.isNaN(logA)) {
      return Double.POSITIVE_INFINITY;
    }
    // A_α ≥ 1 mathematically; a tiny negative log from rounding means RDP 0.
    return Math.max(0.0, logA / (order - 1.0));
  }

  static boolean isInteger(double order) {
    return order == Math.rint(order);
  }

  /**
   * ln A_α for integer α: {@code ln Σ_{i=0}^{α} C(α,i) q^i (1−q)^{α−i} e^{(i²−i)/(2σ²)}}, with
   * ln C(α,i) accumulated as Σ ln((α−k+1)/k) and the terms added in log space in index order.
   */
  static double logAInteger(double q, double sigma, long alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigmaSq = 2.0 * sigma * sigma;
    double logA = Double.NEGATIVE_INFINITY;
    double logBinom = 0.0;
    for (long i = 0; i <= alpha; i++) {
      if (i > 0) {
        logBinom += Math.log((double) (alpha - i + 1)) - Math.log((double) i);
      }
      double di = (double) i;
      double s = logBinom + di * logQ + (alpha - di) * log1mQ + (di * di - di) / twoSigmaSq;
      logA = logAdd(logA, s);
    }
    return logA;
  }

  /**
   * ln A_α for fractional α by the signed series of Mironov, Talwar &amp; Zhang (2019, §3.3), as
   * Opacus {@code _compute_log_a_for_frac_alpha}: with {@code z₀ = σ² ln(1/q − 1) + 1/2}, {@code
   * A_α = A₀ + A₁}, where for i = 0, 1, 2, … and j = α − i
   *
   * <pre>
   *   A₀ += C(α,i) q^i (1−q)^j e^{(i²−i)/(2σ²)} Φ((z₀ − i)/σ)
   *   A₁ += C(α,i) q^j (1−q)^i e^{(j²−j)/(2σ²)} Φ((j − z₀)/σ)
   * </pre>
   *
   * the sign of each term being that of the generalized binomial coefficient C(α,i). Returns NaN
   * when the series does not converge within {@link #MAX_SERIES_TERMS} terms or a partial sum
   * would turn negative.
   */
  static double logAFractional(double q, double sigma, double alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigmaSq = 2.0 * sigma * sigma;
    double z0 = sigma * sigma * Math.log(1.0 / q - 1.0) + 0.5;
    double logA0 = Double.NEGATIVE_INFINITY;
    double logA1 = Double.NEGATIVE_INFINITY;
    double logAbsBinom = 0.0; // ln|C(α, 0)|
    boolean positive = true;
    for (int i = 0; ; i++) {
      if (i > 0) {
        double factor = alpha - i + 1; // C(α,i) = C(α,i−1)·(α−i+1)/i; never 0 for fractional α
        logAbsBinom += Math.log(Math.abs(factor)) - Math.log(i);
        if (factor < 0) {
          positive = !positive;
        }
      }
      double j = alpha - i;
      double logT0 = logAbsBinom + i * logQ + j * log1mQ;
      double logT1 = logAbsBinom + j * logQ + i * log1mQ;
      double logE0 = NormalDistribution.logCdf((z0 - i) / sigma);
      double logE1 = NormalDistribution.logCdf((j - z0) / sigma);
      double logS0 = logT0 + ((double) i * i - i) / twoSigmaSq + logE0;
      double logS1 = logT1 + (j * j - j) / twoSigmaSq + logE1;
      if (positive) {
        logA0 = logAdd(logA0, logS0);
        logA1 = logAdd(logA1, logS1);
      } else {
        logA0 = logSub(logA0, logS0);
        logA1 = logSub(logA1, logS1);
        if (Double.isNaN(logA0) || Double.isNaN(logA1)) {
          return Double.NaN;
        }
      }
      if (Math.max(logS0, logS1) < LOG_STOP) {
        break;
      }
      if (i >= MAX_SERIES_TERMS) {
        return Double.NaN;
      }
    }
    return logAdd(logA0, logA1);
  }

  /** ln(e^x + e^y). */
  static double logAdd(double x, double y) {
    double a = Math.min(x, y);
    double b = Math.max(x, y);
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    return Math.log1p(Math.exp(a - b)) + b;
  }

  /** ln(e^x − e^y) for x ≥ y; −∞ when x = y; NaN when x &lt; y (the difference is negative). */
  static double logSub(double x, double y) {
    if (x < y) {
      return Double.NaN;
    }
    if (y == Double.NEGATIVE_INFINITY) {
      return x;
    }
    if (x == y) {
      return Double.NEGATIVE_INFINITY;
    }
    return x + Math.log(-Math.expm1(y - x));
  }

  static void checkQ(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
    }
  }

  static void checkSigma(double sigma) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("noise multiplier sigma must be finite and >= 0, got " + sigma);
    }
  }

  static void checkOrder(double order) {
    if (!(order > 1 && order <= MAX_ORDER)) {
      throw new IllegalArgumentException("RDP order must be > 1 and <= " + (long) MAX_ORDER + ", got " + order);
    }
  }
}
