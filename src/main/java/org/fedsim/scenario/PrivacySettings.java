package org.fedsim.scenario;

import org.fedsim.privacy.Calibration;

/**
 * The privacy mechanism of a run.
 *
 * @param mode none, or local (each hospital clips and noises its own update every round)
 * @param epsilon per-round ε of one site's release (local mode)
 * @param delta per-round δ
 * @param clippingNorm L2 bound C of an update
 * @param sensitivity L2 sensitivity the noise is calibrated to
 */
public record PrivacySettings(Mode mode, double epsilon, double delta, double clippingNorm, double sensitivity,
    Calibration calibration) {

  public enum Mode { NONE, LOCAL }

  public static PrivacySettings none() {
    return new PrivacySettings(Mode.NONE, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Calibration.CLASSIC);
  }

  public boolean enabled() {
    return mode != Mode.NONE;
  }
}
