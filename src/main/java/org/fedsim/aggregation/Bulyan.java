package org.fedsim.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bulyan (El Mhamdi et al. 2018). With f Byzantine clients out of n (n ≥ 4f + 3): select θ = n − 2f clients by
 * repeated Krum (score every remaining client against the remaining ones, each by its n' − f − 2 nearest, take the
 * lowest, remove it, repeat); then per coordinate drop the f largest and f smallest of the θ selected values and
 * average the remaining θ − 2f. Ties go to the earlier client in the order given.
 */
public final class Bulyan implements AggregationStrategy {
  private final int f;
  private java.util.Set<String> lastUsed;

  /** @param f the number of Byzantine clients tolerated, ≥ 0 */
  public Bulyan(int f) {
    if (f < 0) throw new IllegalArgumentException("strategy.bulyan.f must be >= 0, got " + f);
    this.f = f;
  }

  @Override
  public int minUpdates() {
    return 4 * f + 3;
  }

  @Override
  public java.util.Set<String> lastUsed() {
    return lastUsed;
  }

  /** The indices (into updates) of the θ = n − 2f clients chosen by repeated Krum, in order of choice. */
  public List<Integer> select(List<ClientUpdate> updates) {
    int n = updates.size();
    if (n < 4 * f + 3) {
      throw new IllegalArgumentException("Bulyan with strategy.bulyan.f = " + f + " needs n >= 4f + 3 = "
          + (4 * f + 3) + " updates, got n = " + n);
    }
    List<Integer> remaining = new ArrayList<>();
    for (int i = 0; i < n; i++) remaining.add(i);
    List<Integer> chosen = new ArrayList<>();
    int theta = n - 2 * f;
    while (chosen.size() < theta) {
      List<float[]> points = new ArrayList<>(remaining.size());
      for (int i : remaining) points.add(updates.get(i).params());
      int best = Krum.ranking(Krum.scores(points, remaining.size() - f - 2)).get(0);
      chosen.add(remaining.remove(best));
    }
    return chosen;
  }

  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    Updates.checkLengths(updates, d);
    List<float[]> selected = new ArrayList<>();
    java.util.Set<String> used = new java.util.TreeSet<>();
    for (int i : select(updates)) {
      selected.add(updates.get(i).params());
      used.add(updates.get(i).site());
    }
    lastUsed = used;
    return Optional.of(Updates.trimmedMean(selected, d, f));
  }
}
