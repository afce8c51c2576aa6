package org.fedsim.data;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic seed derivation and sampling helpers. Everything here depends only on its arguments, never on
 * the JDK's {@code hashCode} of objects or on the JDK's Gaussian algorithm, so a seed means the same data on
 * every JVM.
 */
final class Randoms {
  private Randoms() {}

  /** A seed for the stream called {@code name} under {@code seed}: SplitMix64 over seed and FNV-1a of the UTF-8 name. */
  static long derive(long seed, String name) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return mix64(seed ^ mix64(h));
  }

  /** The SplitMix64 finaliser. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Fills {@code out} with independent standard normal draws (Marsaglia's polar method, pairs). */
  static void fillGaussian(SplittableRandom rng, double[] out) {
    for (int i = 0; i < out.length; i += 2) {
      double u, v, s;
      do {
        u = 2 * rng.nextDouble() - 1;
        v = 2 * rng.nextDouble() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s == 0);
      double f = Math.sqrt(-2 * Math.log(s) / s);
      out[i] = u * f;
      if (i + 1 < out.length) out[i + 1] = v * f;
    }
  }

  /** Fisher–Yates shuffle of the first {@code k} positions: afterwards {@code a[0..k)} is a uniform sample. */
  static void partialShuffle(int[] a, int k, SplittableRandom rng) {
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(a.length - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
