package org.fedsim.bench;

import java.util.Arrays;
import java.util.Collection;

/** Small statistics over timings. */
public final class Stats {
  private Stats() {}

  /** The median (mean of the two middle values for an even count); NaN for none. */
  public static double median(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) return Double.NaN;
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  /** The arithmetic mean; NaN for none. */
  public static double mean(Collection<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** {@code a / b}, NaN when either is NaN or b is not positive. */
  public static double ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? Double.NaN : a / b;
  }
}
