package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;
import org.junit.jupiter.api.Test;

/**
 * The engine as a scenario chooses it, through the whole stack (loader, runner, hospitals, server, FedAvg): a short
 * run ends each round with the same global weights and site metrics on either engine, because both start from
 * DL4J's initialisation for the seed and compute the same updates.
 */
class EnginesThroughARunTest {
  static ExperimentRunner.RunResult run(ExperimentRunner runner, Engine engine) {
    String text = String.join("\n", "rounds = 3", "dataset.synthetic.patients = 6000", "model.local-epochs = 2",
        "model.engine = " + ModelFactory.key(engine));
    RunSpec spec = ScenarioLoader.fromConfig(ConfigFactory.parseString(text), List.of(), null, "engines").runs().get(0);
    assertEquals(engine, spec.scenario().engine());
    return runner.run(spec, (s, round) -> { });
  }

  @Test
  void aShortRunGivesTheSameNumbersOnEitherEngine() {
    ExperimentRunner.RunResult dl4j;
    ExperimentRunner.RunResult dense;
    try (ExperimentRunner runner = new ExperimentRunner(2)) {
      dl4j = run(runner, Engine.DL4J);
      dense = run(runner, Engine.DENSE);
    }
    assertEquals(dl4j.rounds().size(), dense.rounds().size());
    double worst = 0;
    for (int r = 0; r < dl4j.rounds().size(); r++) {
      RunEvent.RoundCompleted a = dl4j.rounds().get(r);
      RunEvent.RoundCompleted b = dense.rounds().get(r);
      double diff = EngineEquivalenceTest.maxDiff(a.global().values(), b.global().values());
      worst = Math.max(worst, diff);
      assertTrue(diff <= EngineEquivalenceTest.TOLERANCE, "round " + (r + 1) + ": global weights differ by " + diff);
      for (int s = 0; s < a.sites().size(); s++) {
        SiteRound x = a.sites().get(s);
        SiteRound y = b.sites().get(s);
        assertEquals(x.site(), y.site());
        assertEquals(x.accuracy(), y.accuracy(), 0.0, x.site() + " accuracy, round " + (r + 1));
        assertEquals(x.auc(), y.auc(), 1e-9, x.site() + " auc, round " + (r + 1));
        assertEquals(x.loss(), y.loss(), 1e-5, x.site() + " loss, round " + (r + 1));
      }
    }
    System.out.printf("3 federated rounds, 7 hospitals: global weights of the engines within %.3g%n", worst);
  }
}
