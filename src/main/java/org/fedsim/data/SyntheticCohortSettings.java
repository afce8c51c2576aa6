package org.fedsim.data;

/**
 * The built-in synthetic MIMIC-like ICU cohort.
 *
 * @param patients cohort size before balancing
 * @param mortality fraction of patients who die in hospital (exact count = round(patients * mortality))
 * @param siteShift per-site mean shift of every vital, in units of its pooled SD
 * @param seed seeds the whole cohort
 */
public record SyntheticCohortSettings(int patients, double mortality, double siteShift, long seed) {
  public SyntheticCohortSettings {
    if (patients < 20) throw new IllegalArgumentException("synthetic.patients must be >= 20, got " + patients);
    if (!(mortality > 0 && mortality < 1)) {
      throw new IllegalArgumentException("synthetic.mortality must be in (0, 1), got " + mortality);
    }
    if (!(siteShift >= 0)) throw new IllegalArgumentException("synthetic.site-shift must be >= 0, got " + siteShift);
  }
}
