package org.fedsim.privacy;

/**
 * Calibration of the Gaussian mechanism {@code M(x) = f(x) + N(0, σ² I)} for a query {@code f}
 * of L2 sensitivity Δ, for a single release (no composition).
 *
 * <p>Two calibrations are offered:
 *
 * <ul>
 *   <li><b>classic</b> (Dwork &amp; Roth 2014, Thm A.1), {@code σ = Δ·sqrt(2 ln(1.25/δ))/ε}, the
 *       formula Flower's {@code LocalDpMod} uses. <b>Caveat:</b> the theorem is proven only for
 *       ε &lt; 1. For larger ε the formula still yields a σ, but that σ is not guaranteed to give
 *       (ε, δ)-DP, and for δ = 1e-5 it demonstrably does not for ε ≳ 7 (the exact δ at the classic
 *       σ is 2.27e-5 at ε = 10 and 0.59 at ε = 50; see {@link #deltaAnalytic}). For ε &lt; 1 it
 *       is valid but adds more noise than necessary.
 *   <li><b>analytic</b> (Balle &amp; Wang 2018, "Improving the Gaussian Mechanism for Differential
 *       Privacy", Thm 8): the exact privacy profile of the Gaussian mechanism, valid for every ε
 *       &gt; 0. It gives the smallest σ achieving (ε, δ)-DP.
 * </ul>
 *
 * <p>All arguments are validated; an invalid one raises {@link IllegalArgumentException} whose
 * message names the setting ({@code epsilon}, {@code delta}, {@code sensitivity}, {@code
 * sigma}). The analytic functions are evaluated without overflow or underflow for any ε (the
 * {@code e^ε·Φ(·)} term is never formed directly; see {@link #deltaAnalytic}) and solved by
 * bisection on a logarithmic scale down to adjacent doubles, i.e. well below 1e-12 relative.
 */
public final class GaussianCalibration {

  private GaussianCalibration() {}

  /** Hard cap on bracketing steps (each doubles or halves the bracket end). */
  private static final int MAX_BRACKET_STEPS = 2200;
  /** Hard cap on bisection steps (a factor-2 bracket needs about 60 to reach adjacent doubles). */
  private static final int MAX_BISECTION_STEPS = 400;

  // ---------------------------------------------------------------- classic

  /**
   * Classic Gaussian calibration {@code σ = Δ·sqrt(2 ln(1.25/δ))/ε} (Dwork &amp; Roth, Thm A.1).
   * Proven to give (ε, δ)-DP only for ε &lt; 1; see the class documentation.
   *
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param sensitivity the L2 sensitivity Δ, finite and &gt; 0
   * @return the noise standard deviation σ
   */
  public static double sigmaClassic(double epsilon, double delta, double sensitivity) {
    checkEpsilon(epsilon);
    checkDelta(delta);
    checkSensitivity(sensitivity);
    return sensitivity * Math.sqrt(2.0 * Math.log(1.25 / delta)) / epsilon;
  }

  /**
   * The inverse of {@link #sigmaClassic}: {@code ε = Δ·sqrt(2 ln(1.25/δ))/σ}. The same ε &lt; 1
   * caveat applies: a result ≥ 1 is what the formula says, not a proven guarantee.
   *
   * @param sigma the noise standard deviation σ, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param sensitivity the L2 sensitivity Δ, finite and &gt; 0
   * @return ε according to the classic formula
   */
  public static double epsilonClassic(double sigma, double delta, double sensitivity) {
    checkSigma(sigma);
    checkDelta(delta);
    checkSensitivity(sensitivity);
    return sensitivity * Math.sqrt(2.0 * Math.log(1.25 / delta)) / sigma;
  }

  // ---------------------------------------------------------------- analytic

  /**
   * The exact δ of the Gaussian mechanism with noise σ at privacy level ε (Balle &amp; Wang 2018,
   * Thm 8): {@code δ(ε, σ) = Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ)}. The mechanism is (ε,
   * δ)-DP exactly when δ ≥ this value.
   *
   * <p>Evaluation is stable for any ε: with {@code x₁ = Δ/(2σ) − εσ/Δ} and {@code x₂ = −Δ/(2σ) −
   * εσ/Δ} one has {@code x₂² − x₁² = 2ε} exactly, so {@code e^ε·Φ(x₂) =
   * erfcx(−x₂/√2)·e^{−x₁²/2}/2} with the scaled complementary error function {@code erfcx}; the
   * huge {@code e^ε} and the tiny {@code Φ(x₂)} are never formed. For {@code x₁ < 0} the result is
   * {@code exp(ln Φ(x₁) + log1p(−erfcx(−x₂/√2)/erfcx(−x₁/√2)))}, with {@code ln Φ} taken from an
   * erfcx-based log-CDF that does not underflow.
   *
   * @param epsilon ε, finite and ≥ 0 (0 is allowed here: it is the total-variation distance,
   *     and the value {@link #epsilonAnalytic} may return)
   * @param sigma the noise standard deviation σ, finite and &gt; 0
   * @param sensitivity the L2 sensitivity Δ, finite and &gt; 0
   * @return δ in [0, 1]
   */
  public static double deltaAnalytic(double epsilon, double sigma, double sensitivity) {
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
    }
    checkSigma(sigma);
    checkSensitivity(sensitivity);
    double a = sensitivity / (2.0 * sigma);
    double b = epsilon * sigma / sensitivity;
    double x1 = a - b;
    if (useSeries(a, b)) {
      return Math.min(1.0, Math.exp(seriesLogDelta(a, b)));
    }
    if (x1 >= 0) {
      return Math.max(0.0, directDelta(a, b));
    }
    return Math.min(1.0, Math.exp(logDelta(a, b)));
  }

  /**
   * Balle &amp; Wang (2018) analytic Gaussian calibration: the smallest σ such that {@code Φ(Δ/(2σ)
   * − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ) ≤ δ}, i.e. the least noise that gives (ε, δ)-DP for one
   * release. Valid for every ε &gt; 0 (unlike {@link #sigmaClassic}). Solved by bisection on ln σ
   * of ln δ(σ) until the bracket ends are adjacent doubles; the upper end (which satisfies the
   * constraint) is returned.
   *
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param sensitivity the L2 sensitivity Δ, finite and &gt; 0
   * @return σ
   */
  public static double sigmaAnalytic(double epsilon, double delta, double sensitivity) {
    checkEpsilon(epsilon);
    checkDelta(delta);
    checkSensitivity(sensitivity);
    double logTarget = Math.log(delta);
    // g(σ) = ln δ(ε, σ) − ln δ is decreasing in σ; δ → 1 as σ → 0 and δ → 0 as σ → ∞.
    double lo = sigmaClassic(epsilon, delta, sensitivity);
    double hi = lo;
    if (logDeltaAt(epsilon, lo, sensitivity) > logTarget) {
      int steps = 0;
      do {
        lo = hi;
        hi = hi * 2.0;
        checkBracket(++steps, hi, "sigma");
      } while (logDeltaAt(epsilon, hi, sensitivity) > logTarget);
    } else {
      int steps = 0;
      do {
        hi = lo;
        lo = lo / 2.0;
        checkBracket(++steps, lo, "sigma");
      } while (logDeltaAt(epsilon, lo, sensitivity) <= logTarget);
    }
    for (int i = 0; i < MAX_BISECTION_STEPS; i++) {
      double mid = Math.sqrt(lo) * Math.sqrt(hi);
      if (!(mid > lo && mid < hi)) {
        break;
      }
      if (logDeltaAt(epsilon, mid, sensitivity) <= logTarget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /**
   * The exact ε of the Gaussian mechanism with noise σ at a given δ: the smallest ε ≥ 0 with
   * {@link #deltaAnalytic}{@code (ε, σ, Δ) ≤ δ}. This is the inverse of {@link #sigmaAnalytic}.
   * Returns 0 when even ε = 0 satisfies the bound (σ so large that the total-variation distance
   * is at most δ). Solved by bisection on ln ε to adjacent doubles; the upper end is returned.
   *
   * @param sigma the noise standard deviation σ, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param sensitivity the L2 sensitivity Δ, finite and &gt; 0
   * @return ε ≥ 0
   */
  public static double epsilonAnalytic(double sigma, double delta, double sensitivity) {
    checkSigma(sigma);
    checkDelta(delta);
    checkSensitivity(sensitivity);
    double logTarget = Math.log(delta);
    if (logDeltaAt(0.0, sigma, sensitivity) <= logTarget) {
      return 0.0;
    }
    // h(ε) = ln δ(ε, σ) − ln δ is decreasing in ε, h(0) > 0 and h(∞) = −∞.
    double lo = epsilonClassic(sigma, delta, sensitivity);
    double hi = lo;
    if (logDeltaAt(lo, sigma, sensitivity) > logTarget) {
      int steps = 0;
      do {
        lo = hi;
        hi = hi * 2.0;
        checkBracket(++steps, hi, "epsilon");
      } while (logDeltaAt(hi, sigma, sensitivity) > logTarget);
    } else {
      int steps = 0;
      do {
        hi = lo;
        lo = lo / 2.0;
        if (lo < Double.MIN_NORMAL) {
          return hi; // ε below 1e-308: indistinguishable from the ε = 0 case
        }
        checkBracket(++steps, lo, "epsilon");
      } while (logDeltaAt(lo, sigma, sensitivity) <= logTarget);
    }
    for (int i = 0; i < MAX_BISECTION_STEPS; i++) {
      double mid = Math.sqrt(lo) * Math.sqrt(hi);
      if (!(mid > lo && mid < hi)) {
        break;
      }
      if (logDeltaAt(mid, sigma, sensitivity) <= logTarget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  // ---------------------------------------------------------------- internals

  /** ln δ(ε, σ) without argument checks; −∞ when δ is 0 to working precision. */
  static double logDeltaAt(double epsilon, double sigma, double sensitivity) {
    double a = sensitivity / (2.0 * sigma);
    double b = epsilon * sigma / sensitivity;
    if (useSeries(a, b)) {
      return seriesLogDelta(a, b);
    }
    if (a - b >= 0) {
      double d = directDelta(a, b);
      return d > 0 ? Math.log(d) : Double.NEGATIVE_INFINITY;
    }
    return logDelta(a, b);
  }

  /**
   * Whether the Taylor-series form applies: small Δ/σ, where Φ(x₁) and e^ε·Φ(x₂) nearly cancel
   * (small ε, large σ). With h = t₂ − t₁ = Δ/(σ√2) it is used for {@code h·(1 + 2|t₁|) ≤ 1/4}.
   */
  private static boolean useSeries(double a, double b) {
    double h = a * NormalDistribution.SQRT2;
    double t1 = (b - a) * NormalDistribution.INV_SQRT2;
    return h * (1.0 + 2.0 * Math.abs(t1)) <= 0.25;
  }

  /**
   * ln δ = ln(D/2) − x₁²/2 with D = erfcx(t₁) − erfcx(t₁ + h) from the series, since Φ(x₁) =
   * erfcx(t₁)·e^{−x₁²/2}/2 and e^ε·Φ(x₂) = erfcx(t₂)·e^{−x₁²/2}/2.
   */
  private static double seriesLogDelta(double a, double b) {
    double x1 = a - b;
    double t1 = -x1 * NormalDistribution.INV_SQRT2;
    double h = a * NormalDistribution.SQRT2;
    double d = NormalDistribution.erfcxDifference(t1, h);
    if (!(d > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return Math.log(0.5 * d) - 0.5 * x1 * x1;
  }

  /**
   * δ = Φ(x₁) − erfcx(t₂)·e^{−x₁²/2}/2 with x₁ = a − b ≥ 0, t₂ = (a + b)/√2. Here Φ(x₁) ≥ 1/2, so
   * no logarithms are needed.
   */
  private static double directDelta(double a, double b) {
    double x1 = a - b;
    double t2 = (a + b) * NormalDistribution.INV_SQRT2;
    double second = 0.5 * NormalDistribution.erfcx(t2) * NormalDistribution.expMinusHalfSquare(x1);
    return NormalDistribution.cdf(x1) - second;
  }

  /**
   * ln δ for x₁ = a − b &lt; 0: ln Φ(x₁) + log1p(−erfcx(t₂)/erfcx(t₁)) with t₁ = −x₁/√2 &gt; 0 and
   * t₂ = (a + b)/√2 &gt; t₁, using e^ε·Φ(x₂)/Φ(x₁) = erfcx(t₂)/erfcx(t₁) (exact identity).
   */
  private static double logDelta(double a, double b) {
    double x1 = a - b;
    double t1 = -x1 * NormalDistribution.INV_SQRT2;
    double t2 = (a + b) * NormalDistribution.INV_SQRT2;
    double ratio = NormalDistribution.erfcx(t2) / NormalDistribution.erfcx(t1);
    if (!(ratio < 1.0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return NormalDistribution.logCdf(x1) + Math.log1p(-ratio);
  }

  private static void checkBracket(int steps, double end, String what) {
    if (steps > MAX_BRACKET_STEPS || !(end > 0) || Double.isInfinite(end)) {
      throw new ArithmeticException("could not bracket the analytic-Gaussian " + what);
    }
  }

  static void checkEpsilon(double epsilon) {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
  }

  static void checkDelta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
  }

  static void checkSensitivity(double sensitivity) {
    if (!(sensitivity > 0) || Double.isInfinite(sensitivity)) {
      throw new IllegalArgumentException("sensitivity must be finite and > 0, got " + sensitivity);
    }
  }

  static void checkSigma(double sigma) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
    }
  }
}
