package org.fedsim.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LocalDpTest {

  /** A global vector with values of order 1 and a local one that moved by {@code step} each. */
  private static float[][] globalAndLocal(int n, float step, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] global = new float[n];
    float[] local = new float[n];
    for (int i = 0; i < n; i++) {
      global[i] = (float) r.nextDouble(-1, 1);
      local[i] = global[i] + ((i % 2 == 0) ? step : -step);
    }
    return new float[][] {global, local};
  }

  @Test
  void sigmaIsFlowersClassicFormulaIndependentOfTheClippingNorm() {
    LocalDp a = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.CLASSIC);
    LocalDp b = new LocalDp(0.01, 1.0, 1.0, 1e-5, Calibration.CLASSIC);
    assertEquals(4.84480526261, a.sigma(), 4.9e-9);
    assertEquals(a.sigma(), b.sigma(), 0.0);
    LocalDp c = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.ANALYTIC);
    assertEquals(3.73063163481594, c.sigma(), 3.8e-9);
  }

  @Test
  void hugeEpsilonGivesGlobalPlusClippedUpdate() {
    int n = 41;
    float[][] gl = globalAndLocal(n, 0.5f, 1); // update norm 0.5·sqrt(41) ≈ 3.2 > C
    double c = 1.0;
    LocalDp dp = new LocalDp(c, 1.0, 1e12, 1e-5, Calibration.CLASSIC);
    LocalDp.Result res = dp.privatize(gl[0], gl[1], new SplittableRandom(3));
    double norm = 0.5 * Math.sqrt(n);
    assertEquals(norm, res.updateNorm(), 1e-6);
    assertTrue(res.clipped());
    for (int i = 0; i < n; i++) {
      double expected = gl[0][i] + (gl[1][i] - gl[0][i]) * c / norm;
      assertEquals(expected, res.params()[i], 1e-6, "coordinate " + i);
    }
    // and the released update has norm C
    float[] released = new float[n];
    for (int i = 0; i < n; i++) {
      released[i] = res.params()[i] - gl[0][i];
    }
    assertEquals(c, L2Clipper.l2Norm(released), 1e-6);
  }

  @Test
  void smallUpdateIsNotClipped() {
    float[][] gl = globalAndLocal(10, 0.01f, 2); // norm ≈ 0.0316 < C
    LocalDp dp = new LocalDp(1.0, 1.0, 1e12, 1e-5, Calibration.CLASSIC); // σ ≈ 4.8e-12
    LocalDp.Result res = dp.privatize(gl[0], gl[1], new SplittableRandom(3));
    assertFalse(res.clipped());
    assertEquals(0.01 * Math.sqrt(10), res.updateNorm(), 1e-6);
    assertArrayEquals(gl[1], res.params(), 1e-6f);
  }

  @Test
  void zeroUpdateIsNotClippedAndOnlyNoiseIsAdded() {
    float[] global = {0.5f, -0.25f, 1f};
    LocalDp dp = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.CLASSIC);
    LocalDp.Result res = dp.privatize(global, global.clone(), new SplittableRandom(9));
    assertEquals(0.0, res.updateNorm(), 0.0);
    assertFalse(res.clipped());
    SplittableRandom ref = new SplittableRandom(9);
    for (int i = 0; i < global.length; i++) {
      assertEquals(global[i] + (float) (dp.sigma() * ref.nextGaussian()), res.params()[i], 0f);
    }
  }

  @Test
  void inputsAreNotMutated() {
    float[][] gl = globalAndLocal(100, 0.3f, 4);
    float[] g = gl[0].clone();
    float[] l = gl[1].clone();
    LocalDp dp = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.CLASSIC);
    LocalDp.Result res = dp.privatize(gl[0], gl[1], new SplittableRandom(5));
    assertArrayEquals(g, gl[0], 0f);
    assertArrayEquals(l, gl[1], 0f);
    assertNotEquals(gl[0], res.params());
    assertNotEquals(gl[1], res.params());
  }

  @Test
  void noiseOnTopOfTheClippedUpdateHasStdSigmaAndMeanZero() {
    int n = 200_000;
    float[][] gl = globalAndLocal(n, 0.01f, 6); // norm 0.01·sqrt(2e5) ≈ 4.47 > C = 1
    double c = 1.0;
    double norm = 0.01 * Math.sqrt(n);
    // ε chosen so σ ≈ 0.0969, small next to the O(1) parameters, as in a real model
    LocalDp dp = new LocalDp(c, 1.0, 50.0, 1e-5, Calibration.CLASSIC);
    double sigma = dp.sigma();
    LocalDp.Result res = dp.privatize(gl[0], gl[1], new SplittableRandom(20240601L));
    assertTrue(res.clipped());
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double clipped = gl[0][i] + (gl[1][i] - gl[0][i]) * c / norm;
      double noise = res.params()[i] - clipped;
      sum += noise;
      sumSq += noise * noise;
    }
    double mean = sum / n;
    double sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
    // Tolerance: the sample SD's relative standard error is 1/sqrt(2n) ≈ 0.16% for n = 200,000,
    // so 1% is more than 6 standard errors (float rounding adds ~1e-7, negligible). The mean's
    // standard error is σ/sqrt(n); 5 of them bounds it with overwhelming probability. With a
    // fixed seed the test is deterministic, yet a wrong σ (e.g. scaled by C, or √2 off) fails.
    assertEquals(sigma, sd, 0.01 * sigma, "sample SD of the noise");
    assertTrue(Math.abs(mean) <= 5 * sigma / Math.sqrt(n), "sample mean of the noise " + mean);
  }

  @Test
  void sameSeedGivesTheSameRelease() {
    float[][] gl = globalAndLocal(50, 0.2f, 8);
    LocalDp dp = new LocalDp(1.0, 1.0, 2.0, 1e-5, Calibration.ANALYTIC);
    assertArrayEquals(
        dp.privatize(gl[0], gl[1], new SplittableRandom(1)).params(),
        dp.privatize(gl[0], gl[1], new SplittableRandom(1)).params(),
        0f);
  }

  @Test
  void lengthMismatchIsReportedWithBothLengths() {
    LocalDp dp = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.CLASSIC);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> dp.privatize(new float[41], new float[40], new SplittableRandom(1)));
    assertTrue(e.getMessage().contains("41") && e.getMessage().contains("40"), e.getMessage());
  }

  @Test
  void invalidSettingsAreRejectedByName() {
    assertNamed("clipping-norm", () -> new LocalDp(0, 1, 1, 1e-5, Calibration.CLASSIC));
    assertNamed("sensitivity", () -> new LocalDp(1, -1, 1, 1e-5, Calibration.CLASSIC));
    assertNamed("epsilon", () -> new LocalDp(1, 1, 0, 1e-5, Calibration.ANALYTIC));
    assertNamed("delta", () -> new LocalDp(1, 1, 1, 1.5, Calibration.CLASSIC));
  }

  private static void assertNamed(String setting, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(setting + " "), e.getMessage());
  }
}
