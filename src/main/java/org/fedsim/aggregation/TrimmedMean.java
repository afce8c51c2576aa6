package org.fedsim.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): per coordinate, drop the ⌊β·n⌋ highest and ⌊β·n⌋ lowest values
 * and average the rest. Example counts are ignored.
 */
public final class TrimmedMean implements AggregationStrategy {
  private final double beta;

  /** @param beta the fraction trimmed at each end, in [0, 0.5) */
  public TrimmedMean(double beta) {
    if (!(beta >= 0 && beta < 0.5)) {
      throw new IllegalArgumentException("strategy.trimmed-mean.beta must be in [0, 0.5), got " + beta);
    }
    this.beta = beta;
  }

  /** How many values are dropped at each end for n clients. */
  public int trimmed(int n) {
    return (int) Math.floor(beta * n);
  }

  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    Updates.checkLengths(updates, d);
    List<float[]> points = new ArrayList<>(updates.size());
    for (ClientUpdate u : updates) points.add(u.params());
    return Optional.of(Updates.trimmedMean(points, d, trimmed(updates.size())));
  }
}
