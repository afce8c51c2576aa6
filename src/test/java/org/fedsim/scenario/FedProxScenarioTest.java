package org.fedsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fedsim.metrics.ResultsWriter;
import org.fedsim.server.RunEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** scenarios/fedprox-dirichlet.conf, seed 1: FedProx (μ = 0.01) lowers the mean client drift against FedAvg. */
class FedProxScenarioTest {
  static ExperimentRunner runner;

  @BeforeAll
  static void start() {
    runner = new ExperimentRunner(2);
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  /** Mean over the rounds of the mean ‖w_i − w_global‖ of the accepted updates (the ALL rows' drift). */
  private static double meanDrift(RunSpec spec) {
    List<RunEvent.RoundCompleted> rounds = runner.run(spec, (s, r) -> { }).rounds();
    double sum = 0;
    for (RunEvent.RoundCompleted r : rounds) sum += ResultsWriter.Drift.of(r.sites()).mean();
    return sum / rounds.size();
  }

  @Test
  void fedProxLowersClientDriftOnADirichletLabelSkew() {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios/fedprox-dirichlet.conf"), List.of(), 1L);
    assertEquals(List.of("name=fedavg", "name=fedprox"), loaded.runs().stream().map(RunSpec::label).toList());
    assertEquals(0.3, loaded.runs().get(0).scenario().partition().alpha());
    double fedAvg = meanDrift(loaded.runs().get(0));
    double fedProx = meanDrift(loaded.runs().get(1));
    assertTrue(fedProx < fedAvg, "FedProx drift " + fedProx + " vs FedAvg " + fedAvg);
  }
}
