package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;

/**
 * model.local-steps: exactly n minibatch steps a round, whatever the site's size (both engines; DL4J's agreement with
 * the dense engine step for step: EngineEquivalenceTest).
 */
class LocalStepsTest {
  static ModelSettings settings(int localEpochs, int localSteps) {
    return new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU, ModelSettings.Loss.XENT,
        ModelSettings.Optimizer.ADAM, 0.01, 32, localEpochs, ModelSettings.DEFAULT_MOMENTUM, localSteps);
  }

  static SiteData rows(int n) {
    Random r = new Random(n);
    float[][] x = new float[n][3];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) x[i][j] = (float) r.nextGaussian();
      y[i] = x[i][0] + 0.5 * x[i][1] > 0 ? 1 : 0;
    }
    return new SiteData("S", x, y);
  }

  static float[] train(Engine engine, ModelSettings s, SiteData data, int planEpochs) {
    float[] init = ModelFactory.initialParams(s, 3, 5);
    LocalModel m = ModelFactory.models(engine, s, 3, init).get();
    m.fit(data, new TrainingPlan(planEpochs, 32, 77));
    return m.getParams();
  }

  @Test
  void stepsThatFillWholePassesEqualThoseEpochs() {
    for (Engine e : Engine.values()) {
      SiteData n64 = rows(64); // 2 steps a pass
      assertArrayEquals(train(e, settings(3, 0), n64, 3), train(e, settings(10, 6), n64, 10), e + ": 6 steps = 3 passes");
      SiteData n6 = rows(6); // 1 step a pass (6 rows < batch 32)
      assertArrayEquals(train(e, settings(5, 0), n6, 5), train(e, settings(10, 5), n6, 10), e + ": 5 steps = 5 passes");
    }
  }

  @Test
  void aCutPassStopsAtTheStepCountWhateverTheEpochs() {
    for (Engine e : Engine.values()) {
      SiteData n64 = rows(64);
      float[] five = train(e, settings(10, 5), n64, 10);
      assertFalse(Arrays.equals(five, train(e, settings(2, 0), n64, 2)), e + ": 5 steps are more than 2 passes");
      assertFalse(Arrays.equals(five, train(e, settings(3, 0), n64, 3)), e + ": and fewer than 3");
      assertArrayEquals(five, train(e, settings(1, 5), n64, 1), e + ": local-epochs does not matter with local-steps");
    }
  }

  @Test
  void theScenarioLoaderTakesLocalStepsOnBothEnginesButNotWithDpSgd() {
    String dpSgd = org.junit.jupiter.api.Assertions.assertThrows(org.fedsim.scenario.ScenarioException.class,
        () -> load("model.local-steps = 5", "model.engine = dense", "privacy.mode = dp-sgd",
            "privacy.noise-multiplier = 1")).getMessage();
    assertTrue(dpSgd.contains("cannot be combined with privacy.mode = dp-sgd"), dpSgd);
    assertTrue(load("model.local-steps = 5", "model.engine = dense").runs().get(0).scenario().model().localSteps() == 5);
    assertTrue(load("model.local-steps = 5", "model.engine = dl4j").runs().get(0).scenario().model().localSteps() == 5);
  }

  static org.fedsim.scenario.ScenarioLoader.Loaded load(String... lines) {
    return org.fedsim.scenario.ScenarioLoader.fromConfig(
        com.typesafe.config.ConfigFactory.parseString(String.join("\n", lines)), List.of(), null, "t");
  }
}
