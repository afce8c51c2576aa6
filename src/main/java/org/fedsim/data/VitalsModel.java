package org.fedsim.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Class-conditional distribution of per-patient mean vitals for the synthetic cohort: a correlated multivariate
 * normal (docs/mimic-iv.md section 4), glucose log-normal, clipped to physiological ranges and rounded to 0.1.
 * Means and SDs follow the bench generator (make_mimic_like.py); temperature is in °C.
 */
final class VitalsModel {
  static final List<String> FEATURES =
      List.of("abp_diastolic", "abp_systolic", "glucose", "heart_rate", "resp_rate", "temperature");
  static final int DIA = 0, SYS = 1, GLU = 2, HR = 3, RR = 4, TEMP = 5;

  //                                           dia    sys    glu    hr    rr    temp
  private static final double[][] MEAN = {{60.0, 118.0, 135.0, 85.0, 19.0, 37.0}, // survivors
                                          {57.0, 112.0, 150.0, 93.0, 21.5, 36.9}}; // deaths
  private static final double[][] SD = {{9.0, 15.0, 35.0, 13.0, 3.5, 0.4},
                                        {10.0, 17.0, 45.0, 15.0, 4.5, 0.6}};
  /**
   * Physiological clipping range for per-patient means. Each lies inside mimic-code's validity range for raw
   * charted values (dia 0-300, sys 0-400, glucose >0, HR 0-300, RR 0-70, temp 10-50 °C).
   */
  private static final double[] LO = {20.0, 50.0, 30.0, 20.0, 4.0, 32.0};
  private static final double[] HI = {140.0, 250.0, 600.0, 220.0, 60.0, 42.0};

  /** Lower-triangular Cholesky factor of the correlation matrix of the standard-normal components. */
  static final double[][] CHOLESKY = cholesky(correlation());

  private static final double[] LOG_MU = new double[2];
  private static final double[] LOG_SIGMA = new double[2];

  static {
    for (int c = 0; c < 2; c++) {
      double cv = SD[c][GLU] / MEAN[c][GLU];
      LOG_SIGMA[c] = Math.sqrt(Math.log1p(cv * cv));
      LOG_MU[c] = Math.log(MEAN[c][GLU]) - LOG_SIGMA[c] * LOG_SIGMA[c] / 2;
    }
  }

  private VitalsModel() {}

  /**
   * Correlations between the standard-normal components (glucose: of its log), from the complete-case
   * PhysioNet 2012 estimates; all other pairs 0. Positive definite (smallest eigenvalue about 0.37).
   */
  static double[][] correlation() {
    double[][] r = new double[6][6];
    for (int i = 0; i < 6; i++) r[i][i] = 1.0;
    set(r, SYS, DIA, 0.5);
    set(r, SYS, HR, -0.3);
    set(r, HR, RR, 0.35);
    set(r, HR, TEMP, 0.15);
    set(r, HR, GLU, 0.13);
    return r;
  }

  /** Pooled SD per feature, (survivor SD + death SD) / 2: the unit of the per-site shift. */
  static double pooledSd(int feature) {
    return (SD[0][feature] + SD[1][feature]) / 2;
  }

  /**
   * One patient's vitals.
   *
   * @param label 1 = died
   * @param shift the site's additive mean shift per feature, in feature units
   * @param rng source of the six standard-normal draws
   */
  static float[] draw(int label, double[] shift, SplittableRandom rng) {
    double[] g = new double[6];
    Randoms.fillGaussian(rng, g);
    float[] x = new float[6];
    for (int j = 0; j < 6; j++) {
      double z = 0;
      for (int k = 0; k <= j; k++) z += CHOLESKY[j][k] * g[k];
      double v = j == GLU
          ? Math.exp(LOG_MU[label] + LOG_SIGMA[label] * z)
          : MEAN[label][j] + SD[label][j] * z;
      v = Math.min(HI[j], Math.max(LO[j], v + shift[j]));
      x[j] = (float) (Math.round(v * 10) / 10.0);
    }
    return x;
  }

  private static void set(double[][] r, int i, int j, double v) {
    r[i][j] = v;
    r[j][i] = v;
  }

  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
        if (i == j) {
          if (s <= 0) throw new IllegalStateException("correlation matrix is not positive definite");
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }
}
