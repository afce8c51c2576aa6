package org.fedsim.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgTest {
  private final float[] global = {0f, 0f};

  @Test
  void weightsEachUpdateByItsNumberOfExamples() {
    // (100·[1, 2] + 300·[5, -2]) / 400 = [4, -1]
    List<ClientUpdate> updates = List.of(
        new ClientUpdate("A", new float[] {1f, 2f}, 100),
        new ClientUpdate("B", new float[] {5f, -2f}, 300));
    float[] out = new FedAvg(true).aggregate(1, updates, global).orElseThrow();
    assertArrayEquals(new float[] {4f, -1f}, out, 1e-6f);
  }

  @Test
  void uniformWeightingIgnoresExampleCounts() {
    List<ClientUpdate> updates = List.of(
        new ClientUpdate("A", new float[] {1f, 2f}, 100),
        new ClientUpdate("B", new float[] {5f, -2f}, 300));
    float[] out = new FedAvg(false).aggregate(1, updates, global).orElseThrow();
    assertArrayEquals(new float[] {3f, 0f}, out, 1e-6f);
  }

  @Test
  void noUpdatesKeepsTheGlobalModel() {
    assertTrue(new FedAvg(true).aggregate(1, List.of(), global).isEmpty());
  }

  @Test
  void aSingleUpdateIsReturnedAsIs() {
    float[] w = {0.1f, -0.7f};
    assertArrayEquals(w, new FedAvg(true).aggregate(1, List.of(new ClientUpdate("A", w, 7)), global).orElseThrow());
  }

  @Test
  void refusesAnUpdateOfTheWrongLength() {
    List<ClientUpdate> updates = List.of(new ClientUpdate("A", new float[] {1f}, 1));
    assertThrows(IllegalArgumentException.class, () -> new FedAvg(true).aggregate(1, updates, global));
  }
}
