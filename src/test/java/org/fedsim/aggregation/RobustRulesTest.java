package org.fedsim.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RobustRulesTest {
  private static List<ClientUpdate> of(float[]... points) {
    List<ClientUpdate> out = new ArrayList<>();
    for (int i = 0; i < points.length; i++) out.add(new ClientUpdate("S" + i, points[i], 10 * (i + 1)));
    return out;
  }

  /** 1-D points. */
  private static List<ClientUpdate> line(float... xs) {
    float[][] p = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) p[i] = new float[] {xs[i]};
    return of(p);
  }

  /** Four honest sites near [1, 1] and one sending a huge vector. */
  private static List<ClientUpdate> oneHuge() {
    return of(new float[] {1f, 1f}, new float[] {1.1f, 0.9f}, new float[] {0.9f, 1.1f}, new float[] {1f, 1.05f},
        new float[] {1e6f, -1e6f});
  }

  private static void assertNear(float[] expected, float[] actual, double tol) {
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, "coordinate " + i);
  }

  // ---------- coordinate-wise median ----------

  @Test
  void medianOfAnOddCountIsTheMiddleValuePerCoordinate() {
    float[] out = new CoordinateMedian().aggregate(1,
        of(new float[] {1f, 10f}, new float[] {2f, -5f}, new float[] {100f, 0f}), new float[2]).orElseThrow();
    assertArrayEquals(new float[] {2f, 0f}, out, 0f);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    float[] out = new CoordinateMedian().aggregate(1, line(4f, 1f, 100f, 2f), new float[1]).orElseThrow();
    assertArrayEquals(new float[] {3f}, out, 0f);
    // ties: [5, 5, 5, 7] → (5 + 5) / 2
    assertArrayEquals(new float[] {5f},
        new CoordinateMedian().aggregate(1, line(5f, 7f, 5f, 5f), new float[1]).orElseThrow(), 0f);
  }

  @Test
  void medianIgnoresAHugeUpdateAndTheOrder() {
    List<ClientUpdate> u = oneHuge();
    float[] out = new CoordinateMedian().aggregate(1, u, new float[2]).orElseThrow();
    // coordinate 0: [0.9, 1, 1, 1.1, 1e6] → 1; coordinate 1: [0.9, 1, 1.05, 1.1, −1e6] → 1
    assertArrayEquals(new float[] {1f, 1f}, out, 1e-6f);
    List<ClientUpdate> reversed = new ArrayList<>(u);
    java.util.Collections.reverse(reversed);
    assertArrayEquals(out, new CoordinateMedian().aggregate(1, reversed, new float[2]).orElseThrow());
  }

  // ---------- trimmed mean ----------

  @Test
  void trimmedMeanDropsFloorBetaNAtEachEnd() {
    // β = 0.2, n = 5: drop 1 each end. coord 0: [1, 2, 3, 4, 100] → (2+3+4)/3 = 3; coord 1: [−50, 0, 1, 2, 6] → 1
    List<ClientUpdate> u = of(new float[] {1f, 6f}, new float[] {100f, 0f}, new float[] {3f, -50f},
        new float[] {2f, 1f}, new float[] {4f, 2f});
    assertArrayEquals(new float[] {3f, 1f}, new TrimmedMean(0.2).aggregate(1, u, new float[2]).orElseThrow(), 1e-6f);
    // β = 0.1, n = 5: ⌊0.5⌋ = 0 dropped: the plain mean (110/5 = 22, −41/5 = −8.2)
    assertArrayEquals(new float[] {22f, -8.2f}, new TrimmedMean(0.1).aggregate(1, u, new float[2]).orElseThrow(),
        1e-5f);
    assertEquals(2, new TrimmedMean(0.49).trimmed(5));
  }

  @Test
  void trimmedMeanWithTiesAtTheCut() {
    // β = 0.25, n = 4: drop 1 each end of [1, 1, 1, 9] → (1 + 1) / 2
    assertArrayEquals(new float[] {1f},
        new TrimmedMean(0.25).aggregate(1, line(1f, 9f, 1f, 1f), new float[1]).orElseThrow(), 0f);
  }

  @Test
  void trimmedMeanWithBetaAtItsLimitKeepsOnlyTheMiddle() {
    // β = 0.49 just below ½, n = 5: ⌊2.45⌋ = 2 dropped at each end, one value left: the median of [1, 2, 3, 50, 90]
    assertArrayEquals(new float[] {3f},
        new TrimmedMean(0.49).aggregate(1, line(90f, 3f, 1f, 50f, 2f), new float[1]).orElseThrow(), 0f);
    // n = 4: ⌊1.96⌋ = 1 at each end; ties at the cut [2, 2, 2, 2] → 2
    assertArrayEquals(new float[] {2f},
        new TrimmedMean(0.49).aggregate(1, line(2f, 2f, 2f, 2f), new float[1]).orElseThrow(), 0f);
    assertArrayEquals(new float[] {2.5f},
        new TrimmedMean(0.49).aggregate(1, line(4f, 1f, 2f, 3f), new float[1]).orElseThrow(), 0f);
  }

  @Test
  void trimmedMeanIgnoresAHugeUpdate() {
    float[] out = new TrimmedMean(0.2).aggregate(1, oneHuge(), new float[2]).orElseThrow();
    // coord 0: [0.9, 1, 1, 1.1, 1e6] → (1 + 1 + 1.1)/3; coord 1: [−1e6, 0.9, 1, 1.05, 1.1] → (0.9 + 1 + 1.05)/3
    assertNear(new float[] {3.1f / 3, 2.95f / 3}, out, 1e-6);
  }

  @Test
  void trimmedMeanRefusesBetaOfAHalfOrMore() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(0.5));
    assertTrue(e.getMessage().contains("strategy.trimmed-mean.beta must be in [0, 0.5)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(Double.NaN));
  }

  // ---------- Krum and Multi-Krum ----------

  @Test
  void krumPicksTheLowestScoreAndBreaksTiesByOrder() {
    // f = 1, n = 5: each scores its 5 − 1 − 2 = 2 nearest. Points 0, 1, 2, 3, 100:
    // 0 → 1 + 4 = 5; 1 → 1 + 1 = 2; 2 → 1 + 1 = 2; 3 → 1 + 4 = 5; 100 → 97² + 98² = 19013
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 100f);
    assertEquals(List.of(1), new Krum(1).select(u)); // 1 and 2 tie at 2: the earlier wins
    assertArrayEquals(new float[] {1f}, new Krum(1).aggregate(1, u, new float[1]).orElseThrow(), 0f);
    // the same points, 2 listed before 1: now 2 wins
    assertArrayEquals(new float[] {2f},
        new Krum(1).aggregate(1, line(0f, 2f, 1f, 3f, 100f), new float[1]).orElseThrow(), 0f);
  }

  @Test
  void multiKrumAveragesTheMBest() {
    // ranking: 1 (2), 2 (2), 0 (5), 3 (5; after 0 by order), 100
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 100f);
    assertEquals(List.of(1, 2, 0), Krum.multi(1, 3).select(u));
    assertArrayEquals(new float[] {1f}, Krum.multi(1, 3).aggregate(1, u, new float[1]).orElseThrow(), 0f);
    assertArrayEquals(new float[] {1.5f}, Krum.multi(1, 4).aggregate(1, u, new float[1]).orElseThrow(), 0f);
  }

  @Test
  void krumWithFAtItsLimit() {
    // f = 2, n = 7 = 2f + 3: 3 nearest. 0 → 1+4+9 = 14; 1 → 1+1+4 = 6; 2 → 1+1+4 = 6; 3 → 6; 4 → 14
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 4f, 1000f, -1000f);
    assertArrayEquals(new float[] {1f}, new Krum(2).aggregate(1, u, new float[1]).orElseThrow(), 0f);
    // one fewer update: refused, naming f and n
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Krum(2).aggregate(1, u.subList(0, 6), new float[1]));
    assertTrue(e.getMessage().contains("f = 2") && e.getMessage().contains("n = 6"), e.getMessage());
    assertTrue(e.getMessage().contains("strategy.krum.f"), e.getMessage());
  }

  @Test
  void multiKrumWithFAndMAtTheirLimits() {
    // f = 2, n = 7 = 2f + 3, m = n − f = 5: scores as in krumWithFAtItsLimit; 1, 2, 3 tie at 6, then 0 and 4 at 14
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 4f, 1000f, -1000f);
    assertEquals(List.of(1, 2, 3, 0, 4), Krum.multi(2, 5).select(u));
    assertArrayEquals(new float[] {2f}, Krum.multi(2, 5).aggregate(1, u, new float[1]).orElseThrow(), 0f);
    assertEquals(7, Krum.multi(2, 5).minUpdates());
    assertThrows(IllegalArgumentException.class, () -> Krum.multi(2, 5).aggregate(1, u.subList(0, 6), new float[1]));
    assertThrows(IllegalArgumentException.class, () -> Krum.multi(2, 6).aggregate(1, u, new float[1]));
  }

  @Test
  void bulyanWithFAtItsLimitAndAllTied() {
    // f = 1, n = 7 = 4f + 3, every update equal: every score ties at 0, selection goes by order, the result is the value
    List<ClientUpdate> u = line(3f, 3f, 3f, 3f, 3f, 3f, 3f);
    assertEquals(List.of(0, 1, 2, 3, 4), new Bulyan(1).select(u));
    assertArrayEquals(new float[] {3f}, new Bulyan(1).aggregate(1, u, new float[1]).orElseThrow(), 0f);
    assertEquals(7, new Bulyan(1).minUpdates());
  }

  @Test
  void krumWithoutByzantineClientsNeedsThree() {
    // f = 0, n = 3: 1 nearest. 0 → 1, 1 → 1, 5 → 16: 0 wins the tie
    assertArrayEquals(new float[] {0f}, new Krum(0).aggregate(1, line(0f, 1f, 5f), new float[1]).orElseThrow(), 0f);
    assertThrows(IllegalArgumentException.class, () -> new Krum(0).aggregate(1, line(0f, 1f), new float[1]));
  }

  @Test
  void krumIgnoresAHugeUpdate() {
    float[] out = new Krum(1).aggregate(1, oneHuge(), new float[2]).orElseThrow();
    assertNear(new float[] {1f, 1f}, out, 0.11);
    float[] multi = Krum.multi(1, 3).aggregate(1, oneHuge(), new float[2]).orElseThrow();
    assertNear(new float[] {1f, 1f}, multi, 0.11);
  }

  @Test
  void krumValidatesItsParameters() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Krum(-1));
    assertTrue(e.getMessage().contains("strategy.krum.f"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Krum.multi(1, 0));
    assertTrue(e.getMessage().contains("strategy.multi-krum.m"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Krum.multi(1, 5).aggregate(1, oneHuge(), new float[2]));
    assertEquals(4, Krum.multi(1, 4).select(oneHuge()).size()); // m = n − f is allowed
  }

  // ---------- Bulyan ----------

  @Test
  void bulyanSelectsByRepeatedKrumThenTrims() {
    // f = 1, n = 7 = 4f + 3, θ = 5. Points 0, 1, 2, 3, 4, 1000, −1000 (indices 0..6):
    // n' = 7, 4 nearest: 2 → 1+1+4+4 = 10 (1 and 3: 15, 0 and 4: 30) → take 2
    // n' = 6, 3 nearest: 1 → 1+4+9 = 14, 3 → 1+4+9 = 14, 0 and 4 → 26 → take 1 (tie, earlier)
    // n' = 5, 2 nearest among 0, 3, 4, ±1000: 3 → 1+9 = 10, 4 → 1+16 = 17, 0 → 9+16 = 25 → take 3
    // n' = 4, 1 nearest among 0, 4, ±1000: 0 → 16, 4 → 16 → take 0 (tie)
    // n' = 3, 0 nearest: all score 0 → take 4 (first remaining)
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 4f, 1000f, -1000f);
    assertEquals(List.of(2, 1, 3, 0, 4), new Bulyan(1).select(u));
    // per coordinate drop f = 1 largest and smallest of [0, 1, 2, 3, 4]: (1 + 2 + 3) / 3 = 2
    assertArrayEquals(new float[] {2f}, new Bulyan(1).aggregate(1, u, new float[1]).orElseThrow(), 0f);
  }

  @Test
  void bulyanRefusesTooFewUpdates() {
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 4f, 5f);
    var e = assertThrows(IllegalArgumentException.class, () -> new Bulyan(1).aggregate(1, u, new float[1]));
    assertTrue(e.getMessage().contains("f = 1") && e.getMessage().contains("n = 6"), e.getMessage());
    assertTrue(e.getMessage().contains("strategy.bulyan.f"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Bulyan(-1));
  }

  @Test
  void bulyanIgnoresAHugeUpdate() {
    List<ClientUpdate> u = new ArrayList<>(oneHuge());
    u.add(new ClientUpdate("S5", new float[] {0.95f, 1f}, 1));
    u.add(new ClientUpdate("S6", new float[] {1.05f, 0.95f}, 1));
    float[] out = new Bulyan(1).aggregate(1, u, new float[2]).orElseThrow();
    assertNear(new float[] {1f, 1f}, out, 0.11);
  }

  @Test
  void selectingRulesReportWhichUpdatesTheyUsed() {
    List<ClientUpdate> u = line(0f, 1f, 2f, 3f, 4f, 1000f, -1000f); // sites S0..S6
    Krum krum = new Krum(2);
    assertEquals(null, krum.lastUsed(), "nothing aggregated yet");
    krum.aggregate(1, u, new float[1]);
    assertEquals(java.util.Set.of("S1"), krum.lastUsed());
    Krum multi = Krum.multi(2, 5);
    multi.aggregate(1, u, new float[1]);
    assertEquals(java.util.Set.of("S0", "S1", "S2", "S3", "S4"), multi.lastUsed());
    Bulyan bulyan = new Bulyan(1);
    bulyan.aggregate(1, u, new float[1]);
    assertEquals(java.util.Set.of("S0", "S1", "S2", "S3", "S4"), bulyan.lastUsed());
    assertEquals(null, new CoordinateMedian().lastUsed(), "coordinate-wise rules use every update");
  }

  // ---------- all of them ----------

  @Test
  void everyRuleIsDeterministicAndStateless() {
    List<ClientUpdate> u = new ArrayList<>(oneHuge());
    u.add(new ClientUpdate("S5", new float[] {0.95f, 1f}, 1));
    u.add(new ClientUpdate("S6", new float[] {1.05f, 0.95f}, 1));
    List<java.util.function.Supplier<AggregationStrategy>> rules = List.of(CoordinateMedian::new,
        () -> new TrimmedMean(0.2), () -> new Krum(1), () -> Krum.multi(2, 3), () -> new Bulyan(1));
    for (var r : rules) {
      AggregationStrategy a = r.get();
      float[] first = a.aggregate(1, u, new float[2]).orElseThrow();
      assertArrayEquals(first, a.aggregate(2, u, new float[2]).orElseThrow());
      assertArrayEquals(first, r.get().aggregate(1, u, new float[2]).orElseThrow());
      assertTrue(a.state().isEmpty());
      assertTrue(a.aggregate(1, List.of(), new float[2]).isEmpty());
      assertThrows(IllegalArgumentException.class,
          () -> r.get().aggregate(1, line(1f, 2f, 3f, 4f, 5f, 6f, 7f), new float[2]), "wrong length");
    }
  }
}
