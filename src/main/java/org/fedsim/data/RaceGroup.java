package org.fedsim.data;

/**
 * The seven race groups of the MIMIC-IV ICU-mortality study, used as the synthetic cohort's sites, with the
 * suggested synthetic proportions and relative death-risk multipliers (docs/mimic-iv.md, section 3).
 */
public enum RaceGroup {
  WHITE("WHITE", 0.668, 1.0),
  BLACK("BLACK", 0.11, 0.8),
  HISPANIC_LATINO("HISPANIC/LATINO", 0.04, 0.8),
  ASIAN("ASIAN", 0.03, 0.8),
  NATIVE("NATIVE", 0.002, 1.0),
  OTHER("OTHER", 0.05, 1.0),
  UNKNOWN("UNKNOWN", 0.10, 2.0);

  private final String siteName;
  private final double proportion;
  private final double deathMultiplier;

  RaceGroup(String siteName, double proportion, double deathMultiplier) {
    this.siteName = siteName;
    this.proportion = proportion;
    this.deathMultiplier = deathMultiplier;
  }

  /** The site name, e.g. {@code HISPANIC/LATINO}. */
  public String siteName() {
    return siteName;
  }

  /** Share of the cohort (the seven shares sum to 1). */
  public double proportion() {
    return proportion;
  }

  /** Relative risk of death, as a sampling weight (WHITE = 1). */
  public double deathMultiplier() {
    return deathMultiplier;
  }
}
