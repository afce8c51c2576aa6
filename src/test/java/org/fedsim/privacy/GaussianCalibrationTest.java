package org.fedsim.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Checks against {@code privacy/gaussian_single.csv}, a copy of {@code
 * shared/dp-vectors/gaussian_single.csv} (one-shot Gaussian, δ = 1e-5, Δ = 1; analytic σ from
 * mpmath at 50 digits, agreeing with dp_accounting to ≤ 1.4e-15).
 */
class GaussianCalibrationTest {

  private record Row(
      double epsilon,
      double delta,
      double sensitivity,
      double sigmaClassic,
      double exactDeltaAtSigmaClassic,
      double sigmaAnalytic) {}

  private static List<Row> rows() throws IOException {
    InputStream in = GaussianCalibrationTest.class.getResourceAsStream("/privacy/gaussian_single.csv");
    assertNotNull(in, "test resource privacy/gaussian_single.csv is missing");
    List<Row> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String[] header = r.readLine().split(",");
      Map<String, Integer> col = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        col.put(header[i].trim(), i);
      }
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        rows.add(
            new Row(
                Double.parseDouble(f[col.get("epsilon")]),
                Double.parseDouble(f[col.get("delta")]),
                Double.parseDouble(f[col.get("sensitivity_l2")]),
                Double.parseDouble(f[col.get("sigma_classic")]),
                Double.parseDouble(f[col.get("exact_delta_at_sigma_classic")]),
                Double.parseDouble(f[col.get("sigma_analytic")])));
      }
    }
    assertEquals(8, rows.size(), "rows in gaussian_single.csv");
    return rows;
  }

  private static void assertRel(double expected, double actual, double tol, String what) {
    double rel = Math.abs(actual - expected) / Math.abs(expected);
    assertTrue(rel <= tol, what + ": expected " + expected + " got " + actual + " (rel " + rel + ")");
  }

  @Test
  void classicSigmaForEpsilonOneIsTheKnownValue() {
    assertRel(4.84480526261, GaussianCalibration.sigmaClassic(1.0, 1e-5, 1.0), 1e-9, "sigmaClassic");
    // linear in the sensitivity, inverse in epsilon
    assertRel(2 * 4.84480526261 / 0.5, GaussianCalibration.sigmaClassic(0.5, 1e-5, 2.0), 1e-9, "");
  }

  @Test
  void sigmaClassicMatchesCsv() throws IOException {
    for (Row r : rows()) {
      assertRel(
          r.sigmaClassic(),
          GaussianCalibration.sigmaClassic(r.epsilon(), r.delta(), r.sensitivity()),
          1e-9,
          "sigma_classic eps=" + r.epsilon());
    }
  }

  @Test
  void sigmaAnalyticMatchesCsv() throws IOException {
    for (Row r : rows()) {
      assertRel(
          r.sigmaAnalytic(),
          GaussianCalibration.sigmaAnalytic(r.epsilon(), r.delta(), r.sensitivity()),
          1e-9,
          "sigma_analytic eps=" + r.epsilon());
    }
  }

  @Test
  void exactDeltaAtClassicSigmaMatchesCsv() throws IOException {
    for (Row r : rows()) {
      assertRel(
          r.exactDeltaAtSigmaClassic(),
          GaussianCalibration.deltaAnalytic(r.epsilon(), r.sigmaClassic(), r.sensitivity()),
          1e-6,
          "exact_delta_at_sigma_classic eps=" + r.epsilon());
    }
  }

  @Test
  void classicSigmaViolatesDeltaForLargeEpsilonOnly() throws IOException {
    for (Row r : rows()) {
      double d = GaussianCalibration.deltaAnalytic(r.epsilon(), r.sigmaClassic(), r.sensitivity());
      if (r.epsilon() <= 5) {
        assertTrue(d <= r.delta(), "classic sigma should be valid at eps=" + r.epsilon());
      } else {
        assertTrue(d > r.delta(), "classic sigma should violate delta at eps=" + r.epsilon());
      }
    }
  }

  @Test
  void epsilonAnalyticInvertsTheCsvSigma() throws IOException {
    for (Row r : rows()) {
      assertRel(
          r.epsilon(),
          GaussianCalibration.epsilonAnalytic(r.sigmaAnalytic(), r.delta(), r.sensitivity()),
          1e-8,
          "epsilonAnalytic(sigma_analytic) eps=" + r.epsilon());
      // and the delta at the CSV sigma is the target delta
      assertRel(
          r.delta(),
          GaussianCalibration.deltaAnalytic(r.epsilon(), r.sigmaAnalytic(), r.sensitivity()),
          1e-9,
          "deltaAnalytic(sigma_analytic) eps=" + r.epsilon());
    }
  }

  @Test
  void roundTrips() throws IOException {
    for (Row r : rows()) {
      double eps = r.epsilon();
      double delta = r.delta();
      double sa = GaussianCalibration.sigmaAnalytic(eps, delta, 1.0);
      assertRel(eps, GaussianCalibration.epsilonAnalytic(sa, delta, 1.0), 1e-12, "eps->sigma->eps");
      double sigma = r.sigmaClassic(); // any sigma
      double e = GaussianCalibration.epsilonAnalytic(sigma, delta, 1.0);
      assertRel(sigma, GaussianCalibration.sigmaAnalytic(e, delta, 1.0), 1e-12, "sigma->eps->sigma");
      double sc = GaussianCalibration.sigmaClassic(eps, delta, 1.0);
      assertRel(eps, GaussianCalibration.epsilonClassic(sc, delta, 1.0), 1e-14, "classic round trip");
    }
  }

  @Test
  void analyticScalesWithSensitivity() {
    double s1 = GaussianCalibration.sigmaAnalytic(2.0, 1e-6, 1.0);
    assertRel(3.5 * s1, GaussianCalibration.sigmaAnalytic(2.0, 1e-6, 3.5), 1e-13, "sigma scaling");
    assertRel(2.0, GaussianCalibration.epsilonAnalytic(3.5 * s1, 1e-6, 3.5), 1e-12, "eps scaling");
  }

  @Test
  void analyticSigmaIsTheSmallestValidOne() {
    double sa = GaussianCalibration.sigmaAnalytic(1.0, 1e-5, 1.0);
    assertTrue(GaussianCalibration.deltaAnalytic(1.0, sa, 1.0) <= 1e-5 * (1 + 1e-12));
    assertTrue(GaussianCalibration.deltaAnalytic(1.0, sa * (1 - 1e-9), 1.0) > 1e-5);
  }

  @Test
  void deltaMatchesMpmathInExtremeRegimes() {
    // mpmath, 50 digits: Φ(1/(2σ) − εσ) − e^ε Φ(−1/(2σ) − εσ)
    assertRel(5.279497716713119121895767e-41, GaussianCalibration.deltaAnalytic(1000, 0.03, 1), 1e-13, "eps=1000");
    assertRel(6.458094869537539603981026e-6, GaussianCalibration.deltaAnalytic(700, 0.03, 1), 1e-13, "eps=700");
    assertRel(3.509355066707847875584514e-6, GaussianCalibration.deltaAnalytic(1e-6, 1e5, 1), 1e-13, "eps=1e-6");
    assertRel(8.33571321252084885e-5, GaussianCalibration.deltaAnalytic(1e-3, 1000, 1), 1e-13, "eps=1e-3");
    assertRel(0.2384217081348766283181562, GaussianCalibration.deltaAnalytic(0.5, 1, 1), 1e-14, "eps=0.5");
    // δ = 1.35e-2180 underflows, its logarithm does not
    assertEquals(0.0, GaussianCalibration.deltaAnalytic(0.01, 1e4, 1), 0.0);
    assertRel(-5019.334919173475933, GaussianCalibration.logDeltaAt(0.01, 1e4, 1), 1e-13, "ln delta");
    // σ for a huge ε is finite and satisfies the bound
    double s = GaussianCalibration.sigmaAnalytic(5000, 1e-5, 1);
    assertTrue(s > 0 && Double.isFinite(s));
    assertRel(5000, GaussianCalibration.epsilonAnalytic(s, 1e-5, 1), 1e-12, "eps=5000 round trip");
  }

  @Test
  void epsilonAnalyticIsZeroWhenTheNoiseAloneSuffices() {
    // total-variation distance 2Φ(1/(2σ)) − 1 ≈ 4e-7 ≤ 1e-5 at σ = 1e6
    assertEquals(0.0, GaussianCalibration.epsilonAnalytic(1e6, 1e-5, 1.0), 0.0);
    assertTrue(GaussianCalibration.epsilonAnalytic(1e3, 1e-5, 1.0) > 0);
  }

  @Test
  void invalidArgumentsAreRejectedByName() {
    assertNamed("epsilon", () -> GaussianCalibration.sigmaClassic(0, 1e-5, 1));
    assertNamed("epsilon", () -> GaussianCalibration.sigmaAnalytic(-1, 1e-5, 1));
    assertNamed("epsilon", () -> GaussianCalibration.sigmaAnalytic(Double.NaN, 1e-5, 1));
    assertNamed("epsilon", () -> GaussianCalibration.sigmaAnalytic(Double.POSITIVE_INFINITY, 1e-5, 1));
    assertNamed("epsilon", () -> GaussianCalibration.deltaAnalytic(-0.1, 1, 1));
    assertNamed("delta", () -> GaussianCalibration.sigmaClassic(1, 0, 1));
    assertNamed("delta", () -> GaussianCalibration.sigmaAnalytic(1, 1, 1));
    assertNamed("delta", () -> GaussianCalibration.epsilonAnalytic(1, Double.NaN, 1));
    assertNamed("delta", () -> GaussianCalibration.epsilonClassic(1, -1e-5, 1));
    assertNamed("sensitivity", () -> GaussianCalibration.sigmaClassic(1, 1e-5, 0));
    assertNamed("sensitivity", () -> GaussianCalibration.sigmaAnalytic(1, 1e-5, -2));
    assertNamed("sensitivity", () -> GaussianCalibration.deltaAnalytic(1, 1, Double.NaN));
    assertNamed("sigma", () -> GaussianCalibration.epsilonClassic(0, 1e-5, 1));
    assertNamed("sigma", () -> GaussianCalibration.epsilonAnalytic(-1, 1e-5, 1));
    assertNamed("sigma", () -> GaussianCalibration.deltaAnalytic(1, Double.POSITIVE_INFINITY, 1));
  }

  private static void assertNamed(String setting, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(setting + " "), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
