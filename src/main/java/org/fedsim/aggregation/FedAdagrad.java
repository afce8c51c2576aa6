package org.fedsim.aggregation;

/** FedAdagrad (Reddi et al. 2021): v ← v + Δ². */
public final class FedAdagrad extends AdaptiveServerOptimizer {
  /** Flower's FedAdagrad defaults: η = 0.1, β1 = 0 (no first-moment averaging: m = Δ), τ = 1e-9. */
  public FedAdagrad() {
    this(0.1, 0.0, 1e-9);
  }

  public FedAdagrad(double eta, double beta1, double tau) {
    super("strategy.fedadagrad", eta, beta1, 0.0, tau);
  }

  @Override
  protected double nextV(double v, double deltaSquared) {
    return v + deltaSquared;
  }
}
