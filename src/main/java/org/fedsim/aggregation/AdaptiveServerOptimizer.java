package org.fedsim.aggregation;

import java.util.List;
import java.util.Optional;

/**
 * The adaptive server optimizers of Reddi et al. 2021 ("Adaptive Federated Optimization", Algorithm 2), as in
 * Flower's FedAdagrad / FedAdam / FedYogi without bias correction. With w_i = weight·staleness (weight: the number of examples unless a {@link Weighting} set another):
 * Δ = Σ w_i (x_i − g) / Σ w_i; m ← β1·m + (1 − β1)·Δ; v ← (rule of the subclass); g ← g + η·m / (√v + τ).
 * m and v start at 0; the state is m followed by v (2·d values).
 */
public abstract class AdaptiveServerOptimizer implements AggregationStrategy {
  protected final double eta;
  protected final double beta1;
  protected final double beta2;
  protected final double tau;
  private double[] m = new double[0];
  private double[] v = new double[0];

  /** @param key the scenario key prefix, e.g. "strategy.fedadam", used in error messages */
  protected AdaptiveServerOptimizer(String key, double eta, double beta1, double beta2, double tau) {
    if (!(eta > 0 && Double.isFinite(eta))) throw new IllegalArgumentException(key + ".eta must be > 0, got " + eta);
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException(key + ".beta1 must be in [0, 1), got " + beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException(key + ".beta2 must be in [0, 1), got " + beta2);
    if (!(tau > 0 && Double.isFinite(tau))) throw new IllegalArgumentException(key + ".tau must be > 0, got " + tau);
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  /** The second-moment update for one coordinate: v_{t-1}, Δ² → v_t. */
  protected abstract double nextV(double v, double deltaSquared);

  @Override
  public final Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    Updates.checkLengths(updates, d);
    double[] delta = Updates.weightedMeanDelta(updates, global);
    if (delta == null) return Optional.empty();
    if (m.length != d) {
      if (m.length != 0) {
        throw new IllegalStateException(getClass().getSimpleName() + " state is for " + m.length
            + " parameters, model has " + d);
      }
      m = new double[d];
      v = new double[d];
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * delta[i];
      v[i] = nextV(v[i], delta[i] * delta[i]);
      out[i] = (float) (global[i] + eta * m[i] / (Math.sqrt(v[i]) + tau));
    }
    return Optional.of(out);
  }

  @Override
  public final List<Double> state() {
    return Updates.toList(m, v);
  }

  @Override
  public final void restore(List<Double> state) {
    if (state.size() % 2 != 0) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " state must hold m and v (even size), got "
          + state.size());
    }
    int d = state.size() / 2;
    double[] nm = new double[d];
    double[] nv = new double[d];
    for (int i = 0; i < 2 * d; i++) {
      Double x = state.get(i);
      if (x == null || !Double.isFinite(x) || (i >= d && x < 0)) {
        throw new IllegalArgumentException("bad " + getClass().getSimpleName() + " state at " + i + ": " + x);
      }
      if (i < d) nm[i] = x;
      else nv[i - d] = x;
    }
    m = nm;
    v = nv;
  }
}
