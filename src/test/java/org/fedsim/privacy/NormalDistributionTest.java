package org.fedsim.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reference values computed with mpmath at 40 significant digits. */
class NormalDistributionTest {

  private static void assertRel(double expected, double actual, double tol, String what) {
    double rel = Math.abs(actual - expected) / Math.abs(expected);
    assertTrue(rel <= tol, what + ": expected " + expected + " got " + actual + " rel " + rel);
  }

  @Test
  void erfcAndErfcxMatchMpmath() {
    double[][] ref = {
      // x, erfc(x), exp(x²)·erfc(x)
      {0.1, 0.8875370839817151078, 0.89645697996912664193},
      {0.5, 0.47950012218695346232, 0.61569034419292587487},
      {1, 0.15729920705028513066, 0.42758357615580700441},
      {3, 0.000022090496998585441373, 0.17900115118138995042},
      {5, 1.5374597944280348502e-12, 0.11070463773306862637},
      {10, 2.088487583762544757e-45, 0.056140992743822585858},
      {20, 5.3958656116079009289e-176, 0.028174348741051319319},
      {26, 5.6631924088561428465e-296, 0.021683584850562906616},
    };
    for (double[] r : ref) {
      assertRel(r[1], NormalDistribution.erfc(r[0]), 2e-15, "erfc(" + r[0] + ")");
      assertRel(r[2], NormalDistribution.erfcx(r[0]), 2e-15, "erfcx(" + r[0] + ")");
    }
    assertRel(2 - 0.15729920705028513066, NormalDistribution.erfc(-1), 2e-16, "erfc(-1)");
    assertRel(144009798674.66104041, NormalDistribution.erfcx(-5), 2e-15, "erfcx(-5)");
    assertEquals(0.0, NormalDistribution.erfc(30), 0.0);
  }

  @Test
  void cdfAndLogCdfMatchMpmath() {
    double[][] ref = {
      // z, Φ(z), ln Φ(z)
      {-38.5, 0.0 /* 1.408e-324 underflows */, -745.69527029041108133},
      {-10, 7.619853024160526066e-24, -53.231285150512470578},
      {-1, 0.15865525393145705141, -1.8410216450092635058},
      {0, 0.5, -0.69314718055994530942},
      {1, 0.84134474606854294859, -0.17275377902344988953},
      {5, 0.99999971334842812081, -2.8665161296376359338e-7},
      {10, 1.0, -7.6198530241605260704e-24},
    };
    for (double[] r : ref) {
      if (r[1] >= Double.MIN_NORMAL) {
        assertRel(r[1], NormalDistribution.cdf(r[0]), 2e-15, "cdf(" + r[0] + ")");
      }
      assertRel(r[2], NormalDistribution.logCdf(r[0]), 2e-15, "logCdf(" + r[0] + ")");
    }
    // far tail: Φ underflows but ln Φ does not
    assertEquals(0.0, NormalDistribution.cdf(-40), 0.0);
    assertRel(-804.60844201375378817, NormalDistribution.logCdf(-40), 2e-15, "logCdf(-40)");
    assertRel(-500007.82669481218431, NormalDistribution.logCdf(-1000), 2e-15, "logCdf(-1000)");
    assertRel(-500000000014.73444909, NormalDistribution.logCdf(-1e6), 2e-15, "logCdf(-1e6)");
    assertEquals(Double.NEGATIVE_INFINITY, NormalDistribution.logCdf(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, NormalDistribution.cdf(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, NormalDistribution.cdf(Double.POSITIVE_INFINITY));
  }
}
