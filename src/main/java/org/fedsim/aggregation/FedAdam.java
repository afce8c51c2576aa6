package org.fedsim.aggregation;

/** FedAdam (Reddi et al. 2021): v ← β2·v + (1 − β2)·Δ². */
public final class FedAdam extends AdaptiveServerOptimizer {
  /** Flower's FedAdam defaults: η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-9. */
  public FedAdam() {
    this(0.1, 0.9, 0.99, 1e-9);
  }

  public FedAdam(double eta, double beta1, double beta2, double tau) {
    super("strategy.fedadam", eta, beta1, beta2, tau);
  }

  @Override
  protected double nextV(double v, double deltaSquared) {
    return beta2 * v + (1 - beta2) * deltaSquared;
  }
}
