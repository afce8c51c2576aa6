package org.fedsim.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A generic CSV dataset: numeric feature columns, a 0/1 label column and a site column, named by header.
 */
public record CsvDatasetSettings(Path path, List<String> features, String label, String site, MissingValues missing) {
  public CsvDatasetSettings {
    features = List.copyOf(features);
    if (features.isEmpty()) throw new IllegalArgumentException("csv.features must name at least one column");
  }
}
