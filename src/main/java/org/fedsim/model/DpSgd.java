package org.fedsim.model;

/**
 * DP-SGD inside a hospital's local training (the dense engine): every step Poisson-samples each training row with
 * probability q = batch / n, clips each sampled example's gradient (all parameters, flattened) to L2 norm
 * {@code clippingNorm}, sums, adds N(0, (noiseMultiplier · clippingNorm)²) to every coordinate, divides by the
 * expected batch size and hands that to the optimizer. An epoch is ⌈n / batch⌉ such steps.
 *
 * @param clippingNorm C, > 0
 * @param noiseMultiplier σ, >= 0 (the noise std over C)
 * @param seed mixed with each fit's shuffle seed for the sampling and the noise
 */
public record DpSgd(double clippingNorm, double noiseMultiplier, long seed) {
  public DpSgd {
    if (!(clippingNorm > 0)) throw new IllegalArgumentException("clipping norm must be > 0, got " + clippingNorm);
    if (!(noiseMultiplier >= 0)) throw new IllegalArgumentException("noise multiplier must be >= 0, got " + noiseMultiplier);
  }
}
