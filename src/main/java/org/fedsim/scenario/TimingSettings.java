package org.fedsim.scenario;

import java.util.Collection;
import java.util.Map;
import org.fedsim.timing.ClockSettings;
import org.fedsim.timing.SiteProfile;

/**
 * The clock of a run and every site's timing profile (the default and per-site overrides), each override with where
 * it was written (for errors found once sites are known).
 */
public record TimingSettings(ClockSettings clock, SiteProfile defaults, Map<String, SiteProfile> sites,
    Map<String, String> origins) {
  public TimingSettings {
    sites = Map.copyOf(sites);
    origins = Map.copyOf(origins);
  }

  /** Settings are equal when they time runs alike: where a site's override was written ({@code origins}) aside. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TimingSettings t && clock.equals(t.clock) && defaults.equals(t.defaults)
        && sites.equals(t.sites);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(clock, defaults, sites);
  }

  /** Every site under timing.sites must be a site of the dataset (a misspelt one would silently change nothing). */
  public void checkSites(Collection<String> known) {
    for (String site : new java.util.TreeSet<>(sites.keySet())) {
      if (!known.contains(site)) {
        throw new ScenarioException(origins.getOrDefault(site, "scenario") + ": key 'timing.sites." + site
            + "': site '" + site + "' is not a site of the dataset" + KeyValidator.suggestion(site,
                new java.util.TreeSet<>(known)) + "; its sites are " + known);
      }
    }
  }
}
