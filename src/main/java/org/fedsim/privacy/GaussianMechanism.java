package org.fedsim.privacy;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The Gaussian mechanism: adds independent {@code N(0, σ²)} noise to every coordinate of a
 * vector. Immutable and thread-safe; the randomness comes from the generator passed to each call,
 * so a seeded generator gives reproducible noise.
 *
 * <p>The privacy guarantee depends on how σ was chosen relative to the L2 sensitivity of the
 * vector being released; see {@link #calibrated} and {@link GaussianCalibration}.
 */
public final class GaussianMechanism {

  private final double sigma;

  /**
   * @param sigma the standard deviation of the noise on each coordinate, finite and &gt; 0
   * @throws IllegalArgumentException naming {@code sigma} if it is not finite and positive
   */
  public GaussianMechanism(double sigma) {
    GaussianCalibration.checkSigma(sigma);
    this.sigma = sigma;
  }

  /**
   * A mechanism whose σ is calibrated to (ε, δ) for one release of a vector of L2 sensitivity
   * Δ.
   *
   * @param calibration {@link Calibration#CLASSIC} ({@code Δ·sqrt(2 ln(1.25/δ))/ε}, Flower's
   *     choice, proven only for ε &lt; 1) or {@link Calibration#ANALYTIC} (Balle &amp; Wang 2018,
   *     exact for every ε)
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param sensitivity the L2 sensitivity Δ, finite and &gt; 0
   * @return the calibrated mechanism
   * @throws IllegalArgumentException naming the invalid setting
   */
  public static GaussianMechanism calibrated(
      Calibration calibration, double epsilon, double delta, double sensitivity) {
    Objects.requireNonNull(calibration, "calibration");
    double sigma =
        switch (calibration) {
          case CLASSIC -> GaussianCalibration.sigmaClassic(epsilon, delta, sensitivity);
          case ANALYTIC -> GaussianCalibration.sigmaAnalytic(epsilon, delta, sensitivity);
        };
    return new GaussianMechanism(sigma);
  }

  /** The standard deviation σ of the noise on each coordinate. */
  public double sigma() {
    return sigma;
  }

  /**
   * Adds {@code N(0, σ²)} noise to every coordinate of {@code v}, in place. As in Flower
   * ({@code np.random.normal(0, std, shape).astype(dtype)}), each draw {@code σ·rng.nextGaussian()}
   * is first cast to float and then added in float arithmetic.
   *
   * @param v the vector, modified in place
   * @param rng the source of randomness; exactly {@code v.length} Gaussian draws are taken
   */
  public void addNoiseInPlace(float[] v, RandomGenerator rng) {
    Objects.requireNonNull(v, "v");
    Objects.requireNonNull(rng, "rng");
    for (int i = 0; i < v.length; i++) {
      v[i] += (float) (sigma * rng.nextGaussian());
    }
  }

  @Override
  public String toString() {
    return "GaussianMechanism[sigma=" + sigma + "]";
  }
}
