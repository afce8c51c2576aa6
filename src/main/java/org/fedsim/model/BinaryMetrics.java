package org.fedsim.model;

import java.util.Arrays;

/** Metrics of a binary classifier's probabilities; plain arithmetic, no engine types. */
public final class BinaryMetrics {
  private static final double EPS = 1e-7;

  private BinaryMetrics() {}

  /** Evaluate probabilities {@code p} against 0/1 {@code labels}. */
  public static Evaluation evaluate(double[] p, int[] labels) {
    if (p.length != labels.length) {
      throw new IllegalArgumentException(p.length + " predictions for " + labels.length + " labels");
    }
    int n = p.length;
    if (n == 0) return new Evaluation(0, Double.NaN, Double.NaN, Double.NaN);
    int correct = 0;
    double loss = 0;
    for (int i = 0; i < n; i++) {
      int predicted = p[i] > 0.5 ? 1 : 0;
      if (predicted == labels[i]) correct++;
      double q = Math.min(1 - EPS, Math.max(EPS, p[i]));
      loss -= labels[i] == 1 ? Math.log(q) : Math.log(1 - q);
    }
    return new Evaluation(n, (double) correct / n, auc(p, labels), loss / n);
  }

  /**
   * ROC AUC by the rank-sum (Mann–Whitney) formula with ties given their mean rank, as sklearn's roc_auc_score.
   * NaN when only one class is present.
   */
  public static double auc(double[] scores, int[] labels) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSumPositives = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
      double meanRank = (i + j) / 2.0 + 1; // 1-based ranks
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          rankSumPositives += meanRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) return Double.NaN;
    return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
