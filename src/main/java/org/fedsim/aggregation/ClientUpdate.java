package org.fedsim.aggregation;

/** One accepted client result as a strategy sees it: who, its parameters, and its aggregation weight basis. */
public record ClientUpdate(String site, float[] params, int numExamples) {
  public ClientUpdate {
    if (numExamples < 0) throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
  }
}
