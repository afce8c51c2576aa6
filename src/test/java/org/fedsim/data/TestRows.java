package org.fedsim.data;

import java.util.SplittableRandom;

/** Small labelled data sets for model and hospital tests. */
public final class TestRows {
  private TestRows() {}

  /** {@code n} rows of 6 features, labels alternating 0/1, each feature N(label, 1), drawn from {@code seed}. */
  public static SiteData twoBlobs(String site, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] x = new float[n][6];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < 6; j++) x[i][j] = (float) (rng.nextGaussian() + y[i]);
    }
    return new SiteData(site, x, y);
  }
}
