package org.fedsim.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgMTest {
  // Δ = (100·[1, 2] + 300·[5, −2]) / 400 = [4, −1] against a zero global
  private final List<ClientUpdate> round1 = List.of(
      new ClientUpdate("A", new float[] {1f, 2f}, 100),
      new ClientUpdate("B", new float[] {5f, -2f}, 300));

  @Test
  void firstRoundIsTheWeightedMeanUpdateScaledByTheServerRate() {
    float[] out = new FedAvgM(0.5, 0.5).aggregate(1, round1, new float[] {0f, 0f}).orElseThrow();
    // v = [4, −1]; g = 0 + 0.5·v
    assertArrayEquals(new float[] {2f, -0.5f}, out, 1e-6f);
  }

  @Test
  void momentumCarriesTheLastStepIntoTheNext() {
    FedAvgM s = new FedAvgM(0.5, 1.0);
    float[] g1 = s.aggregate(1, round1, new float[] {0f, 0f}).orElseThrow();
    assertArrayEquals(new float[] {4f, -1f}, g1, 1e-6f);
    // round 2: Δ = [6, −1] − [4, −1] = [2, 0]; v = 0.5·[4, −1] + [2, 0] = [4, −0.5]; g = [4, −1] + v = [8, −1.5]
    float[] g2 = s.aggregate(2, List.of(new ClientUpdate("A", new float[] {6f, -1f}, 1)), g1).orElseThrow();
    assertArrayEquals(new float[] {8f, -1.5f}, g2, 1e-6f);
    assertEquals(List.of(4.0, -0.5), s.state());
  }

  @Test
  void withoutMomentumAndRateOneItIsFedAvg() {
    float[] g = {0.5f, -0.25f};
    float[] m = new FedAvgM(0.0, 1.0).aggregate(1, round1, g).orElseThrow();
    assertArrayEquals(new FedAvg(true).aggregate(1, round1, g).orElseThrow(), m, 1e-6f);
  }

  @Test
  void stateRoundTripGivesTheSameNextResult() {
    FedAvgM a = new FedAvgM(0.9, 0.7);
    float[] g1 = a.aggregate(1, round1, new float[] {0f, 0f}).orElseThrow();
    FedAvgM b = new FedAvgM(0.9, 0.7);
    b.restore(a.state());
    List<ClientUpdate> round2 = List.of(new ClientUpdate("A", new float[] {0.3f, 9f}, 4),
        new ClientUpdate("C", new float[] {-2f, 1f}, 2));
    assertArrayEquals(a.aggregate(2, round2, g1).orElseThrow(), b.aggregate(2, round2, g1).orElseThrow());
    assertEquals(a.state(), b.state());
  }

  @Test
  void emptyOrWeightlessRoundsKeepTheGlobalAndTheMomentum() {
    FedAvgM s = new FedAvgM(0.5, 1.0);
    assertTrue(s.aggregate(1, List.of(), new float[] {0f, 0f}).isEmpty());
    assertTrue(s.aggregate(1, List.of(new ClientUpdate("A", new float[] {1f, 1f}, 0)), new float[2]).isEmpty());
    assertTrue(s.state().isEmpty());
  }

  @Test
  void validatesItsParametersNamingTheScenarioKey() {
    var e = assertThrows(IllegalArgumentException.class, () -> new FedAvgM(1.0, 1.0));
    assertTrue(e.getMessage().contains("strategy.fedavgm.momentum"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new FedAvgM(0.9, 0.0));
    assertTrue(e.getMessage().contains("strategy.fedavgm.server-learning-rate"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new FedAvgM(0.9, 1.0).aggregate(1, List.of(new ClientUpdate("A", new float[] {1f}, 1)), new float[2]));
    assertThrows(IllegalArgumentException.class, () -> new FedAvgM(0.9, 1.0).restore(List.of(Double.NaN)));
  }
}
