package org.fedsim.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DpFedAvgTest {
  final float[] global = {0f, 0f};

  @Test
  void withoutNoiseItIsTheMeanOfClippedUpdatesOverTheExpectedParticipants() {
    DpFedAvg dp = new DpFedAvg(1.0, 0.0, 4, 1, null);
    List<ClientUpdate> updates = List.of(
        new ClientUpdate("A", new float[] {3f, 4f}, 10),     // norm 5 → clipped to (0.6, 0.8)
        new ClientUpdate("B", new float[] {0.2f, 0f}, 500)); // under C: kept; weights ignored
    float[] out = dp.aggregate(1, updates, global).orElseThrow();
    // (0.6 + 0.2) / 4, 0.8 / 4: the fixed denominator is 4 expected participants, not the 2 that came
    assertArrayEquals(new float[] {0.2f, 0.2f}, out, 1e-6f);
  }

  @Test
  void theNoiseHasStandardDeviationZTimesCOverTheDenominator() {
    int d = 20_000;
    DpFedAvg dp = new DpFedAvg(0.5, 2.0, 5, 3, null);
    float[] g = new float[d];
    float[] out = dp.aggregate(7, List.of(new ClientUpdate("A", new float[d], 1)), g).orElseThrow();
    double ss = 0;
    for (float v : out) ss += (double) v * v;
    double sd = Math.sqrt(ss / d);
    // expected 2.0·0.5/5 = 0.2; relative SE of a sample SD over 20,000 draws ≈ 0.5 %, so 3 % is 6 SE
    assertEquals(0.2, sd, 0.03 * 0.2);
    assertArrayEquals(out, new DpFedAvg(0.5, 2.0, 5, 3, null)
        .aggregate(7, List.of(new ClientUpdate("A", new float[d], 1)), g).orElseThrow(), "seeded by (seed, round)");
  }

  @Test
  void adaptiveClippingMovesTheNormTowardTheTargetQuantile() {
    // every update has norm 10, far above C = 0.1: the unclipped fraction is 0, so C grows each round
    DpFedAvg dp = new DpFedAvg(0.1, 0.0, 10, 1, new DpFedAvg.Adaptive(0.5, 0.2, 1e-9));
    List<ClientUpdate> big = List.of(new ClientUpdate("A", new float[] {10f, 0f}, 1));
    double before = dp.clippingNorm();
    for (int r = 1; r <= 5; r++) dp.aggregate(r, big, global);
    assertEquals(before * Math.exp(0.2 * 0.5 * 5), dp.clippingNorm(), 1e-6);
    assertEquals(List.of(dp.clippingNorm()), dp.state());
  }

  @Test
  void adaptiveClippingRaisesTheValueNoiseToPayForTheCount() {
    DpFedAvg dp = new DpFedAvg(1.0, 1.0, 20, 1, new DpFedAvg.Adaptive(0.5, 0.2, 1.0)); // σ_b = 1
    // z_Δ = (1 − 1/4)^(−1/2) = 1.1547
    assertEquals(1 / Math.sqrt(0.75), dp.valueNoiseMultiplier(), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> new DpFedAvg(1.0, 4.0, 20, 1, new DpFedAvg.Adaptive(0.5, 0.2, 1.0)));
  }

  @Test
  void stateRestoresTheAdaptiveNorm() {
    DpFedAvg dp = new DpFedAvg(1.0, 0.0, 10, 1, new DpFedAvg.Adaptive(0.5, 0.2, 1.0));
    dp.restore(List.of(0.37));
    assertEquals(0.37, dp.clippingNorm());
    assertTrue(new FedAvg(true).state().isEmpty());
  }
}
