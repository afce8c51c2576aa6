package org.fedsim.aggregation;

import java.util.Locale;

/**
 * The aggregation strategy of a run, as the scenario chose it ({@code strategy.*}): its name, how updates are
 * weighted, the parameters of the chosen rule (the others are unused), the proximal μ of FedProx's local training
 * and the bound on an update's norm that the server's validation enforces.
 *
 * @param momentum fedavgm: server momentum β
 * @param serverLearningRate fedavgm: server learning rate η
 * @param eta fedadagrad / fedadam / fedyogi: server learning rate η
 * @param beta1 fedadagrad / fedadam / fedyogi: first-moment decay
 * @param beta2 fedadam / fedyogi: second-moment decay
 * @param tau fedadagrad / fedadam / fedyogi: adaptivity τ
 * @param trimBeta trimmed-mean: fraction trimmed at each end
 * @param f krum / multi-krum / bulyan: Byzantine updates tolerated
 * @param m multi-krum: updates averaged
 * @param mu fedprox: proximal term μ (0 for every other strategy)
 * @param maxUpdateNorm the server rejects an update whose ‖w_i − w_global‖ exceeds this (infinity: no bound)
 */
public record StrategySettings(Name name, Weighting weighting, double momentum, double serverLearningRate, double eta,
    double beta1, double beta2, double tau, double trimBeta, int f, int m, double mu, double maxUpdateNorm) {

  /** Every strategy a scenario can name ({@code strategy.name}). */
  public enum Name {
    FEDAVG, FEDAVGM, FEDADAGRAD, FEDADAM, FEDYOGI, MEDIAN, TRIMMED_MEAN, KRUM, MULTI_KRUM, BULYAN, FEDPROX;

    /** As written in a scenario: {@code trimmed-mean}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Robust rules treat every update alike: a weighting other than the default has no effect on them. */
    public boolean weighted() {
      return switch (this) {
        case FEDAVG, FEDAVGM, FEDADAGRAD, FEDADAM, FEDYOGI, FEDPROX -> true;
        case MEDIAN, TRIMMED_MEAN, KRUM, MULTI_KRUM, BULYAN -> false;
      };
    }
  }

  public StrategySettings {
    if (!(maxUpdateNorm > 0)) throw new IllegalArgumentException("strategy.validation.max-norm must be > 0");
    if (!(mu >= 0 && Double.isFinite(mu))) throw new IllegalArgumentException("strategy.fedprox.mu must be >= 0");
  }

  /** Plain FedAvg weighted by examples (or uniformly), no bound on update norms. */
  public static StrategySettings fedAvg(boolean byExamples) {
    return new StrategySettings(Name.FEDAVG, byExamples ? Weighting.EXAMPLES : Weighting.UNIFORM, 0, 1, 0, 0, 0, 0, 0,
        0, 1, 0, Double.POSITIVE_INFINITY);
  }

  /** The same settings with another update-norm bound. */
  public StrategySettings withMaxUpdateNorm(double bound) {
    return new StrategySettings(name, weighting, momentum, serverLearningRate, eta, beta1, beta2, tau, trimBeta, f, m,
        mu, bound);
  }

  /**
   * A new strategy instance (with fresh state) for these settings; its constructor's checks apply (an
   * IllegalArgumentException names the scenario key).
   */
  public AggregationStrategy create() {
    AggregationStrategy rule = switch (name) {
      case FEDAVG, FEDPROX -> new FedAvg(true);
      case FEDAVGM -> new FedAvgM(momentum, serverLearningRate);
      case FEDADAGRAD -> new FedAdagrad(eta, beta1, tau);
      case FEDADAM -> new FedAdam(eta, beta1, beta2, tau);
      case FEDYOGI -> new FedYogi(eta, beta1, beta2, tau);
      case MEDIAN -> new CoordinateMedian();
      case TRIMMED_MEAN -> new TrimmedMean(trimBeta);
      case KRUM -> new Krum(f);
      case MULTI_KRUM -> Krum.multi(f, m);
      case BULYAN -> new Bulyan(f);
    };
    return name.weighted() ? weighting.around(rule) : rule;
  }

  /** The fewest updates a round must accept for the rule to aggregate. */
  public int minUpdates() {
    return create().minUpdates();
  }
}
