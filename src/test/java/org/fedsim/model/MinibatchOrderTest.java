package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;

class MinibatchOrderTest {
  @Test
  void everyEpochVisitsEveryRowOnce() {
    MinibatchOrder order = new MinibatchOrder(50, new TrainingPlan(3, 8, 4));
    for (int e = 0; e < 3; e++) {
      int[] sorted = order.nextEpoch().clone();
      Arrays.sort(sorted);
      for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
    }
    assertThrows(IllegalStateException.class, order::nextEpoch, "only the plan's epochs");
  }

  @Test
  void theBatchIsThePlansUnlessThereAreFewerRows() {
    assertEquals(8, new MinibatchOrder(50, new TrainingPlan(1, 8, 1)).batchSize());
    assertEquals(5, new MinibatchOrder(5, new TrainingPlan(1, 8, 1)).batchSize());
    assertThrows(IllegalArgumentException.class, () -> new MinibatchOrder(0, new TrainingPlan(1, 8, 1)));
  }

  @Test
  void theSameSeedGivesTheSameOrderAndAnotherSeedAnother() {
    MinibatchOrder a = new MinibatchOrder(100, new TrainingPlan(2, 8, 9));
    MinibatchOrder b = new MinibatchOrder(100, new TrainingPlan(2, 8, 9));
    MinibatchOrder c = new MinibatchOrder(100, new TrainingPlan(2, 8, 10));
    for (int e = 0; e < 2; e++) {
      int[] x = a.nextEpoch().clone();
      assertArrayEquals(x, b.nextEpoch());
      assertFalse(Arrays.equals(x, c.nextEpoch()));
    }
  }

  /** The order DL4J's path has always used (so results of earlier versions stay reproducible). */
  @Test
  void isAFisherYatesShuffleOfThePreviousEpochsOrderDrawnFromTheShuffleSeed() {
    int n = 37;
    SplittableRandom rng = new SplittableRandom(123);
    int[] expected = new int[n];
    for (int i = 0; i < n; i++) expected[i] = i;
    MinibatchOrder order = new MinibatchOrder(n, new TrainingPlan(3, 8, 123));
    for (int e = 0; e < 3; e++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = expected[i];
        expected[i] = expected[j];
        expected[j] = t;
      }
      assertArrayEquals(expected, order.nextEpoch(), "epoch " + e);
    }
  }
}
