package org.fedsim.scenario;

import java.util.Map;
import org.fedsim.timing.ClockSettings;
import org.fedsim.timing.SiteProfile;

/** The clock of a run and every site's timing profile (the default and per-site overrides). */
public record TimingSettings(ClockSettings clock, SiteProfile defaults, Map<String, SiteProfile> sites) {
  public TimingSettings {
    sites = Map.copyOf(sites);
  }
}
