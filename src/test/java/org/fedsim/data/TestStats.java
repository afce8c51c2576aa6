package org.fedsim.data;

import java.util.ArrayList;
import java.util.List;

/** Small statistics helpers for the data tests, including a plain gradient-descent logistic regression. */
final class TestStats {
  private TestStats() {}

  static List<float[]> rows(List<SiteData> sites, int label) {
    List<float[]> out = new ArrayList<>();
    for (SiteData s : sites) {
      for (int i = 0; i < s.size(); i++) if (label < 0 || s.labels()[i] == label) out.add(s.features()[i]);
    }
    return out;
  }

  static double mean(List<float[]> rows, int j) {
    double m = 0;
    for (float[] r : rows) m += r[j];
    return m / rows.size();
  }

  static double std(List<float[]> rows, int j) {
    double m = mean(rows, j), v = 0;
    for (float[] r : rows) v += (r[j] - m) * (r[j] - m);
    return Math.sqrt(v / rows.size());
  }

  static double corr(List<float[]> rows, int a, int b) {
    double ma = mean(rows, a), mb = mean(rows, b), c = 0;
    for (float[] r : rows) c += (r[a] - ma) * (r[b] - mb);
    return c / rows.size() / (std(rows, a) * std(rows, b));
  }

  /** Full-batch gradient descent on the mean log-loss; expects standardised features. Returns [w..., b]. */
  static double[] fitLogistic(List<float[]> x, List<Integer> y, int iterations, double lr) {
    int d = x.get(0).length;
    double[] w = new double[d + 1];
    for (int it = 0; it < iterations; it++) {
      double[] g = new double[d + 1];
      for (int i = 0; i < x.size(); i++) {
        double err = sigmoid(w, x.get(i)) - y.get(i);
        for (int j = 0; j < d; j++) g[j] += err * x.get(i)[j];
        g[d] += err;
      }
      for (int j = 0; j <= d; j++) w[j] -= lr * g[j] / x.size();
    }
    return w;
  }

  static double sigmoid(double[] w, float[] x) {
    double z = w[w.length - 1];
    for (int j = 0; j < x.length; j++) z += w[j] * x[j];
    return 1 / (1 + Math.exp(-z));
  }

  /** Centralised logistic regression: train on every site's training rows, accuracy on every validation row. */
  static double centralisedAccuracy(List<SiteSplit> splits) {
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (SiteSplit s : splits) {
      for (int i = 0; i < s.train().size(); i++) {
        xs.add(s.train().features()[i]);
        ys.add(s.train().labels()[i]);
      }
    }
    double[] w = fitLogistic(xs, ys, 2000, 0.5);
    int correct = 0, n = 0;
    for (SiteSplit s : splits) {
      for (int i = 0; i < s.validation().size(); i++, n++) {
        int pred = sigmoid(w, s.validation().features()[i]) >= 0.5 ? 1 : 0;
        if (pred == s.validation().labels()[i]) correct++;
      }
    }
    return (double) correct / n;
  }
}
