package org.fedsim.aggregation;

import java.util.List;
import java.util.Optional;

/**
 * Turns the accepted client results of a round into the next global model (Flower's Strategy.aggregate_fit).
 * Pure: no actors, no I/O. Empty means "keep the previous global model".
 */
public interface AggregationStrategy {
  Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global);
}
