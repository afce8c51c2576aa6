package org.fedsim.aggregation;

import java.util.Arrays;
import java.util.List;

/** Shared arithmetic for the strategies in this package (package-private). */
final class Updates {
  private Updates() {}

  /** Refuses an update whose length differs from the global model's. */
  static void checkLengths(List<ClientUpdate> updates, int d) {
    for (ClientUpdate u : updates) {
      if (u.params().length != d) {
        throw new IllegalArgumentException(
            "update from " + u.site() + " has " + u.params().length + " parameters, expected " + d);
      }
    }
  }

  /**
   * Δ = Σ w_i (x_i − g) / Σ w_i with w_i = weight·staleness, accumulated in double in the order given; null
   * when the total weight is 0.
   */
  static double[] weightedMeanDelta(List<ClientUpdate> updates, float[] global) {
    int d = global.length;
    double[] sum = new double[d];
    double total = 0;
    for (ClientUpdate u : updates) {
      double w = u.weight() * u.staleness();
      total += w;
      float[] p = u.params();
      for (int i = 0; i < d; i++) sum[i] += w * ((double) p[i] - global[i]);
    }
    if (total <= 0) return null;
    for (int i = 0; i < d; i++) sum[i] /= total;
    return sum;
  }

  /** Per coordinate: sort the n values and average those left after dropping {@code k} lowest and k highest. */
  static float[] trimmedMean(List<float[]> points, int d, int k) {
    int n = points.size();
    double[] column = new double[n];
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < n; j++) column[j] = points.get(j)[i];
      Arrays.sort(column);
      double s = 0;
      for (int j = k; j < n - k; j++) s += column[j];
      out[i] = (float) (s / (n - 2 * k));
    }
    return out;
  }

  static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double t = (double) a[i] - b[i];
      s += t * t;
    }
    return s;
  }

  static List<Double> toList(double[]... parts) {
    int len = 0;
    for (double[] p : parts) len += p.length;
    Double[] all = new Double[len];
    int k = 0;
    for (double[] p : parts) for (double v : p) all[k++] = v;
    return List.of(all);
  }
}
