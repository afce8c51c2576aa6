package org.fedsim.scenario;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that run small scenarios: one ExperimentRunner (one ActorSystem) per test class. */
abstract class WithRunner {
  static ExperimentRunner runner;

  @BeforeAll
  static void startRunner() {
    runner = new ExperimentRunner(2);
  }

  @AfterAll
  static void stopRunner() {
    runner.close();
  }

  /** A small synthetic scenario (6,000 patients, 2 local epochs) named {@code name}, with {@code extra} lines. */
  static ScenarioLoader.Loaded smallScenario(String name, int rounds, String... extra) {
    String text = String.join("\n", "name = " + name, "rounds = " + rounds, "dataset.synthetic.patients = 6000",
        "model.local-epochs = 2", String.join("\n", extra));
    return ScenarioLoader.fromConfig(ConfigFactory.parseString(text), List.of(), null, name);
  }
}
