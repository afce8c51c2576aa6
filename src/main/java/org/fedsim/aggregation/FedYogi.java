package org.fedsim.aggregation;

/** FedYogi (Reddi et al. 2021): v ← v − (1 − β2)·Δ²·sign(v − Δ²). */
public final class FedYogi extends AdaptiveServerOptimizer {
  /** Flower's FedYogi defaults: η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3. */
  public FedYogi() {
    this(0.01, 0.9, 0.99, 1e-3);
  }

  public FedYogi(double eta, double beta1, double beta2, double tau) {
    super("strategy.fedyogi", eta, beta1, beta2, tau);
  }

  @Override
  protected double nextV(double v, double deltaSquared) {
    return v - (1 - beta2) * deltaSquared * Math.signum(v - deltaSquared);
  }
}
