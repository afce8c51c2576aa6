package org.fedsim.privacy;

/**
 * Standard normal CDF, its logarithm and the complementary error function, accurate to a few
 * units in the last place of a double (no external dependency).
 *
 * <p>{@code erfc} and the scaled {@code erfcx(x) = exp(x²)·erfc(x)} use W. J. Cody's rational
 * Chebyshev approximations ("Rational Chebyshev approximations for the error function", Math.
 * Comp. 23 (1969) 631–638; the coefficient sets of Netlib SPECFUN {@code CALERF}), which are
 * accurate to better than double precision on each interval. Wherever {@code exp(-x²)} is
 * needed, {@code x²} is split into an exactly representable part and a small remainder (Cody's
 * trick) so that the rounding of {@code x²} does not cost relative accuracy in the tails.
 *
 * <p>{@link #logCdf(double)} never underflows: for very negative arguments it is evaluated as
 * {@code ln(erfcx(-z/√2)/2) - z²/2}.
 */
final class NormalDistribution {

  private NormalDistribution() {}

  /** 1/sqrt(pi). */
  static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;

  static final double SQRT2 = 1.4142135623730950488;
  static final double INV_SQRT2 = 0.70710678118654752440;

  private static final double THRESH = 0.46875;
  private static final double XSMALL = 1.11e-16;
  /** erfc(x) underflows to 0 for x at or above this. */
  private static final double XBIG = 26.543;
  /** Above this, erfcx(x) = 1/(x sqrt(pi)) to double precision. */
  private static final double XHUGE = 6.71e7;
  /** erfcx(x) overflows below this. */
  private static final double XNEG = -26.628;

  // Cody (1969) / CALERF coefficients.
  private static final double[] A = {
    3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
    3.20937758913846947e03, 1.85777706184603153e-1
  };
  private static final double[] B = {
    2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
    2.84423683343917062e03
  };
  private static final double[] C = {
    5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
    2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
    2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8
  };
  private static final double[] D = {
    1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
    1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
    3.43936767414372164e03, 1.23033935480374942e03
  };
  private static final double[] P = {
    3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
    1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2
  };
  private static final double[] Q = {
    2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
    6.05183413124413191e-2, 2.33520497626869185e-3
  };

  /** erf(x) for |x| <= 0.46875. */
  private static double erfSmall(double x) {
    double y = Math.abs(x);
    double ysq = y > XSMALL ? y * y : 0.0;
    double xnum = A[4] * ysq;
    double xden = ysq;
    for (int i = 0; i < 3; i++) {
      xnum = (xnum + A[i]) * ysq;
      xden = (xden + B[i]) * ysq;
    }
    return x * (xnum + A[3]) / (xden + B[3]);
  }

  /** erfcx(y) for y > 0.46875 (including +infinity). */
  private static double erfcxLarge(double y) {
    if (y <= 4.0) {
      double xnum = C[8] * y;
      double xden = y;
      for (int i = 0; i < 7; i++) {
        xnum = (xnum + C[i]) * y;
        xden = (xden + D[i]) * y;
      }
      return (xnum + C[7]) / (xden + D[7]);
    }
    if (y >= XHUGE) {
      return ONE_OVER_SQRT_PI / y;
    }
    double ysq = 1.0 / (y * y);
    double xnum = P[5] * ysq;
    double xden = ysq;
    for (int i = 0; i < 4; i++) {
      xnum = (xnum + P[i]) * ysq;
      xden = (xden + Q[i]) * ysq;
    }
    double r = ysq * (xnum + P[4]) / (xden + Q[4]);
    return (ONE_OVER_SQRT_PI - r) / y;
  }

  /**
   * exp(-y²·scale) for y >= 0 and scale in {1, 1/2}, with y² split as ysq² + del where ysq = k/16
   * so that ysq² is exact; this keeps the relative error at a few ulp even where y² is large.
   */
  private static double expMinusSquare(double y, double scale) {
    if (y > 1e8) {
      return 0.0;
    }
    double ysq = Math.floor(y * 16.0) / 16.0;
    double del = (y - ysq) * (y + ysq);
    return Math.exp(-ysq * ysq * scale) * Math.exp(-del * scale);
  }

  /** y² as the sum of an exact part and a remainder, for log-space use (y >= 0). */
  private static double square(double y) {
    if (y > 1e8) {
      return y * y;
    }
    double ysq = Math.floor(y * 16.0) / 16.0;
    double del = (y - ysq) * (y + ysq);
    return ysq * ysq + del;
  }

  /** The complementary error function erfc(x) = 2/sqrt(pi) ∫_x^∞ exp(-t²) dt. */
  static double erfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    double y = Math.abs(x);
    if (y <= THRESH) {
      return 1.0 - erfSmall(x);
    }
    double r = y < XBIG ? erfcxLarge(y) * expMinusSquare(y, 1.0) : 0.0;
    return x < 0 ? 2.0 - r : r;
  }

  /** The scaled complementary error function erfcx(x) = exp(x²)·erfc(x); +∞ below about -26.6. */
  static double erfcx(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    double y = Math.abs(x);
    if (y <= THRESH) {
      return Math.exp(x * x) * (1.0 - erfSmall(x));
    }
    if (x > 0) {
      return erfcxLarge(y);
    }
    if (x < XNEG) {
      return Double.POSITIVE_INFINITY;
    }
    double ysq = Math.floor(y * 16.0) / 16.0;
    double del = (y - ysq) * (y + ysq);
    return 2.0 * Math.exp(ysq * ysq) * Math.exp(del) - erfcxLarge(y);
  }

  /** Φ(z), the standard normal CDF, with full relative accuracy in the lower tail. */
  static double cdf(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    if (Double.isInfinite(z)) {
      return z > 0 ? 1.0 : 0.0;
    }
    double t = -z * INV_SQRT2;
    double a = Math.abs(t);
    if (a <= THRESH) {
      return 0.5 * (1.0 - erfSmall(t));
    }
    // Φ(-|z|) = erfc(|z|/√2)/2 = erfcx(|z|/√2)·exp(-z²/2)/2
    double tail = 0.5 * erfcxLarge(a) * expMinusSquare(Math.abs(z), 0.5);
    return z < 0 ? tail : 1.0 - tail;
  }

  /**
   * ln Φ(z), finite for every finite z. For z below -0.66 it is ln(erfcx(-z/√2)/2) - z²/2, which
   * neither underflows nor loses relative accuracy; for z above 0.66 it is log1p(-Φ(-z)).
   */
  static double logCdf(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    if (Double.isInfinite(z)) {
      return z > 0 ? 0.0 : Double.NEGATIVE_INFINITY;
    }
    double t = -z * INV_SQRT2;
    if (t > THRESH) {
      double y = -z;
      return Math.log(0.5 * erfcxLarge(t)) - 0.5 * square(y);
    }
    if (t >= -THRESH) {
      return Math.log(cdf(z));
    }
    return Math.log1p(-cdf(-z));
  }

  /**
   * erfcx(t) − erfcx(t + h) for h &gt; 0 small, by the Taylor series of erfcx about t, without the
   * cancellation of subtracting two nearly equal values. The derivatives follow from {@code y' =
   * 2t·y − 2/√π} and {@code y^(k+1) = 2t·y^(k) + 2k·y^(k−1)}; for t &gt; 4 the first derivative is
   * taken from Cody's asymptotic form ({@code y' = −2R(t)}) so that it has no cancellation either.
   * Intended for {@code h·(1 + 2|t|) ≤ 1/4}, where the terms fall off geometrically and the
   * forward recurrence cannot amplify rounding errors materially.
   */
  static double erfcxDifference(double t, double h) {
    double y0 = erfcx(t);
    double y1;
    if (t > 4.0) {
      double ysq = 1.0 / (t * t);
      double xnum = P[5] * ysq;
      double xden = ysq;
      for (int i = 0; i < 4; i++) {
        xnum = (xnum + P[i]) * ysq;
        xden = (xden + Q[i]) * ysq;
      }
      y1 = -2.0 * ysq * (xnum + P[4]) / (xden + Q[4]);
    } else {
      y1 = 2.0 * t * y0 - 2.0 * ONE_OVER_SQRT_PI;
    }
    // D = −Σ_{k≥1} y^(k)(t)·h^k/k!
    double prev = y0;
    double cur = y1;
    double coef = h; // h^k/k!
    double sum = -cur * coef;
    for (int k = 1; k < 80; k++) {
      double next = 2.0 * t * cur + 2.0 * k * prev;
      prev = cur;
      cur = next;
      coef *= h / (k + 1);
      double term = -cur * coef;
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return sum;
  }

  /** exp(-z²/2) with the accurate split, for any z. */
  static double expMinusHalfSquare(double z) {
    if (Double.isInfinite(z)) {
      return 0.0;
    }
    return expMinusSquare(Math.abs(z), 0.5);
  }
}
