package org.fedsim.data;

import java.util.Objects;

/**
 * The rows one hospital (site) owns: a feature matrix and binary labels. Patient rows live only here and
 * inside the hospital that owns them; no protocol message may carry this type.
 */
public record SiteData(String site, float[][] features, int[] labels) {
  public SiteData {
    Objects.requireNonNull(site, "site");
    if (features.length != labels.length) {
      throw new IllegalArgumentException(
          "site " + site + ": " + features.length + " feature rows but " + labels.length + " labels");
    }
  }

  public int size() {
    return labels.length;
  }

  public int positives() {
    int p = 0;
    for (int y : labels) p += y;
    return p;
  }

  @Override
  public String toString() {
    return "SiteData[" + site + ", rows=" + labels.length + "]";
  }
}
