package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;

/** DP-SGD in the dense engine: each example's gradient is clipped to C before the sum is noised. */
class DpSgdTest {
  private static final int INPUTS = 5;
  private static final int ROWS = 12;
  // plain SGD, learning rate 1: a step moves the parameters by exactly minus the gradient it is given
  private static final ModelSettings SGD = new ModelSettings(List.of(4, 3), ModelSettings.HiddenActivation.TANH,
      ModelSettings.Loss.XENT, ModelSettings.Optimizer.SGD, 1.0, ROWS, 1);

  private static SiteData data(double scale) {
    SplittableRandom rng = new SplittableRandom(7);
    float[][] x = new float[ROWS][INPUTS];
    int[] y = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < INPUTS; j++) x[i][j] = (float) (scale * rng.nextGaussian());
      y[i] = i % 2;
    }
    return new SiteData("h", x, y);
  }

  private static float[] params(int count) {
    SplittableRandom rng = new SplittableRandom(3);
    float[] p = new float[count];
    for (int i = 0; i < count; i++) p[i] = (float) (0.8 * rng.nextGaussian());
    return p;
  }

  private static double norm(double[] g) {
    double s = 0;
    for (double v : g) s += v * v;
    return Math.sqrt(s);
  }

  /**
   * σ = 0 and batch = n (so q = 1: every row is sampled, one step per epoch): the step is exactly
   * Σ clip(g_i, C) / n, computed here from each row's own gradient; and C is far below the gradients' norms, so
   * every one of them is really clipped.
   */
  @Test
  void everyPerExampleGradientIsClippedToCBeforeTheSum() {
    SiteData data = data(3.0);
    int count = SGD.numParams(INPUTS);
    float[] start = params(count);
    DenseModel probe = new DenseModel(SGD, INPUTS, start);
    double smallest = Double.MAX_VALUE;
    for (int i = 0; i < ROWS; i++) smallest = Math.min(smallest, norm(probe.exampleGradient(data, i)));
    assertTrue(smallest > 1e-3, "a row's gradient vanishes: " + smallest);
    double clip = smallest / 4; // below every row's gradient norm
    double[] expected = new double[count];
    for (int i = 0; i < ROWS; i++) {
      double[] g = probe.exampleGradient(data, i);
      assertTrue(norm(g) > clip, "row " + i + "'s gradient norm " + norm(g) + " should need clipping");
      double scale = clip / norm(g);
      for (int p = 0; p < count; p++) expected[p] += g[p] * scale / ROWS;
    }
    assertTrue(norm(expected) <= clip + 1e-12);

    DenseModel model = new DenseModel(SGD, INPUTS, start, new DpSgd(clip, 0.0, 11));
    model.fit(data, new TrainingPlan(1, ROWS, 5));
    float[] after = model.getParams();
    double[] step = new double[count];
    for (int p = 0; p < count; p++) step[p] = start[p] - after[p];
    for (int p = 0; p < count; p++) assertEquals(expected[p], step[p], 1e-6, "parameter " + p);
    assertTrue(norm(step) <= clip * (1 + 1e-5), "step norm " + norm(step) + " > C");
  }

  /** Unclipped, the same step would be far larger: the clipping is what bounds it. */
  @Test
  void withoutClippingTheStepWouldBeLarger() {
    SiteData data = data(3.0);
    int count = SGD.numParams(INPUTS);
    float[] start = params(count);
    DenseModel plain = new DenseModel(SGD, INPUTS, start);
    plain.fit(data, new TrainingPlan(1, ROWS, 5));
    DenseModel huge = new DenseModel(SGD, INPUTS, start, new DpSgd(1e9, 0.0, 11));
    huge.fit(data, new TrainingPlan(1, ROWS, 5));
    // with C above every norm and q = 1, DP-SGD is the plain full-batch step (up to float rounding of the sum)
    assertArrayEquals(plain.getParams(), huge.getParams(), 1e-5f);
  }

  /**
   * Poisson sampling (batch 4 of 12: q = 1/3, 3 steps per epoch), huge gradients, C tiny, σ = 0: every step
   * moves the parameters by at most (sampled rows) · C / batch, so 2 epochs of 3 steps by at most 6 · n · C / batch
   * in total, and the per-step bound holds at each step (checked through a one-step run).
   */
  @Test
  void hugeGradientsGiveStepsBoundedBySampledTimesCOverBatch() {
    double clip = 1e-3;
    SiteData data = data(1000.0);
    int count = SGD.numParams(INPUTS);
    float[] start = params(count);
    int batch = 4;
    for (long seed = 0; seed < 20; seed++) {
      DenseModel model = new DenseModel(SGD, INPUTS, start, new DpSgd(clip, 0.0, seed));
      model.fit(data, new TrainingPlan(1, batch, seed));
      float[] after = model.getParams();
      double[] step = new double[count];
      for (int p = 0; p < count; p++) step[p] = start[p] - after[p];
      // one epoch = 3 steps, each of at most ROWS sampled rows: total ≤ 3 · ROWS · C / batch
      assertTrue(norm(step) <= 3.0 * ROWS * clip / batch * (1 + 1e-4), "seed " + seed + ": " + norm(step));
    }
  }

  /** σ > 0 adds noise; the same seeds give the same run. */
  @Test
  void noiseIsAddedAndReproducible() {
    SiteData data = data(1.0);
    int count = SGD.numParams(INPUTS);
    float[] start = params(count);
    DenseModel a = new DenseModel(SGD, INPUTS, start, new DpSgd(1.0, 1.0, 1));
    DenseModel b = new DenseModel(SGD, INPUTS, start, new DpSgd(1.0, 1.0, 1));
    DenseModel quiet = new DenseModel(SGD, INPUTS, start, new DpSgd(1.0, 0.0, 1));
    TrainingPlan plan = new TrainingPlan(2, 4, 9);
    a.fit(data, plan);
    b.fit(data, plan);
    quiet.fit(data, plan);
    assertArrayEquals(a.getParams(), b.getParams());
    assertFalse(java.util.Arrays.equals(a.getParams(), quiet.getParams()));
  }
}
