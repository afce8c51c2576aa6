package org.fedsim.privacy;

/**
 * L2 ("flat") clipping of a model update, as in Flower's {@code compute_clip_model_update}: the
 * norm is that of the whole flattened update vector (all layers, biases included).
 */
public final class L2Clipper {

  private L2Clipper() {}

  /**
   * The Euclidean norm of {@code v}, with the sum of squares accumulated in double.
   *
   * @param v the vector (not modified)
   * @return sqrt(Σ v[i]²); NaN if any coordinate is NaN, +∞ if any is infinite
   */
  public static double l2Norm(float[] v) {
    double sum = 0.0;
    for (float x : v) {
      double d = x;
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales {@code update} in place by {@code min(1, clippingNorm/‖update‖₂)}, so that its L2 norm
   * is at most {@code clippingNorm}. An update whose norm is already at most the clipping norm
   * (including the all-zero update, which Flower would divide by zero on) is left unchanged. Each
   * coordinate is scaled in double and rounded once to float, so after clipping the norm equals
   * {@code clippingNorm} up to float rounding (relative error about 1e-7).
   *
   * @param update the update, modified in place
   * @param clippingNorm the clipping bound C, finite and &gt; 0
   * @return the norm of the update <em>before</em> clipping
   * @throws IllegalArgumentException if {@code clippingNorm} is not finite and positive
   *     ({@code clipping-norm}), or if the update has a NaN or infinite coordinate
   */
  public static double clipInPlace(float[] update, double clippingNorm) {
    if (!(clippingNorm > 0) || Double.isInfinite(clippingNorm)) {
      throw new IllegalArgumentException(
          "clipping-norm must be finite and > 0, got " + clippingNorm);
    }
    double norm = l2Norm(update);
    if (!Double.isFinite(norm)) {
      throw new IllegalArgumentException(
          "update has a NaN or infinite coordinate (L2 norm " + norm + "); cannot clip it");
    }
    if (norm > clippingNorm) {
      double scale = clippingNorm / norm;
      for (int i = 0; i < update.length; i++) {
        update[i] = (float) (update[i] * scale);
      }
    }
    return norm;
  }
}
