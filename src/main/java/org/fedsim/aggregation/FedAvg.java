package org.fedsim.aggregation;

import java.util.List;
import java.util.Optional;

/**
 * FedAvg (McMahan et al. 2017): {@code Σ_k n_k·s_k·w_k / Σ_k n_k·s_k} (n_k: the update's weight basis, its number
 * of examples unless a {@link Weighting} set another; s_k: staleness factor, 1 when fresh), accumulated in double in
 * the order given (the server passes updates sorted by site, so the float result does not depend on arrival order).
 */
public final class FedAvg implements AggregationStrategy {
  private final boolean weighted;

  /** @param weighted weight by each update's weight basis (the default); false gives every client the same weight */
  public FedAvg(boolean weighted) {
    this.weighted = weighted;
  }

  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    double[] sum = new double[d];
    double total = 0;
    for (ClientUpdate u : updates) {
      if (u.params().length != d) {
        throw new IllegalArgumentException(
            "update from " + u.site() + " has " + u.params().length + " parameters, expected " + d);
      }
      double w = (weighted ? u.weight() : 1.0) * u.staleness();
      total += w;
      float[] p = u.params();
      for (int i = 0; i < d; i++) sum[i] += w * p[i];
    }
    if (total <= 0) return Optional.empty();
    float[] out = new float[d];
    for (int i = 0; i < d; i++) out[i] = (float) (sum[i] / total);
    return Optional.of(out);
  }
}
