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

/** model.local-steps: exactly n minibatch steps a round, whatever the site's size (dense engine; DL4J refuses). */
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

  static float[] train(ModelSettings s, SiteData data, int planEpochs) {
    float[] init = ModelFactory.initialParams(s, 3, 5);
    DenseModel m = new DenseModel(s, 3, init);
    m.fit(data, new TrainingPlan(planEpochs, 32, 77));
    return m.getParams();
  }

  @Test
  void stepsThatFillWholePassesEqualThoseEpochs() {
    SiteData n64 = rows(64); // 2 steps a pass
    assertArrayEquals(train(settings(3, 0), n64, 3), train(settings(10, 6), n64, 10), "6 steps = 3 passes");
    SiteData n6 = rows(6); // 1 step a pass (6 rows < batch 32)
    assertArrayEquals(train(settings(5, 0), n6, 5), train(settings(10, 5), n6, 10), "5 steps = 5 passes");
  }

  @Test
  void aCutPassStopsAtTheStepCountWhateverTheEpochs() {
    SiteData n64 = rows(64);
    float[] five = train(settings(10, 5), n64, 10);
    assertFalse(Arrays.equals(five, train(settings(2, 0), n64, 2)), "5 steps are more than 2 passes");
    assertFalse(Arrays.equals(five, train(settings(3, 0), n64, 3)), "and fewer than 3");
    assertArrayEquals(five, train(settings(1, 5), n64, 1), "local-epochs does not matter once local-steps is set");
  }

  @Test
  void theScenarioLoaderNamesTheKeyWhenLocalStepsCannotBeComputed() {
    String dl4j = org.junit.jupiter.api.Assertions.assertThrows(org.fedsim.scenario.ScenarioException.class,
        () -> load("model.local-steps = 5")).getMessage();
    assertTrue(dl4j.contains("model.local-steps"), dl4j);
    String dpSgd = org.junit.jupiter.api.Assertions.assertThrows(org.fedsim.scenario.ScenarioException.class,
        () -> load("model.local-steps = 5", "model.engine = dense", "privacy.mode = dp-sgd",
            "privacy.noise-multiplier = 1")).getMessage();
    assertTrue(dpSgd.contains("cannot be combined with privacy.mode = dp-sgd"), dpSgd);
    assertTrue(load("model.local-steps = 5", "model.engine = dense").runs().get(0).scenario().model().localSteps() == 5);
  }

  static org.fedsim.scenario.ScenarioLoader.Loaded load(String... lines) {
    return org.fedsim.scenario.ScenarioLoader.fromConfig(
        com.typesafe.config.ConfigFactory.parseString(String.join("\n", lines)), List.of(), null, "t");
  }

  @Test
  void dl4jRefusesLocalSteps() {
    assertTrue(ModelFactory.unsupported(Engine.DL4J, settings(1, 5)).isPresent());
    assertFalse(ModelFactory.unsupported(Engine.DL4J, settings(1, 0)).isPresent());
  }
}
