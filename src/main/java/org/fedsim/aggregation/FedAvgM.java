package org.fedsim.aggregation;

import java.util.List;
import java.util.Optional;

/**
 * FedAvgM (Hsu et al. 2019): server momentum over the weighted mean update. With w_i = weight·staleness (weight: the number of examples unless a {@link Weighting} set another):
 * Δ = Σ w_i (x_i − g) / Σ w_i; v ← βv + Δ; g ← g + η v. The momentum v is the state kept across rounds.
 */
public final class FedAvgM implements AggregationStrategy {
  private final double momentum;
  private final double serverLearningRate;
  private double[] velocity = new double[0];

  /**
   * @param momentum β in [0, 1)
   * @param serverLearningRate η > 0
   */
  public FedAvgM(double momentum, double serverLearningRate) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("strategy.fedavgm.momentum must be in [0, 1), got " + momentum);
    }
    if (!(serverLearningRate > 0 && Double.isFinite(serverLearningRate))) {
      throw new IllegalArgumentException("strategy.fedavgm.server-learning-rate must be > 0, got " + serverLearningRate);
    }
    this.momentum = momentum;
    this.serverLearningRate = serverLearningRate;
  }

  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    Updates.checkLengths(updates, d);
    double[] delta = Updates.weightedMeanDelta(updates, global);
    if (delta == null) return Optional.empty();
    if (velocity.length != d) {
      if (velocity.length != 0) {
        throw new IllegalStateException("FedAvgM momentum has " + velocity.length + " entries, model has " + d);
      }
      velocity = new double[d];
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      velocity[i] = momentum * velocity[i] + delta[i];
      out[i] = (float) (global[i] + serverLearningRate * velocity[i]);
    }
    return Optional.of(out);
  }

  @Override
  public List<Double> state() {
    return Updates.toList(velocity);
  }

  @Override
  public void restore(List<Double> state) {
    double[] v = new double[state.size()];
    for (int i = 0; i < v.length; i++) {
      Double x = state.get(i);
      if (x == null || !Double.isFinite(x)) throw new IllegalArgumentException("bad FedAvgM state at " + i + ": " + x);
      v[i] = x;
    }
    velocity = v;
  }
}
