package org.fedsim.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class L2ClipperTest {

  @Test
  void normAccumulatesInDouble() {
    assertEquals(5.0, L2Clipper.l2Norm(new float[] {3f, 4f}), 0.0);
    assertEquals(0.0, L2Clipper.l2Norm(new float[0]), 0.0);
    // 1e6 equal coordinates: a float accumulator would drift by ~1e-4 relative here
    float[] many = new float[1_000_000];
    java.util.Arrays.fill(many, 1e-3f);
    assertEquals(1000.0 * (double) 1e-3f, L2Clipper.l2Norm(many), 1e-9);
  }

  @Test
  void bigUpdateIsScaledToTheClippingNormAndKeepsItsDirection() {
    float[] u = {30f, -40f, 0f, 120f}; // norm 130
    float[] before = u.clone();
    double norm = L2Clipper.clipInPlace(u, 2.5);
    assertEquals(130.0, norm, 1e-12);
    assertEquals(2.5, L2Clipper.l2Norm(u), 2.5e-6);
    for (int i = 0; i < u.length; i++) {
      assertEquals(before[i] * 2.5 / 130.0, u[i], 1e-6);
    }
  }

  @Test
  void smallUpdateIsUntouched() {
    float[] u = {0.1f, -0.2f, 0.3f};
    float[] before = u.clone();
    double norm = L2Clipper.clipInPlace(u, 1.0);
    assertArrayEquals(before, u, 0f);
    assertEquals(Math.sqrt(0.1f * 0.1f + 0.2f * 0.2f + 0.3f * 0.3f), norm, 1e-7);
  }

  @Test
  void updateExactlyAtTheBoundIsUntouched() {
    float[] u = {3f, 4f};
    assertEquals(5.0, L2Clipper.clipInPlace(u, 5.0), 0.0);
    assertArrayEquals(new float[] {3f, 4f}, u, 0f);
  }

  @Test
  void zeroUpdateIsUntouched() {
    float[] u = new float[7];
    assertEquals(0.0, L2Clipper.clipInPlace(u, 1.0), 0.0);
    assertArrayEquals(new float[7], u, 0f);
  }

  @Test
  void invalidClippingNormIsRejectedByName() {
    for (double c : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> L2Clipper.clipInPlace(new float[2], c));
      assertTrue(e.getMessage().contains("clipping-norm"), e.getMessage());
    }
  }

  @Test
  void nonFiniteUpdateIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> L2Clipper.clipInPlace(new float[] {1f, Float.NaN}, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> L2Clipper.clipInPlace(new float[] {Float.POSITIVE_INFINITY}, 1));
  }
}
