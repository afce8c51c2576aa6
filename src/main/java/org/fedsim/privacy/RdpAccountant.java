package org.fedsim.privacy;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * An immutable Rényi-DP accountant: the total RDP, per order, of every mechanism step composed so
 * far. RDP composes additively, so heterogeneous steps (different sampling rates q, noise
 * multipliers σ) simply add their per-order RDP vectors. {@link #step} and {@link #steps} return a
 * new accountant; the state is the order list plus one double per order ({@link #orders()}, {@link
 * #rdp()}), which {@link #restore} takes back (e.g. from a checkpoint).
 *
 * <p>Conventions: L2 sensitivity 1, σ is the noise multiplier (noise standard deviation divided
 * by the sensitivity), add-or-remove-one adjacency, Poisson subsampling with rate q (q = 1: no
 * subsampling). A Gaussian mechanism with noise standard deviation σ_abs on a query of sensitivity
 * Δ is {@code step(1, σ_abs/Δ)}.
 *
 * <p>Example, DP-SGD with n = 705, batch 32, 180 epochs, σ = 4 (seed 003, Table 4):
 *
 * <pre>{@code
 * RdpAccountant.Result r = RdpAccountant.compose(32.0 / 705, 4.0, 3966).epsilon(1e-4);
 * // r.epsilon() = 2.897835, r.order() = 6.2
 * }</pre>
 */
public final class RdpAccountant {

  /**
   * An ε and the Rényi order that gave it.
   *
   * @param epsilon ε ≥ 0 (+∞ if no order gives a finite bound)
   * @param order the optimal order α
   */
  public record Result(double epsilon, double order) {}

  /**
   * A δ and the Rényi order that gave it.
   *
   * @param delta δ in [0, 1]
   * @param order the optimal order α
   */
  public record DeltaResult(double delta, double order) {}

  private static final double[] DEFAULT_ORDERS = buildDefaultOrders();

  private static final RdpAccountant EMPTY_DEFAULT =
      new RdpAccountant(DEFAULT_ORDERS, new double[DEFAULT_ORDERS.length]);

  private final double[] orders;
  private final double[] rdp;

  private RdpAccountant(double[] orders, double[] rdp) {
    this.orders = orders;
    this.rdp = rdp;
  }

  /**
   * dp_accounting's {@code DEFAULT_RDP_ORDERS} (156 orders): 1.1, 1.2, …, 10.9, then 11 … 63, then
   * 128, 256, 512, 1024. The fractional orders are {@code (10 + k)/10.0}, the doubles nearest to
   * the decimals (bit-for-bit the values of Python's {@code 1 + k/10.}).
   *
   * @return a new array
   */
  public static double[] defaultOrders() {
    return DEFAULT_ORDERS.clone();
  }

  private static double[] buildDefaultOrders() {
    double[] o = new double[99 + 53 + 4];
    int n = 0;
    for (int k = 1; k <= 99; k++) {
      o[n++] = (10 + k) / 10.0;
    }
    for (int a = 11; a <= 63; a++) {
      o[n++] = a;
    }
    for (int a : new int[] {128, 256, 512, 1024}) {
      o[n++] = a;
    }
    return o;
  }

  /** An accountant with nothing spent yet, on the {@linkplain #defaultOrders() default orders}. */
  public static RdpAccountant create() {
    return EMPTY_DEFAULT;
  }

  /**
   * An accountant with nothing spent yet, on the given orders.
   *
   * @param orders Rényi orders, each finite, &gt; 1 and ≤ {@link GaussianRdp#MAX_ORDER}, no
   *     duplicates
   */
  public static RdpAccountant create(double[] orders) {
    double[] o = orders.clone();
    checkOrders(o);
    return new RdpAccountant(o, new double[o.length]);
  }

  /**
   * An accountant holding a previously saved state ({@link #orders()} and {@link #rdp()}).
   *
   * @param orders Rényi orders, as for {@link #create(double[])}
   * @param rdp the accumulated RDP per order, each ≥ 0 or +∞
   */
  public static RdpAccountant restore(double[] orders, double[] rdp) {
    double[] o = orders.clone();
    double[] r = rdp.clone();
    checkOrders(o);
    if (o.length != r.length) {
      throw new IllegalArgumentException(
          "RDP orders and values differ in length: " + o.length + " vs " + r.length);
    }
    for (int k = 0; k < r.length; k++) {
      if (!(r[k] >= 0)) {
        throw new IllegalArgumentException("RDP at order " + o[k] + " must be >= 0, got " + r[k]);
      }
    }
    return new RdpAccountant(o, r);
  }

  /**
   * {@code steps} identical steps of the Poisson-subsampled Gaussian on the default orders:
   * {@code create().steps(q, sigma, steps)}.
   */
  public static RdpAccountant compose(double q, double sigma, long steps) {
    return create().steps(q, sigma, steps);
  }

  /**
   * This accountant plus one step of the Poisson-subsampled Gaussian mechanism.
   *
   * @param q sampling rate in [0, 1] (1: every record/site takes part; 0: the step costs nothing)
   * @param sigma noise multiplier ≥ 0 (0: no noise, ε = +∞)
   * @return a new accountant
   */
  public RdpAccountant step(double q, double sigma) {
    return steps(q, sigma, 1);
  }

  /**
   * This accountant plus {@code n} identical steps of the Poisson-subsampled Gaussian mechanism
   * (RDP(α) grows by {@code n·RDP₁(α)}).
   *
   * @param q sampling rate in [0, 1]
   * @param sigma noise multiplier ≥ 0
   * @param n number of steps ≥ 0
   * @return a new accountant
   */
  public RdpAccountant steps(double q, double sigma, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + n);
    }
    double[] one = GaussianRdp.subsampledGaussian(q, sigma, orders);
    if (n == 0) {
      return this;
    }
    double[] sum = new double[orders.length];
    for (int k = 0; k < sum.length; k++) {
      sum[k] = rdp[k] + n * one[k];
    }
    return new RdpAccountant(orders, sum);
  }

  /**
   * The composition of this accountant's steps with another's (same orders).
   *
   * @return a new accountant
   */
  public RdpAccountant plus(RdpAccountant other) {
    if (!Arrays.equals(orders, other.orders)) {
      throw new IllegalArgumentException("cannot compose RDP accountants with different order lists");
    }
    double[] sum = new double[orders.length];
    for (int k = 0; k < sum.length; k++) {
      sum[k] = rdp[k] + other.rdp[k];
    }
    return new RdpAccountant(orders, sum);
  }

  /** The Rényi orders (a copy). */
  public double[] orders() {
    return orders.clone();
  }

  /** The accumulated RDP per order (a copy). */
  public double[] rdp() {
    return rdp.clone();
  }

  /** The ε at δ under the default ({@link RdpConversion#IMPROVED}) conversion. */
  public Result epsilon(double delta) {
    return epsilon(delta, RdpConversion.IMPROVED);
  }

  /** The ε at δ under the given conversion, and the optimal order. */
  public Result epsilon(double delta, RdpConversion conversion) {
    return conversion.epsilon(orders, rdp, delta);
  }

  /** The δ at ε under the default ({@link RdpConversion#IMPROVED}) conversion. */
  public DeltaResult delta(double epsilon) {
    return delta(epsilon, RdpConversion.IMPROVED);
  }

  /** The δ at ε under the given conversion, and the optimal order. */
  public DeltaResult delta(double epsilon, RdpConversion conversion) {
    return conversion.delta(orders, rdp, epsilon);
  }

  // ---------------------------------------------------------------- calibration

  /** Largest noise multiplier tried when bracketing σ for a target ε. */
  static final double MAX_SIGMA = 1e6;

  /**
   * The smallest noise multiplier σ such that {@code steps} steps of the Poisson-subsampled
   * Gaussian with rate q are (ε, δ)-DP for the target ε (on the default orders), by bisection on
   * ln σ to a relative width of 1e-12; the upper end, whose ε is ≤ the target, is returned. ε(σ) is
   * non-increasing in σ, since the RDP at every order is.
   *
   * @param q sampling rate in (0, 1]
   * @param steps number of steps ≥ 1
   * @param delta δ in (0, 1)
   * @param targetEpsilon ε &gt; 0
   * @param conversion the RDP → (ε, δ) conversion
   * @throws IllegalArgumentException if the target cannot be reached with σ ≤ 1e6 (e.g. the
   *     classic conversion never goes below ln(1/δ)/(α_max − 1))
   */
  public static double sigmaForEpsilon(
      double q, long steps, double delta, double targetEpsilon, RdpConversion conversion) {
    return sigmaForEpsilon(q, steps, delta, targetEpsilon, conversion, DEFAULT_ORDERS);
  }

  /** As {@link #sigmaForEpsilon(double, long, double, double, RdpConversion)}, on given orders. */
  public static double sigmaForEpsilon(
      double q, long steps, double delta, double targetEpsilon, RdpConversion conversion, double[] orders) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate q must be in (0, 1], got " + q);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    GaussianCalibration.checkDelta(delta);
    GaussianCalibration.checkEpsilon(targetEpsilon);
    RdpAccountant empty = create(orders);
    DoubleUnaryOperator eps =
        s -> empty.steps(q, s, steps).epsilon(delta, conversion).epsilon();
    double lo;
    double hi;
    if (eps.applyAsDouble(1.0) <= targetEpsilon) {
      hi = 1.0;
      lo = 0.5;
      while (eps.applyAsDouble(lo) <= targetEpsilon) {
        hi = lo;
        lo /= 2;
        if (lo < 1e-300) {
          throw new ArithmeticException("could not bracket sigma for epsilon " + targetEpsilon);
        }
      }
    } else {
      lo = 1.0;
      hi = 2.0;
      while (eps.applyAsDouble(hi) > targetEpsilon) {
        lo = hi;
        hi *= 2;
        if (hi > MAX_SIGMA) {
          throw new IllegalArgumentException(
              "epsilon " + targetEpsilon + " is out of reach: even sigma = " + MAX_SIGMA + " gives epsilon "
                  + eps.applyAsDouble(MAX_SIGMA) + " with the " + conversion.label() + " conversion");
        }
      }
    }
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      double mid = Math.sqrt(lo * hi);
      if (!(mid > lo && mid < hi)) {
        break;
      }
      if (eps.applyAsDouble(mid) <= targetEpsilon) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static void checkOrders(double[] orders) {
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one RDP order is needed");
    }
    for (double a : orders) {
      GaussianRdp.checkOrder(a);
    }
    double[] sorted = orders.clone();
    Arrays.sort(sorted);
    for (int k = 1; k < sorted.length; k++) {
      if (sorted[k] == sorted[k - 1]) {
        throw new IllegalArgumentException("RDP order " + sorted[k] + " is listed twice");
      }
    }
  }

  @Override
  public String toString() {
    return "RdpAccountant" + epsilon(1e-5) + " at delta=1e-5 over " + orders.length + " orders";
  }
}
