package org.fedsim.aggregation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Krum and Multi-Krum (Blanchard et al. 2017). With f Byzantine clients out of n, the score of client i is the sum of
 * its squared distances to its n − f − 2 nearest other clients. Krum (m = 1) returns the parameters of the client with
 * the lowest score; Multi-Krum averages (uniformly) the m ≤ n − f lowest-scoring clients. Ties go to the earlier client in
 * the order given (the server sorts by site). Requires n ≥ 2f + 3.
 */
public final class Krum implements AggregationStrategy {
  private final int f;
  private final int m;
  private java.util.Set<String> lastUsed;

  /** Krum: a single winner. */
  public Krum(int f) {
    this(f, 1);
  }

  /**
   * @param f the number of Byzantine clients tolerated, ≥ 0
   * @param m how many of the best-scoring clients to average (1: Krum), ≥ 1
   */
  public Krum(int f, int m) {
    if (f < 0) throw new IllegalArgumentException("strategy.krum.f must be >= 0, got " + f);
    if (m < 1) throw new IllegalArgumentException("strategy.multi-krum.m must be >= 1, got " + m);
    this.f = f;
    this.m = m;
  }

  /** n ≥ 2f + 3, and (Multi-Krum) n − f ≥ m. */
  @Override
  public int minUpdates() {
    return Math.max(2 * f + 3, m + f);
  }

  @Override
  public java.util.Set<String> lastUsed() {
    return lastUsed;
  }

  /** Multi-Krum averaging the m best. */
  public static Krum multi(int f, int m) {
    return new Krum(f, m);
  }

  static void requireEnough(int f, int n) {
    if (n < 2 * f + 3) {
      throw new IllegalArgumentException("Krum with strategy.krum.f = " + f + " needs n >= 2f + 3 = " + (2 * f + 3)
          + " updates, got n = " + n);
    }
  }

  /** Krum scores of the points: sum of squared distances to the k nearest others (k clamped to [0, n − 1]). */
  static double[] scores(List<float[]> points, int k) {
    int n = points.size();
    double[][] dist = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        dist[i][j] = dist[j][i] = Updates.squaredDistance(points.get(i), points.get(j));
      }
    }
    int kk = Math.max(0, Math.min(k, n - 1));
    double[] score = new double[n];
    double[] others = new double[n - 1];
    for (int i = 0; i < n; i++) {
      int c = 0;
      for (int j = 0; j < n; j++) if (j != i) others[c++] = dist[i][j];
      Arrays.sort(others);
      double s = 0;
      for (int j = 0; j < kk; j++) s += others[j];
      score[i] = s;
    }
    return score;
  }

  /** Indices of the points ordered by score, ties by index. */
  static List<Integer> ranking(double[] score) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < score.length; i++) idx.add(i);
    idx.sort((a, b) -> {
      int c = Double.compare(score[a], score[b]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    return idx;
  }

  /** The indices (into updates) Krum selects, best first. */
  public List<Integer> select(List<ClientUpdate> updates) {
    int n = updates.size();
    requireEnough(f, n);
    if (m > n - f) {
      throw new IllegalArgumentException("strategy.multi-krum.m = " + m + " exceeds n − f = " + (n - f)
          + " (n = " + n + ", f = " + f + "): it could average in a Byzantine update");
    }
    List<float[]> points = new ArrayList<>(n);
    for (ClientUpdate u : updates) points.add(u.params());
    return ranking(scores(points, n - f - 2)).subList(0, m);
  }

  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    Updates.checkLengths(updates, d);
    List<Integer> chosen = select(updates);
    java.util.Set<String> used = new java.util.TreeSet<>();
    for (int c : chosen) used.add(updates.get(c).site());
    lastUsed = used;
    double[] sum = new double[d];
    for (int c : chosen) {
      float[] p = updates.get(c).params();
      for (int i = 0; i < d; i++) sum[i] += p[i];
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) out[i] = (float) (sum[i] / chosen.size());
    return Optional.of(out);
  }
}
