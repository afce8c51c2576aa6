package org.fedsim.aggregation;

/**
 * One accepted client result as a strategy sees it: who, its parameters, its aggregation weight basis, and a
 * staleness factor in [0, 1] (1 for an update of this round; less for a late one folded in from an earlier round).
 */
public record ClientUpdate(String site, float[] params, int numExamples, double staleness) {
  public ClientUpdate {
    if (numExamples < 0) throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
    if (!(staleness >= 0 && staleness <= 1)) throw new IllegalArgumentException("staleness must be in [0, 1]");
  }

  /** A fresh update (staleness 1). */
  public ClientUpdate(String site, float[] params, int numExamples) {
    this(site, params, numExamples, 1.0);
  }
}
