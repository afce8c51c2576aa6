package org.fedsim.scenario;

import java.time.Duration;
import java.util.List;
import org.fedsim.aggregation.StrategySettings;
import org.fedsim.aggregation.Weighting;
import org.fedsim.data.PartitionSettings;
import org.fedsim.data.PreprocessSettings;
import org.fedsim.model.Engine;
import org.fedsim.model.ModelSettings;
import org.fedsim.server.RoundPolicy;

/**
 * One fully resolved, validated run of an experiment: settings records only (read once from HOCON by
 * {@link ScenarioLoader}), handed to the actors; nobody downstream reads Config.
 */
public record Scenario(
    String name,
    long seed,
    int rounds,
    DatasetSpec dataset,
    PartitionSettings partition,
    PreprocessSettings preprocessing,
    ModelSettings model,
    Engine engine,
    StrategySettings strategy,
    double fraction,
    int minParticipants,
    Duration roundTimeout,
    Duration evaluationTimeout,
    PrivacySettings privacy,
    TimingSettings timing,
    RoundPolicy policy,
    EventsSettings events,
    AttackSettings attacks,
    List<Baselines.Method> baselines,
    Baselines.Scoring baselineEvaluation) {

  /** Whether updates are weighted by their number of examples ({@code strategy.weighting = examples}). */
  public boolean weightByExamples() {
    return strategy.weighting() == Weighting.EXAMPLES;
  }
}
