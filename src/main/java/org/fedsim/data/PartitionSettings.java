package org.fedsim.data;

import java.util.List;
import java.util.Locale;

/**
 * How a dataset's rows are dealt to clients (hospitals), after class balancing and before the train/validation
 * split. See {@link Partitioner}.
 *
 * @param type natural (the dataset's site column), iid, dirichlet (label skew), quantity (power-law sizes) or
 *     shards (k labels per client)
 * @param clients number of clients, 2 to {@value #MAX_CLIENTS} (ignored by natural)
 * @param alpha Dirichlet concentration (dirichlet): small = each client holds mostly one label
 * @param exponent power-law exponent of client sizes (quantity): size of the r-th largest client ∝ r^-exponent
 * @param labelsPerClient labels each client holds (shards), 1 to the number of labels
 * @param externalSites sites of the dataset held out of training and only evaluated (external validation)
 * @param seed seeds the partition (the dataset seed, so every run of a sweep sees the same clients)
 */
public record PartitionSettings(Type type, int clients, double alpha, double exponent, int labelsPerClient,
    List<String> externalSites, long seed) {
  public static final int MIN_CLIENTS = 2;
  public static final int MAX_CLIENTS = 1000;

  /** The partition kinds, as written in a scenario ({@code type = dirichlet}). */
  public enum Type { NATURAL, IID, DIRICHLET, QUANTITY, SHARDS }

  public PartitionSettings {
    externalSites = List.copyOf(externalSites);
    if (type != Type.NATURAL && (clients < MIN_CLIENTS || clients > MAX_CLIENTS)) {
      throw new IllegalArgumentException("clients must be in [" + MIN_CLIENTS + ", " + MAX_CLIENTS + "], got "
          + clients);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("alpha must be > 0, got " + alpha);
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("exponent must be >= 0, got " + exponent);
    }
    if (labelsPerClient < 1) throw new IllegalArgumentException("labels-per-client must be >= 1, got " + labelsPerClient);
  }

  /** The dataset's own sites, nothing held out. */
  public static PartitionSettings natural() {
    return new PartitionSettings(Type.NATURAL, MIN_CLIENTS, 0.5, 1.0, 1, List.of(), 0);
  }

  /** The name of client {@code i} (0-based) of {@code clients}: client-001 ... (wider past 999). */
  public static String clientName(int i, int clients) {
    int width = Math.max(3, String.valueOf(clients).length());
    return String.format(Locale.ROOT, "client-%0" + width + "d", i + 1);
  }
}
