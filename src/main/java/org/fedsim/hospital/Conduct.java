package org.fedsim.hospital;

import java.util.ArrayList;
import java.util.List;

/**
 * How one hospital behaves beyond training honestly: the attacks scripted for it, the scenario seed their
 * randomness derives from, and whether it reports the validation score of its own update (quality weighting).
 */
public record Conduct(List<Attack> attacks, long seed, boolean scoreUpdates) {
  public Conduct {
    attacks = List.copyOf(attacks);
  }

  /** Honest, no score. */
  public static Conduct honest() {
    return new Conduct(List.of(), 0, false);
  }

  /** The attacks of the run that concern {@code site}. */
  public Conduct forSite(String site) {
    List<Attack> own = new ArrayList<>();
    for (Attack a : attacks) if (a.site().equals(site)) own.add(a);
    return new Conduct(own, seed, scoreUpdates);
  }

  /** The attack in force at {@code round}: the one started latest (the later listed on a tie), or null. */
  public Attack active(int round) {
    Attack active = null;
    for (Attack a : attacks) {
      if (a.activeAt(round) && (active == null || a.fromRound() >= active.fromRound())) active = a;
    }
    return active;
  }
}
