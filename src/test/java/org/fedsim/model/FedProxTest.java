package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fedsim.data.SiteData;
import org.fedsim.data.TestRows;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;

/** FedProx's proximal term μ/2·‖w − w_global‖² in local training (DL4J's agreement: EngineEquivalenceTest). */
class FedProxTest {
  static final ModelSettings SGD = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.TANH,
      ModelSettings.Loss.XENT, ModelSettings.Optimizer.SGD, 0.1, 40, 1);

  static SiteData rows(int n) {
    return TestRows.twoBlobs("H", n, 5);
  }

  private static float[] fit(double mu, int epochs, ModelSettings s) {
    return fit(Engine.DENSE, mu, epochs, s);
  }

  private static float[] fit(Engine engine, double mu, int epochs, ModelSettings s) {
    float[] start = DenseModelTest.someParams(s.numParams(6));
    LocalModel m = ModelFactory.models(engine, s, 6, start, null, mu).get();
    m.fit(rows(40), new TrainingPlan(epochs, s.batchSize(), 3));
    return m.getParams();
  }

  @Test
  void theProximalGradientIsMuTimesTheDistanceFromTheGlobalWeights() {
    for (Engine engine : Engine.values()) {
      float[] a = DenseModelTest.someParams(SGD.numParams(6));
      // one minibatch per epoch (batch = n). Step 1 starts at w_global: no proximal pull, the same step for every μ
      assertArrayEquals(fit(engine, 0, 1, SGD), fit(engine, 0.5, 1, SGD), 0f, engine + ": step 1");
      // step 2 from the same w1: SGD adds −lr·μ·(w1 − w_global) and nothing else
      float[] w1 = fit(engine, 0, 1, SGD);
      float[] plain = fit(engine, 0, 2, SGD);
      float[] prox = fit(engine, 0.5, 2, SGD);
      for (int q = 0; q < a.length; q++) {
        assertEquals(plain[q] - 0.1 * 0.5 * (w1[q] - a[q]), prox[q], 1e-6, engine + ": parameter " + q);
      }
    }
  }

  @Test
  void eachFitPullsTowardsTheParametersItStartedFrom() {
    // a second fit's w_global is the first fit's result, not the model's initial parameters
    for (Engine engine : Engine.values()) {
      float[] start = DenseModelTest.someParams(SGD.numParams(6));
      LocalModel prox = ModelFactory.models(engine, SGD, 6, start, null, 0.5).get();
      LocalModel plain = ModelFactory.models(engine, SGD, 6, start, null, 0).get();
      TrainingPlan once = new TrainingPlan(1, SGD.batchSize(), 3);
      prox.fit(rows(40), once);
      plain.fit(rows(40), once);
      assertArrayEquals(plain.getParams(), prox.getParams(), 0f, engine + ": one step from w_global pulls nothing");
      prox.fit(rows(40), once);
      plain.fit(rows(40), once);
      assertArrayEquals(plain.getParams(), prox.getParams(), 0f, engine + ": nor does the next fit's first step");
    }
  }

  @Test
  void aLargerMuKeepsTheLocalModelCloserToTheGlobal() {
    ModelSettings adam = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 0.01, 8, 10);
    float[] a = DenseModelTest.someParams(adam.numParams(6));
    double previous = Double.POSITIVE_INFINITY;
    for (double mu : new double[] {0, 0.1, 1, 10}) {
      float[] w = fit(mu, 10, adam);
      double d = 0;
      for (int q = 0; q < a.length; q++) d += (w[q] - a[q]) * (w[q] - a[q]);
      assertTrue(Math.sqrt(d) < previous, "mu " + mu + ": drift " + Math.sqrt(d) + " not below " + previous);
      previous = Math.sqrt(d);
    }
  }

  @Test
  void muZeroIsPlainTraining() {
    float[] start = DenseModelTest.someParams(SGD.numParams(6));
    DenseModel plain = new DenseModel(SGD, 6, start);
    plain.fit(rows(40), new TrainingPlan(3, 8, 4));
    LocalModel zero = ModelFactory.models(Engine.DENSE, SGD, 6, start, null, 0).get();
    zero.fit(rows(40), new TrainingPlan(3, 8, 4));
    assertArrayEquals(plain.getParams(), zero.getParams(), 0f);
    var e = assertThrows(IllegalArgumentException.class,
        () -> ModelFactory.models(Engine.DL4J, SGD, 6, start, null, -0.01));
    assertTrue(e.getMessage().contains("strategy.fedprox.mu must be >= 0"), e.getMessage());
  }
}
