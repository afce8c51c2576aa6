package org.fedsim.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianMechanismTest {

  @Test
  void calibratedUsesTheChosenFormula() {
    assertEquals(
        GaussianCalibration.sigmaClassic(1, 1e-5, 1),
        GaussianMechanism.calibrated(Calibration.CLASSIC, 1, 1e-5, 1).sigma(),
        0.0);
    assertEquals(
        GaussianCalibration.sigmaAnalytic(1, 1e-5, 1),
        GaussianMechanism.calibrated(Calibration.ANALYTIC, 1, 1e-5, 1).sigma(),
        0.0);
    assertEquals(4.84480526261, GaussianMechanism.calibrated(Calibration.CLASSIC, 1, 1e-5, 1).sigma(), 4.9e-9);
  }

  @Test
  void noiseIsTheSeededGaussianTimesSigmaCastToFloat() {
    GaussianMechanism m = new GaussianMechanism(0.25);
    float[] v = {1f, -2f, 3.5f, 0f};
    float[] expected = v.clone();
    SplittableRandom ref = new SplittableRandom(7);
    for (int i = 0; i < expected.length; i++) {
      expected[i] += (float) (0.25 * ref.nextGaussian());
    }
    m.addNoiseInPlace(v, new SplittableRandom(7));
    assertArrayEquals(expected, v, 0f);
  }

  @Test
  void noiseHasTheRequestedStandardDeviation() {
    // n = 200,000: the sample SD's relative standard error is 1/sqrt(2n) ≈ 0.16%, so a 1%
    // tolerance is > 6 standard errors; the mean's standard error is σ/sqrt(n).
    double sigma = 0.37;
    int n = 200_000;
    float[] v = new float[n];
    new GaussianMechanism(sigma).addNoiseInPlace(v, new SplittableRandom(12345));
    double sum = 0;
    double sumSq = 0;
    for (float x : v) {
      sum += x;
      sumSq += (double) x * x;
    }
    double mean = sum / n;
    double sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
    assertEquals(sigma, sd, 0.01 * sigma);
    assertTrue(Math.abs(mean) <= 5 * sigma / Math.sqrt(n), "mean " + mean);
  }

  @Test
  void invalidSigmaIsRejectedByName() {
    for (double s : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new GaussianMechanism(s));
      assertTrue(e.getMessage().startsWith("sigma "), e.getMessage());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GaussianMechanism.calibrated(Calibration.ANALYTIC, 1, 2, 1));
    assertTrue(e.getMessage().startsWith("delta "), e.getMessage());
  }
}
