package org.fedsim.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How much each update counts in a weighted strategy (FedAvg, FedAvgM, FedAdagrad / FedAdam / FedYogi, FedProx):
 * by its number of training examples, uniformly, or by quality (the validation score the site reported for its own
 * update before aggregation; an update without a score counts 0). Staleness multiplies every weight.
 */
public enum Weighting {
  EXAMPLES, UNIFORM, QUALITY;

  /** The weight basis of {@code u} under this weighting. */
  public double of(ClientUpdate u) {
    return switch (this) {
      case EXAMPLES -> u.numExamples();
      case UNIFORM -> 1.0;
      case QUALITY -> Double.isFinite(u.quality()) && u.quality() > 0 ? u.quality() : 0.0;
    };
  }

  /** {@code inner} fed with updates re-weighted by this weighting (its state passes through). */
  public AggregationStrategy around(AggregationStrategy inner) {
    if (this == EXAMPLES) return inner; // the weight basis every update already carries
    Weighting self = this;
    return new AggregationStrategy() {
      @Override
      public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
        List<ClientUpdate> weighted = new ArrayList<>(updates.size());
        for (ClientUpdate u : updates) weighted.add(u.withWeight(self.of(u)));
        return inner.aggregate(round, weighted, global);
      }

      @Override
      public List<Double> state() {
        return inner.state();
      }

      @Override
      public void restore(List<Double> state) {
        inner.restore(state);
      }

      @Override
      public java.util.Set<String> lastUsed() {
        return inner.lastUsed();
      }

      @Override
      public int minUpdates() {
        return inner.minUpdates();
      }

      @Override
      public String toString() {
        return inner + " weighted by " + self.name().toLowerCase(java.util.Locale.ROOT);
      }
    };
  }
}
