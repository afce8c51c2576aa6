package org.fedsim.aggregation;

import java.util.List;
import java.util.Optional;

/**
 * Turns the accepted client results of a round into the next global model (Flower's Strategy.aggregate_fit).
 * Pure: no actors, no I/O. Empty means "keep the previous global model".
 */
public interface AggregationStrategy {
  Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global);

  /** State kept across rounds (e.g. an adaptive clipping norm), for checkpoints; empty when stateless. */
  default List<Double> state() {
    return List.of();
  }

  /**
   * The fewest updates this rule can aggregate (Krum: 2f + 3; Bulyan: 4f + 3). With fewer accepted updates the
   * server skips the round (keeps the global model) instead of calling {@link #aggregate}.
   */
  default int minUpdates() {
    return 1;
  }

  /**
   * The sites (as named in the updates) whose updates the last {@link #aggregate} call used, when a rule selects
   * some and ignores the rest (Krum's winner, Multi-Krum's m, Bulyan's θ); null when every update it was given
   * counts (the default).
   */
  default java.util.Set<String> lastUsed() {
    return null;
  }

  /** Go on from a checkpointed {@link #state()}. */
  default void restore(List<Double> state) {
    if (!state.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no state");
  }
}
