package org.fedsim.data;

/** One site's preprocessed rows, split into training and validation parts. */
public record SiteSplit(String site, SiteData train, SiteData validation) {
  @Override
  public String toString() {
    return "SiteSplit[" + site + ", train=" + train.size() + ", val=" + validation.size() + "]";
  }
}
