package org.fedsim.scenario;

import java.util.Collection;
import java.util.List;
import org.fedsim.timing.EventSchedule;
import org.fedsim.timing.ScriptedEvent;

/** The scripted events of a scenario, each with where it was written (for errors found once sites are known). */
public record EventsSettings(List<ScriptedEvent> events, List<String> origins) {
  public EventsSettings {
    events = List.copyOf(events);
    origins = List.copyOf(origins);
  }

  public static EventsSettings none() {
    return new EventsSettings(List.of(), List.of());
  }

  public EventSchedule schedule() {
    return new EventSchedule(events);
  }

  /** Every event must name a site of the dataset. */
  public void checkSites(Collection<String> sites) {
    for (int i = 0; i < events.size(); i++) {
      if (!sites.contains(events.get(i).site())) {
        throw new ScenarioException(origins.get(i) + ": key 'events': site '" + events.get(i).site()
            + "' is not a site of the dataset; its sites are " + sites);
      }
    }
  }
}
