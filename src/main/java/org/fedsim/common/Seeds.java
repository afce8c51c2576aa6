package org.fedsim.common;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent, reproducible seeds from the scenario's master seed (SplitMix64 finalizer), so that every
 * random stream (per site, per round, per purpose) is fixed by the scenario and by nothing else: not by thread
 * scheduling or message arrival order.
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's output mix: a bijective avalanche of 64 bits. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A seed for one purpose derived from {@code seed} and any number of integer coordinates. */
  public static long derive(long seed, long... parts) {
    long h = mix(seed + 0x9e3779b97f4a7c15L);
    for (long p : parts) h = mix(h ^ mix(p + 0x9e3779b97f4a7c15L));
    return h;
  }

  /** A stable 64-bit code for a name (FNV-1a over UTF-8), to use as a coordinate in {@link #derive}. */
  public static long of(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** Stable codes for purposes, so that two streams never share a seed by accident. */
  public enum Purpose { INIT, SELECTION, SHUFFLE, DP_NOISE, TIMING, ATTACK, BASELINE }

  public static long derive(long seed, Purpose purpose, long... parts) {
    long[] all = new long[parts.length + 1];
    all[0] = purpose.ordinal() + 1000L;
    System.arraycopy(parts, 0, all, 1, parts.length);
    return derive(seed, all);
  }
}
