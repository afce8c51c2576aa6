package org.fedsim.data;

import java.util.List;
import java.util.Map;

/**
 * A loaded dataset before preprocessing: its feature names, one {@link SiteData} per site (in a stable order),
 * and how many rows were dropped per site while loading (missing values), for the report.
 */
public record Dataset(String name, List<String> featureNames, List<SiteData> sites, Map<String, Integer> droppedRows) {
  public Dataset {
    featureNames = List.copyOf(featureNames);
    sites = List.copyOf(sites);
    droppedRows = Map.copyOf(droppedRows);
  }

  public int numFeatures() {
    return featureNames.size();
  }

  public int totalRows() {
    return sites.stream().mapToInt(SiteData::size).sum();
  }
}
