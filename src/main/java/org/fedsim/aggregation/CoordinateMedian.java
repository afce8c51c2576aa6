package org.fedsim.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Coordinate-wise median (Yin et al. 2018): each coordinate of the new model is the median of the clients' values
 * (for an even count, the mean of the two middle values). Example counts are ignored.
 */
public final class CoordinateMedian implements AggregationStrategy {
  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    Updates.checkLengths(updates, d);
    int n = updates.size();
    double[] column = new double[n];
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < n; j++) column[j] = updates.get(j).params()[i];
      Arrays.sort(column);
      out[i] = (float) (n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2);
    }
    return Optional.of(out);
  }
}
