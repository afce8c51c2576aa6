package org.fedsim.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed steps of FedAdagrad / FedAdam / FedYogi with η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-9.
 * Round 1 from a zero global: Δ1 = (1·[1, 0, 0] + 3·[3, 4, 4]) / 4 = [2.5, 3, 3].
 * Round 2: a single update at g1 + [0, 1, 0.1], so Δ2 = [0, 1, 0.1].
 */
class AdaptiveServerOptimizerTest {
  private static final List<ClientUpdate> ROUND1 = List.of(
      new ClientUpdate("A", new float[] {1f, 0f, 0f}, 1),
      new ClientUpdate("B", new float[] {3f, 4f, 4f}, 3));
  private static final float[] ZERO = new float[3];

  private static float[] round2(AggregationStrategy s, float[] g1) {
    float[] x = {g1[0], g1[1] + 1f, g1[2] + 0.1f};
    return s.aggregate(2, List.of(new ClientUpdate("A", x, 5)), g1).orElseThrow();
  }

  private static void assertStep(double[] expected, float[] before, float[] after) {
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], after[i] - before[i], 2e-6, "coordinate " + i);
  }

  @Test
  void fedAdamFirstStepIsEtaTimesTheSignOfDelta() {
    // m = 0.1·Δ, v = 0.01·Δ², so m/√v = sign(Δ): every coordinate moves by η = 0.1
    FedAdam s = new FedAdam();
    float[] g1 = s.aggregate(1, ROUND1, ZERO).orElseThrow();
    assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f}, g1, 1e-6f);
    List<Double> st = s.state();
    double[] expected = {0.25, 0.3, 0.3, 0.0625, 0.09, 0.09}; // m then v
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], st.get(i), 1e-9);
  }

  @Test
  void fedAdamSecondStep() {
    FedAdam s = new FedAdam(0.1, 0.9, 0.99, 1e-9);
    float[] g1 = s.aggregate(1, ROUND1, ZERO).orElseThrow();
    float[] g2 = round2(s, g1);
    // m2 = 0.9·m1 + 0.1·Δ2 = [0.225, 0.37, 0.28]; v2 = 0.99·v1 + 0.01·Δ2² = [0.061875, 0.0991, 0.0892]
    assertStep(new double[] {0.1 * 0.225 / Math.sqrt(0.061875), 0.1 * 0.37 / Math.sqrt(0.0991),
        0.1 * 0.28 / Math.sqrt(0.0892)}, g1, g2);
  }

  @Test
  void fedYogiSecondStepMovesVAdditivelyBySign() {
    FedYogi s = new FedYogi(0.1, 0.9, 0.99, 1e-9);
    float[] g1 = s.aggregate(1, ROUND1, ZERO).orElseThrow();
    // from v0 = 0: v1 = 0 − 0.01·Δ²·sign(0 − Δ²) = 0.01·Δ², the same first step as Adam
    assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f}, g1, 1e-6f);
    float[] g2 = round2(s, g1);
    // v2: [0.0625 − 0 , 0.09 − 0.01·1·sign(0.09 − 1) = 0.1, 0.09 − 0.01·0.01·sign(0.09 − 0.01) = 0.0899]
    assertStep(new double[] {0.1 * 0.225 / Math.sqrt(0.0625), 0.1 * 0.37 / Math.sqrt(0.1),
        0.1 * 0.28 / Math.sqrt(0.0899)}, g1, g2);
  }

  @Test
  void fedAdagradAccumulatesSquaredDeltas() {
    FedAdagrad s = new FedAdagrad(0.1, 0.9, 1e-9);
    float[] g1 = s.aggregate(1, ROUND1, ZERO).orElseThrow();
    // m1 = 0.1·Δ, v1 = Δ²: each coordinate moves by 0.1·0.1 = 0.01
    assertArrayEquals(new float[] {0.01f, 0.01f, 0.01f}, g1, 1e-6f);
    float[] g2 = round2(s, g1);
    // v2 = [6.25, 9 + 1, 9 + 0.01]
    assertStep(new double[] {0.1 * 0.225 / 2.5, 0.1 * 0.37 / Math.sqrt(10), 0.1 * 0.28 / Math.sqrt(9.01)}, g1, g2);
  }

  @Test
  void aCoordinateThatNeverMovedStaysPut() {
    List<ClientUpdate> u = List.of(new ClientUpdate("A", new float[] {0.5f, 2f}, 1));
    float[] out = new FedAdam().aggregate(1, u, new float[] {0.5f, 0f}).orElseThrow();
    assertEquals(0.5f, out[0], 0f); // m = v = 0: 0 / (0 + τ)
  }

  @Test
  void stateRoundTripGivesTheSameNextResult() {
    List<Supplier<AdaptiveServerOptimizer>> kinds = List.of(FedAdagrad::new, FedAdam::new, FedYogi::new,
        () -> new FedYogi(0.01, 0.5, 0.9, 1e-3));
    for (Supplier<AdaptiveServerOptimizer> k : kinds) {
      AdaptiveServerOptimizer a = k.get();
      float[] g1 = a.aggregate(1, ROUND1, ZERO).orElseThrow();
      assertEquals(6, a.state().size());
      AdaptiveServerOptimizer b = k.get();
      b.restore(a.state());
      assertArrayEquals(round2(a, g1), round2(b, g1), a.getClass().getSimpleName());
      assertEquals(a.state(), b.state());
    }
  }

  @Test
  void refusesBadStateAndBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> new FedAdam().restore(List.of(1.0, 2.0, 3.0)));
    assertThrows(IllegalArgumentException.class, () -> new FedAdam().restore(List.of(1.0, -2.0))); // v < 0
    var e = assertThrows(IllegalArgumentException.class, () -> new FedAdam(0.1, 0.9, 1.0, 1e-9));
    assertTrue(e.getMessage().contains("strategy.fedadam.beta2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new FedYogi(0.1, 0.9, 0.99, 0));
    assertTrue(e.getMessage().contains("strategy.fedyogi.tau"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new FedAdagrad(-1, 0.9, 1e-9));
    assertTrue(e.getMessage().contains("strategy.fedadagrad.eta"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new FedAdam(0.1, 1.0, 0.99, 1e-9));
    assertTrue(e.getMessage().contains("strategy.fedadam.beta1"), e.getMessage());
  }

  @Test
  void fedYogiDefaultsAreFlowersSmallerStepAndLargerTau() {
    // η = 0.01, τ = 1e-3: first step η·0.1Δ/(0.1|Δ| + τ) = 0.01·0.25/(0.25 + 0.001) on coordinate 0
    float[] g1 = new FedYogi().aggregate(1, ROUND1, ZERO).orElseThrow();
    assertEquals(0.01 * 0.25 / 0.251, g1[0], 1e-7);
    assertEquals(0.01 * 0.3 / 0.301, g1[1], 1e-7);
  }

  @Test
  void fedAdagradDefaultsHaveNoFirstMomentAveraging() {
    // β1 = 0: m = Δ, v = Δ², so the first step is η·sign(Δ) = 0.1
    FedAdagrad s = new FedAdagrad();
    float[] g1 = s.aggregate(1, ROUND1, ZERO).orElseThrow();
    assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f}, g1, 1e-6f);
    // round 2: m2 = Δ2 = [0, 1, 0.1]; v2 = [6.25, 10, 9.01]
    assertStep(new double[] {0, 0.1 / Math.sqrt(10), 0.1 * 0.1 / Math.sqrt(9.01)}, g1, round2(s, g1));
  }

  @Test
  void emptyRoundKeepsTheGlobal() {
    assertTrue(new FedYogi().aggregate(1, List.of(), ZERO).isEmpty());
  }
}
