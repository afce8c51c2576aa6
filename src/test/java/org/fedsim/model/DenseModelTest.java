package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;

/** The dense engine on its own (its agreement with DL4J is {@link EngineEquivalenceTest}). */
class DenseModelTest {
  static final ModelSettings SEED_NET = Dl4jModelTest.SEED_NET;

  static float[] someParams(int n) {
    float[] p = new float[n];
    for (int i = 0; i < n; i++) p[i] = (float) Math.sin(i + 1) * 0.5f;
    return p;
  }

  @Test
  void theSeedNetworkHas41ParametersInDl4jsLayout() {
    DenseModel m = new DenseModel(SEED_NET, 6, someParams(41));
    assertEquals(41, m.numParams());
    ModelSettings deep = new ModelSettings(List.of(32, 16), ModelSettings.HiddenActivation.TANH,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 1e-3, 32, 1);
    assertEquals(deep.numParams(9), new DenseModel(deep, 9, someParams(deep.numParams(9))).numParams());
    assertEquals(2, new DenseModel(new ModelSettings(List.of(), ModelSettings.HiddenActivation.RELU,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.SGD, 0.1, 8, 1), 1, new float[2]).numParams(),
        "no hidden layer: logistic regression");
  }

  @Test
  void weightsAreColumnMajorPerLayerThenBiasesAsInDl4j() {
    // 2 inputs -> 1 identity unit -> sigmoid: z1 = x·W1 + b1, p = sigmoid(w2 z1 + b2); params [W1(2), b1, w2, b2]
    ModelSettings tiny = new ModelSettings(List.of(1), ModelSettings.HiddenActivation.IDENTITY,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.SGD, 0.1, 1, 1);
    DenseModel m = new DenseModel(tiny, 2, new float[] {1f, 2f, 0.5f, 1f, 0f});
    SiteData row = new SiteData("T", new float[][] {{3f, 4f}}, new int[] {1});
    // z1 = 3*1 + 4*2 + 0.5 = 11.5 -> p = sigmoid(11.5) > 0.5, accuracy 1, loss = -log(sigmoid(11.5))
    Evaluation e = m.evaluate(row);
    assertEquals(1.0, e.accuracy());
    assertEquals(-Math.log(1 / (1 + Math.exp(-11.5))), e.loss(), 1e-6);
    // and DL4J reads the same vector the same way
    Dl4jModel dl4j = new Dl4jModel(tiny, 2, new float[] {1f, 2f, 0.5f, 1f, 0f});
    assertEquals(dl4j.evaluate(row).loss(), e.loss(), 1e-6);
  }

  @Test
  void parametersRoundTripAsCopies() {
    float[] p = someParams(41);
    DenseModel m = new DenseModel(SEED_NET, 6, p);
    p[0] = 99f; // the model must have copied
    float[] back = m.getParams();
    assertEquals((float) Math.sin(1) * 0.5f, back[0]);
    back[1] = 99f; // and hand out a copy
    assertEquals((float) Math.sin(2) * 0.5f, m.getParams()[1]);
    assertThrows(IllegalArgumentException.class, () -> m.setParams(new float[40]));
    assertThrows(IllegalArgumentException.class, () -> new DenseModel(SEED_NET, 6, new float[42]));
  }

  @Test
  void trainingFromTheSameWeightsAndSeedIsReproducibleBecauseTheOptimizerStartsFresh() {
    SiteData data = Dl4jModelTest.blobs(200, 3);
    DenseModel m = new DenseModel(SEED_NET, 6, someParams(41));
    float[] start = m.getParams();
    double loss = m.fit(data, new TrainingPlan(2, 32, 77));
    float[] first = m.getParams();
    m.setParams(start);
    assertEquals(loss, m.fit(data, new TrainingPlan(2, 32, 77)));
    assertArrayEquals(first, m.getParams(), 0f);
    m.setParams(start);
    m.fit(data, new TrainingPlan(2, 32, 78));
    assertFalse(Arrays.equals(first, m.getParams()), "another shuffle seed gives another minibatch order");
  }

  @Test
  void modelsOfDifferentShapesOnOneThreadDoNotDisturbEachOther() {
    SiteData six = Dl4jModelTest.blobs(100, 3);
    ModelSettings wide = new ModelSettings(List.of(8), ModelSettings.HiddenActivation.TANH,
        ModelSettings.Loss.MSE, ModelSettings.Optimizer.NESTEROVS, 0.01, 16, 2);
    DenseModel a = new DenseModel(SEED_NET, 6, someParams(41));
    DenseModel b = new DenseModel(wide, 6, someParams(wide.numParams(6)));
    a.fit(six, new TrainingPlan(2, 32, 1));
    float[] alone = a.getParams();
    a.setParams(someParams(41));
    b.fit(six, new TrainingPlan(2, 16, 1)); // another shape in between replaces this thread's workspace
    a.fit(six, new TrainingPlan(2, 32, 1));
    assertArrayEquals(alone, a.getParams(), 0f);
  }

  @Test
  void trainingLowersTheLossAndLearnsSeparableData() {
    SiteData data = Dl4jModelTest.blobs(400, 4);
    ModelSettings fast = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.TANH,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 0.05, 32, 10);
    DenseModel m = new DenseModel(fast, 6, someParams(41));
    double before = m.evaluate(data).loss();
    m.fit(data, new TrainingPlan(10, 32, 1));
    Evaluation after = m.evaluate(data);
    assertTrue(after.loss() < before, "loss " + before + " -> " + after.loss());
    assertTrue(after.accuracy() > 0.9, "accuracy " + after.accuracy());
  }

  @Test
  void noRowsGiveNaNAndRowsOfTheWrongWidthAreRefused() {
    DenseModel m = new DenseModel(SEED_NET, 6, someParams(41));
    SiteData none = new SiteData("E", new float[0][], new int[0]);
    assertTrue(Double.isNaN(m.fit(none, new TrainingPlan(1, 32, 1))));
    assertEquals(0, m.evaluate(none).rows());
    SiteData five = new SiteData("F", new float[][] {{1, 2, 3, 4, 5}}, new int[] {1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.evaluate(five));
    assertTrue(e.getMessage().contains("5 features"), e.getMessage());
  }

  // ---- what the engine can compute ----

  /** Every option ModelSettings can hold today: the dense engine computes all of them. */
  @Test
  void everyOptionModelSettingsCanHoldIsSupported() {
    for (ModelSettings.HiddenActivation a : ModelSettings.HiddenActivation.values()) {
      for (ModelSettings.Loss l : ModelSettings.Loss.values()) {
        for (ModelSettings.Optimizer o : ModelSettings.Optimizer.values()) {
          ModelSettings s = new ModelSettings(List.of(3, 2), a, l, o, 0.01, 8, 1, 0.5);
          Optional<Unsupported> u = DenseModel.unsupported(s);
          assertEquals(Optional.empty(), u, s::toString);
          assertEquals(Optional.empty(), ModelFactory.unsupported(Engine.DENSE, s));
          DenseModel m = new DenseModel(s, 4, someParams(s.numParams(4)));
          double loss = m.fit(new SiteData("S", new float[][] {{1, 2, 3, 4}, {0, 1, 0, 1}}, new int[] {1, 0}),
              new TrainingPlan(1, 2, 1));
          assertTrue(Double.isFinite(loss), s::toString);
        }
      }
    }
  }

  @Test
  void theReferenceEngineRefusesNothing() {
    assertEquals(Optional.empty(), ModelFactory.unsupported(Engine.DL4J, SEED_NET));
  }

  // ---- light hospitals ----

  /**
   * Structural, not a measurement (fedsim bench --idle-heap measures): between rounds a dense model holds its float[]
   * parameters and a reference to the run's shared network description, nothing else — no activations, gradients
   * or optimizer state.
   */
  @Test
  void anIdleModelHoldsOnlyItsParametersAndTheSharedNetwork() throws Exception {
    Supplier<LocalModel> models = ModelFactory.models(Engine.DENSE, SEED_NET, 6, someParams(41));
    DenseModel a = (DenseModel) models.get();
    DenseModel b = (DenseModel) models.get();
    a.fit(Dl4jModelTest.blobs(100, 1), new TrainingPlan(2, 32, 1));
    a.evaluate(Dl4jModelTest.blobs(50, 2));
    List<String> fields = new ArrayList<>();
    for (Field f : DenseModel.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) continue;
      f.setAccessible(true);
      fields.add(f.getName());
      Object value = f.get(a);
      if (value instanceof float[] array) {
        assertEquals(41, array.length, "only the parameters as an array");
      } else {
        assertSame(DenseNet.class, value.getClass(), f.getName());
        assertSame(value, f.get(b), "one network description per run, shared by its hospitals");
      }
    }
    assertEquals(List.of("net", "params"), fields.stream().sorted().toList());
  }
}
