package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;

class Dl4jModelTest {
  static final ModelSettings SEED_NET = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
      ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 1e-3, 32, 2);

  /** Two Gaussian blobs, separable enough to learn in a few epochs. */
  static SiteData blobs(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] x = new float[n][6];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < 6; j++) x[i][j] = (float) (rng.nextGaussian() + (y[i] == 1 ? 1.0 : -1.0));
    }
    return new SiteData("T", x, y);
  }

  @Test
  void theSeedNetworkHas41ParametersInDl4jsLayout() {
    Dl4jModel m = new Dl4jModel(SEED_NET, 6, 1);
    assertEquals(41, m.numParams());
    assertEquals(41, SEED_NET.numParams(6));
  }

  @Test
  void parametersRoundTripAsCopies() {
    Dl4jModel m = new Dl4jModel(SEED_NET, 6, 1);
    float[] p = new float[41];
    for (int i = 0; i < p.length; i++) p[i] = i * 0.01f;
    m.setParams(p);
    p[0] = 99f; // the model must have copied
    float[] back = m.getParams();
    assertEquals(0f, back[0]);
    back[1] = 99f; // and hand out a copy
    assertEquals(0.01f, m.getParams()[1], 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> m.setParams(new float[40]));
  }

  @Test
  void theSameInitSeedGivesTheSameInitialWeights() {
    assertArrayEquals(new Dl4jModel(SEED_NET, 6, 5).getParams(), new Dl4jModel(SEED_NET, 6, 5).getParams());
    assertFalse(Arrays.equals(new Dl4jModel(SEED_NET, 6, 5).getParams(), new Dl4jModel(SEED_NET, 6, 6).getParams()));
  }

  @Test
  void trainingFromTheSameWeightsAndSeedIsReproducibleBecauseTheOptimizerStartsFresh() {
    SiteData data = blobs(200, 3);
    Dl4jModel m = new Dl4jModel(SEED_NET, 6, 1);
    float[] start = m.getParams();
    m.fit(data, new TrainingPlan(2, 32, 77));
    float[] first = m.getParams();
    m.setParams(start);
    m.fit(data, new TrainingPlan(2, 32, 77));
    assertArrayEquals(first, m.getParams(), 0f);
    m.setParams(start);
    m.fit(data, new TrainingPlan(2, 32, 78));
    assertFalse(Arrays.equals(first, m.getParams()), "another shuffle seed gives another minibatch order");
  }

  @Test
  void trainingLowersTheLossAndLearnsSeparableData() {
    SiteData data = blobs(400, 4);
    ModelSettings fast = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.TANH,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 0.05, 32, 10);
    Dl4jModel m = new Dl4jModel(fast, 6, 1);
    double before = m.evaluate(data).loss();
    m.fit(data, new TrainingPlan(10, 32, 1));
    Evaluation after = m.evaluate(data);
    assertTrue(after.loss() < before, "loss " + before + " -> " + after.loss());
    assertTrue(after.accuracy() > 0.9, "accuracy " + after.accuracy());
  }
}
