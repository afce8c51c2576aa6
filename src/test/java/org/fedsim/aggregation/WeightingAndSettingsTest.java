package org.fedsim.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightingAndSettingsTest {
  /** Two updates: 1-D params 0 (n = 30, score 0.6) and 10 (n = 10, score 0.9). */
  private static List<ClientUpdate> two() {
    return List.of(new ClientUpdate("A", new float[] {0f}, 30, 1.0, 30, 0.6),
        new ClientUpdate("B", new float[] {10f}, 10, 1.0, 10, 0.9));
  }

  private static float fedAvg(Weighting w, List<ClientUpdate> u) {
    return w.around(new FedAvg(true)).aggregate(1, u, new float[1]).orElseThrow()[0];
  }

  @Test
  void examplesUniformAndQualityWeighFedAvgDifferently() {
    assertEquals(10 * 10 / 40f, fedAvg(Weighting.EXAMPLES, two()), 1e-6f); // (0·30 + 10·10) / 40 = 2.5
    assertEquals(5f, fedAvg(Weighting.UNIFORM, two()), 1e-6f);
    assertEquals(10 * 0.9 / 1.5, fedAvg(Weighting.QUALITY, two()), 1e-5); // (0·0.6 + 10·0.9) / 1.5 = 6
  }

  @Test
  void qualityGivesAnUpdateWithoutAScoreNoWeightAndStalenessStillMultiplies() {
    List<ClientUpdate> u = List.of(new ClientUpdate("A", new float[] {0f}, 30, 1.0, 30, Double.NaN),
        new ClientUpdate("B", new float[] {10f}, 10, 0.5, 10, 0.8), new ClientUpdate("C", new float[] {4f}, 10, 1.0,
            10, 0.4));
    // weights: A 0, B 0.8·0.5 = 0.4, C 0.4 → (10·0.4 + 4·0.4) / 0.8 = 7
    assertEquals(7f, fedAvg(Weighting.QUALITY, u), 1e-5f);
    // nobody with a score: the global model is kept
    assertTrue(Weighting.QUALITY.around(new FedAvg(true))
        .aggregate(1, List.of(new ClientUpdate("A", new float[] {3f}, 5)), new float[1]).isEmpty());
  }

  @Test
  void weightingReachesTheServerOptimizersAndTheirStatePassesThrough() {
    // FedAvgM with β = 0, η = 1 is FedAvg: uniform weighting gives the plain mean 5
    AggregationStrategy m = Weighting.UNIFORM.around(new FedAvgM(0.0, 1.0));
    assertEquals(5f, m.aggregate(1, two(), new float[1]).orElseThrow()[0], 1e-6f);
    assertEquals(List.of(5.0), m.state());
    m.restore(List.of(1.0));
    assertEquals(List.of(1.0), m.state());
  }

  @Test
  void settingsBuildEveryNamedRule() {
    for (StrategySettings.Name name : StrategySettings.Name.values()) {
      StrategySettings s = new StrategySettings(name, Weighting.EXAMPLES, 0.9, 1, 0.1, 0.9, 0.99, 1e-3, 0.2, 1, 2, 0,
          Double.POSITIVE_INFINITY);
      AggregationStrategy a = s.create();
      float[] out = a.aggregate(1, List.of(new ClientUpdate("A", new float[] {1f}, 1),
          new ClientUpdate("B", new float[] {2f}, 1), new ClientUpdate("C", new float[] {3f}, 1),
          new ClientUpdate("D", new float[] {4f}, 1), new ClientUpdate("E", new float[] {5f}, 1),
          new ClientUpdate("F", new float[] {6f}, 1), new ClientUpdate("G", new float[] {7f}, 1)),
          new float[1]).orElseThrow();
      assertTrue(out[0] > 0 && out[0] <= 7, name + " gave " + out[0]);
    }
    assertInstanceOf(Krum.class, settings(StrategySettings.Name.KRUM).create());
    assertSame(Bulyan.class, settings(StrategySettings.Name.BULYAN).create().getClass());
    assertEquals(5, settings(StrategySettings.Name.KRUM).minUpdates()); // 2f + 3, f = 1
    assertEquals(5, settings(StrategySettings.Name.MULTI_KRUM).minUpdates()); // max(2f + 3, m + f) = max(5, 3)
    assertEquals(7, settings(StrategySettings.Name.BULYAN).minUpdates()); // 4f + 3
    assertEquals(1, settings(StrategySettings.Name.FEDADAM).minUpdates());
  }

  @Test
  void badParametersNameTheirKey() {
    var e = assertThrows(IllegalArgumentException.class, () -> new StrategySettings(StrategySettings.Name.FEDADAM,
        Weighting.EXAMPLES, 0, 1, -1, 0.9, 0.99, 1e-9, 0, 0, 1, 0, Double.POSITIVE_INFINITY).create());
    assertTrue(e.getMessage().contains("strategy.fedadam.eta"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StrategySettings.fedAvg(true).withMaxUpdateNorm(0));
    assertTrue(e.getMessage().contains("strategy.validation.max-norm"), e.getMessage());
  }

  private static StrategySettings settings(StrategySettings.Name name) {
    return new StrategySettings(name, Weighting.EXAMPLES, 0.9, 1, 0.1, 0.9, 0.99, 1e-9, 0.2, 1, 2, 0,
        Double.POSITIVE_INFINITY);
  }

  @Test
  void uniformFedAvgIgnoresWeightBasisButNotStaleness() {
    List<ClientUpdate> u = List.of(new ClientUpdate("A", new float[] {0f}, 30, 0.5),
        new ClientUpdate("B", new float[] {9f}, 10, 1.0));
    assertArrayEquals(new float[] {6f}, new FedAvg(false).aggregate(1, u, new float[1]).orElseThrow(), 1e-6f);
  }
}
