package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
  @Test
  void aucCountsCorrectlyOrderedPairsWithTiesAsHalf() {
    // positives {0.8, 0.4}, negatives {0.4, 0.1}: pairs (0.8>0.4) (0.8>0.1) (0.4=0.4 → ½) (0.4>0.1) = 3.5 / 4
    double auc = BinaryMetrics.auc(new double[] {0.8, 0.4, 0.4, 0.1}, new int[] {1, 1, 0, 0});
    assertEquals(0.875, auc, 1e-12);
  }

  @Test
  void aucIsOneForPerfectAndZeroForReversedRanking() {
    assertEquals(1.0, BinaryMetrics.auc(new double[] {0.1, 0.2, 0.9}, new int[] {0, 0, 1}), 1e-12);
    assertEquals(0.0, BinaryMetrics.auc(new double[] {0.9, 0.8, 0.1}, new int[] {0, 0, 1}), 1e-12);
  }

  @Test
  void aucIsUndefinedWithOneClass() {
    assertTrue(Double.isNaN(BinaryMetrics.auc(new double[] {0.1, 0.9}, new int[] {1, 1})));
  }

  @Test
  void accuracyThresholdsAtOneHalfAndLossIsMeanCrossEntropy() {
    Evaluation e = BinaryMetrics.evaluate(new double[] {0.9, 0.6, 0.3, 0.5}, new int[] {1, 0, 0, 1});
    assertEquals(0.5, e.accuracy(), 1e-12); // 0.9→1 ✓, 0.6→1 ✗, 0.3→0 ✓, 0.5→0 ✗
    double loss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.7) + Math.log(0.5)) / 4;
    assertEquals(loss, e.loss(), 1e-9);
    assertEquals(4, e.rows());
  }
}
