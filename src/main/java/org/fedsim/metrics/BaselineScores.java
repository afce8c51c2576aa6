package org.fedsim.metrics;

import java.util.List;
import java.util.Locale;

/**
 * One training method's final scores, site by site, on each site's own validation rows: {@code local} (each site's
 * own model, trained on its rows only), {@code federated} (the run's final global model) or {@code centralized}
 * (one model trained on every site's training rows pooled). Seed 003's Table 1 reports, per method, the mean ± SD of
 * these accuracies over the sites.
 */
public record BaselineScores(String method, List<SiteScore> sites) {
  public static final String LOCAL = "local";
  public static final String FEDERATED = "federated";
  public static final String CENTRALIZED = "centralized";

  public BaselineScores {
    sites = List.copyOf(sites);
  }

  /** One site's score under this method. */
  public record SiteScore(String site, int nTrain, int nVal, double accuracy, double auc, double loss) {}

  /** Unweighted mean accuracy over the sites that have validation rows (Table 1's mean over clients). */
  public double meanAccuracy() {
    return Stats.mean(scored().mapToDouble(SiteScore::accuracy).toArray());
  }

  /** Population SD of those accuracies. */
  public double sdAccuracy() {
    return Stats.sd(scored().mapToDouble(SiteScore::accuracy).toArray());
  }

  /** Mean AUC over the sites where it is defined. */
  public double meanAuc() {
    return Stats.mean(scored().mapToDouble(SiteScore::auc).filter(a -> !Double.isNaN(a)).toArray());
  }

  /** Accuracy weighted by validation rows (the pooled validation accuracy). */
  public double weightedAccuracy() {
    double sum = 0;
    int n = 0;
    for (SiteScore s : sites) {
      if (s.nVal() == 0 || Double.isNaN(s.accuracy())) continue;
      sum += s.nVal() * s.accuracy();
      n += s.nVal();
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private java.util.stream.Stream<SiteScore> scored() {
    return sites.stream().filter(s -> s.nVal() > 0 && !Double.isNaN(s.accuracy()));
  }

  /** {@code 0.731 ± 0.030}, as Table 1 writes it. */
  public String meanPlusMinus() {
    return String.format(Locale.ROOT, "%.3f ± %.3f", meanAccuracy(), sdAccuracy());
  }

  /** Mean and population standard deviation, NaN when empty. */
  static final class Stats {
    private Stats() {}

    static double mean(double[] v) {
      if (v.length == 0) return Double.NaN;
      double s = 0;
      for (double x : v) s += x;
      return s / v.length;
    }

    static double sd(double[] v) {
      if (v.length == 0) return Double.NaN;
      double m = mean(v), s = 0;
      for (double x : v) s += (x - m) * (x - m);
      return Math.sqrt(s / v.length);
    }
  }
}
