package org.fedsim.server;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedsim.common.Seeds;

/** Which sites take part in a round: max(min, ⌈fraction·n⌉) of n (capped at n), drawn from the scenario seed. */
public final class ParticipantSelector {
  private ParticipantSelector() {}

  /** How many of n sites a round selects: max(min, ⌈fraction·n⌉), capped at n. */
  public static int count(int n, double fraction, int min) {
    return Math.min(n, Math.max(min, (int) Math.ceil(fraction * n - 1e-9)));
  }

  /** @return the selected site indices, ascending */
  static int[] select(int n, double fraction, int min, long seed, int round) {
    int k = count(n, fraction, min);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    if (k == n) return idx;
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.SELECTION, round));
    for (int i = 0; i < k; i++) { // partial Fisher–Yates: the first k are a uniform sample
      int j = i + rng.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] chosen = Arrays.copyOf(idx, k);
    Arrays.sort(chosen);
    return chosen;
  }
}
