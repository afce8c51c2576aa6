package org.fedsim.scenario;

import org.fedsim.aggregation.DpFedAvg;
import org.fedsim.privacy.Calibration;

/**
 * The privacy mechanism of a run.
 *
 * @param mode none; local (each hospital clips and noises its own update every round); central (the server clips
 *     each update and noises the aggregate: DP-FedAvg); dp-sgd (record-level DP inside each hospital's training:
 *     per-example clipping to C, Gaussian noise σC on each Poisson-sampled minibatch's sum; dense engine only)
 * @param epsilon per-round ε of one site's release (local mode)
 * @param delta per-round δ
 * @param clippingNorm L2 bound C of an update
 * @param sensitivity L2 sensitivity the noise is calibrated to
 * @param noiseMultiplier central and dp-sgd modes: noise std over the clipping norm
 * @param adaptive central mode: adaptive clipping, or null for a fixed norm
 * @param targetEpsilon stop before the round that would take a site's cumulative ε past it (NaN: no target)
 */
public record PrivacySettings(Mode mode, double epsilon, double delta, double clippingNorm, double sensitivity,
    Calibration calibration, double noiseMultiplier, DpFedAvg.Adaptive adaptive, double targetEpsilon) {

  public enum Mode { NONE, LOCAL, CENTRAL, DP_SGD }

  /** Local or no DP (no central keys). */
  public PrivacySettings(Mode mode, double epsilon, double delta, double clippingNorm, double sensitivity,
      Calibration calibration) {
    this(mode, epsilon, delta, clippingNorm, sensitivity, calibration, Double.NaN, null, Double.NaN);
  }

  /** The same settings with a target ε. */
  public PrivacySettings withTarget(double target) {
    return new PrivacySettings(mode, epsilon, delta, clippingNorm, sensitivity, calibration, noiseMultiplier,
        adaptive, target);
  }

  public static PrivacySettings none() {
    return new PrivacySettings(Mode.NONE, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Calibration.CLASSIC);
  }

  public boolean enabled() {
    return mode != Mode.NONE;
  }

  /** DP-SGD inside each hospital's training. */
  public boolean dpSgd() {
    return mode == Mode.DP_SGD;
  }

  /** Hospitals noise their own updates (a DP filter in front of each). */
  public boolean local() {
    return mode == Mode.LOCAL;
  }
}
