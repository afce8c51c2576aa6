package org.fedsim.data;

import java.util.Arrays;
import java.util.List;

/**
 * Per-feature standardisation {@code (x - mean) / std} with the population standard deviation, like sklearn's
 * {@code StandardScaler}. A feature with zero spread is only centred (divided by 1).
 */
public final class StandardScaler {
  private final double[] mean;
  private final double[] scale;

  private StandardScaler(double[] mean, double[] scale) {
    this.mean = mean;
    this.scale = scale;
  }

  /** Fits on every row of every given matrix (at least one row in total). */
  public static StandardScaler fit(List<float[][]> parts) {
    long n = 0;
    int d = -1;
    for (float[][] part : parts) {
      n += part.length;
      if (d < 0 && part.length > 0) d = part[0].length;
    }
    if (n == 0) throw new IllegalArgumentException("cannot fit a scaler on zero rows");
    double[] mean = new double[d];
    for (float[][] part : parts) for (float[] row : part) for (int j = 0; j < d; j++) mean[j] += row[j];
    for (int j = 0; j < d; j++) mean[j] /= n;
    double[] var = new double[d];
    for (float[][] part : parts) {
      for (float[] row : part) {
        for (int j = 0; j < d; j++) {
          double c = row[j] - mean[j];
          var[j] += c * c;
        }
      }
    }
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double std = Math.sqrt(var[j] / n);
      scale[j] = std > 0 ? std : 1.0;
    }
    return new StandardScaler(mean, scale);
  }

  /** A new matrix with every row standardised; {@code x} is not modified. */
  public float[][] transform(float[][] x) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      float[] row = new float[mean.length];
      for (int j = 0; j < mean.length; j++) row[j] = (float) ((x[i][j] - mean[j]) / scale[j]);
      out[i] = row;
    }
    return out;
  }

  /** The fitted means, one per feature. */
  public double[] mean() {
    return mean.clone();
  }

  /** The divisors: population SDs, with 1 where a feature's SD is 0. */
  public double[] scale() {
    return scale.clone();
  }

  @Override
  public String toString() {
    return "StandardScaler[features=" + mean.length + ", mean=" + Arrays.toString(mean) + ", scale="
        + Arrays.toString(scale) + "]";
  }
}
