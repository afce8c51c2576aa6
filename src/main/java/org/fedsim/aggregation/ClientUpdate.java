package org.fedsim.aggregation;

/**
 * One accepted client result as a strategy sees it: who, its parameters, its training-set size, a staleness factor
 * in [0, 1] (1 for an update of this round; less for a late one folded in from an earlier round), its aggregation
 * weight basis ({@code numExamples} unless a {@link Weighting} says otherwise; weighted strategies multiply it by the
 * staleness) and the validation score the site reported for its own update (NaN when it reported none).
 */
public record ClientUpdate(String site, float[] params, int numExamples, double staleness, double weight,
    double quality) {
  public ClientUpdate {
    if (numExamples < 0) throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
    if (!(staleness >= 0 && staleness <= 1)) throw new IllegalArgumentException("staleness must be in [0, 1]");
    if (!(weight >= 0 && Double.isFinite(weight))) {
      throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
    }
  }

  /** An update weighted by its number of examples, without a reported score. */
  public ClientUpdate(String site, float[] params, int numExamples, double staleness) {
    this(site, params, numExamples, staleness, numExamples, Double.NaN);
  }

  /** A fresh update (staleness 1). */
  public ClientUpdate(String site, float[] params, int numExamples) {
    this(site, params, numExamples, 1.0);
  }

  /** The same update with another weight basis. */
  public ClientUpdate withWeight(double newWeight) {
    return new ClientUpdate(site, params, numExamples, staleness, newWeight, quality);
  }
}
