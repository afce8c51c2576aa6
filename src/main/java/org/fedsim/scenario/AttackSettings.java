package org.fedsim.scenario;

import java.util.Collection;
import java.util.List;
import org.fedsim.hospital.Attack;

/** The scripted hostile or broken hospitals of a scenario, each with where it was written. */
public record AttackSettings(List<Attack> attacks, List<String> origins) {
  public AttackSettings {
    attacks = List.copyOf(attacks);
    origins = List.copyOf(origins);
  }

  public static AttackSettings none() {
    return new AttackSettings(List.of(), List.of());
  }

  /** Every attack must name a site of the dataset. */
  public void checkSites(Collection<String> sites) {
    for (int i = 0; i < attacks.size(); i++) {
      if (!sites.contains(attacks.get(i).site())) {
        throw new ScenarioException(origins.get(i) + ": key 'attacks': site '" + attacks.get(i).site()
            + "' is not a site of the dataset; its sites are " + sites);
      }
    }
  }
}
