package org.fedsim.privacy;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Client-side ("local") differential privacy for one model update, with the semantics of Flower's
 * {@code LocalDpMod} ({@code flwr/client/mod/localdp_mod.py} and {@code
 * flwr/common/differential_privacy.py}):
 *
 * <ol>
 *   <li>{@code update = local − global}, per coordinate in float arithmetic (Flower works on the
 *       float32 arrays);
 *   <li>flat L2 clipping: the update (all layers flattened, biases included) is scaled by {@code
 *       min(1, C/‖update‖₂)}; an all-zero update is left as is (Flower would raise a division by
 *       zero there);
 *   <li>{@code params = global + clippedUpdate}, then independent {@code N(0, σ²)} noise, cast to
 *       float, is added to <em>every</em> coordinate.
 * </ol>
 *
 * <p>σ is derived from (ε, δ, sensitivity) by the chosen {@link Calibration}; with {@link
 * Calibration#CLASSIC} it is Flower's {@code sensitivity·sqrt(2 ln(1.25/δ))/ε}. As in Flower, σ
 * does <b>not</b> depend on the clipping norm C: the (ε, δ) claim holds only if {@code
 * sensitivity} really bounds the L2 distance between neighbouring releases, i.e. {@code
 * sensitivity ≥ C} when neighbours differ by the presence of one client's update (or ≥ 2C if a
 * whole update can be replaced).
 *
 * <p><b>The ε is per round.</b> Each call to {@link #privatize} is one (ε, δ)-DP release of one
 * client's update (under the caveats above and, for {@link Calibration#CLASSIC}, only for ε &lt;
 * 1, the range in which the classic bound is proven). Over T rounds the privacy loss of a client
 * composes (for example via RDP or PLD accounting); neither Flower's mod nor this class accounts
 * for that.
 *
 * <p>Immutable and thread-safe; randomness comes from the generator passed to {@link #privatize}.
 */
public final class LocalDp {

  private final double clippingNorm;
  private final double sensitivity;
  private final double epsilon;
  private final double delta;
  private final Calibration calibration;
  private final GaussianMechanism mechanism;

  /**
   * The outcome of one privatisation.
   *
   * @param params the released parameters {@code global + clippedUpdate + noise} (a fresh array
   *     owned by the caller)
   * @param updateNorm the L2 norm of {@code local − global} before clipping
   * @param clipped whether the update was scaled down, i.e. {@code updateNorm > clippingNorm}
   */
  public record Result(float[] params, double updateNorm, boolean clipped) {
    /** Checks that the parameters are present. */
    public Result {
      Objects.requireNonNull(params, "params");
    }
  }

  /**
   * @param clippingNorm the L2 clipping bound C of the update, finite and &gt; 0 ({@code
   *     clipping-norm})
   * @param sensitivity the L2 sensitivity Δ used to calibrate σ, finite and &gt; 0
   * @param epsilon the per-round ε, finite and &gt; 0
   * @param delta the per-round δ, in (0, 1)
   * @param calibration how σ is derived from (ε, δ, Δ)
   * @throws IllegalArgumentException naming the invalid setting
   */
  public LocalDp(
      double clippingNorm,
      double sensitivity,
      double epsilon,
      double delta,
      Calibration calibration) {
    if (!(clippingNorm > 0) || Double.isInfinite(clippingNorm)) {
      throw new IllegalArgumentException(
          "clipping-norm must be finite and > 0, got " + clippingNorm);
    }
    Objects.requireNonNull(calibration, "calibration");
    this.mechanism = GaussianMechanism.calibrated(calibration, epsilon, delta, sensitivity);
    this.clippingNorm = clippingNorm;
    this.sensitivity = sensitivity;
    this.epsilon = epsilon;
    this.delta = delta;
    this.calibration = calibration;
  }

  /** The standard deviation σ of the noise added to each coordinate. */
  public double sigma() {
    return mechanism.sigma();
  }

  /** The clipping bound C. */
  public double clippingNorm() {
    return clippingNorm;
  }

  /** The sensitivity Δ used for calibration. */
  public double sensitivity() {
    return sensitivity;
  }

  /** The per-round ε of one release. */
  public double epsilon() {
    return epsilon;
  }

  /** The per-round δ of one release. */
  public double delta() {
    return delta;
  }

  /** The calibration used for σ. */
  public Calibration calibration() {
    return calibration;
  }

  /**
   * Privatises one client update as Flower's {@code LocalDpMod} does: clip {@code local − global}
   * to L2 norm C and return {@code global + clippedUpdate + N(0, σ²)} on every coordinate. The
   * inputs are not modified.
   *
   * @param global the parameters the server sent (flattened)
   * @param local the parameters after local training (flattened, same layout)
   * @param rng the source of noise; exactly {@code global.length} Gaussian draws are taken
   * @return the released parameters, the pre-clipping update norm and whether it was clipped
   * @throws IllegalArgumentException if the lengths differ (the message gives both) or the update
   *     has a NaN or infinite coordinate
   */
  public Result privatize(float[] global, float[] local, RandomGenerator rng) {
    Objects.requireNonNull(global, "global");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(rng, "rng");
    if (global.length != local.length) {
      throw new IllegalArgumentException(
          "global and local parameter vectors differ in length: global has "
              + global.length
              + ", local has "
              + local.length);
    }
    int n = global.length;
    float[] update = new float[n];
    for (int i = 0; i < n; i++) {
      update[i] = local[i] - global[i];
    }
    double norm = L2Clipper.clipInPlace(update, clippingNorm);
    float[] params = new float[n];
    for (int i = 0; i < n; i++) {
      params[i] = global[i] + update[i];
    }
    mechanism.addNoiseInPlace(params, rng);
    return new Result(params, norm, norm > clippingNorm);
  }

  @Override
  public String toString() {
    return "LocalDp[clippingNorm="
        + clippingNorm
        + ", sensitivity="
        + sensitivity
        + ", epsilon="
        + epsilon
        + ", delta="
        + delta
        + ", calibration="
        + calibration
        + ", sigma="
        + sigma()
        + "]";
  }
}
