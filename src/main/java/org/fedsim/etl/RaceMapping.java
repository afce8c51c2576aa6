package org.fedsim.etl;

import java.util.Locale;
import org.fedsim.data.RaceGroup;

/**
 * Maps an {@code admissions.race} string (v1: {@code ethnicity}) to one of the seven race groups
 * (docs/mimic-iv.md, section 3). Prefix rules, so that MIMIC-III strings map too ({@code BLACK/HAITIAN},
 * {@code ASIAN - VIETNAMESE}, {@code UNKNOWN/NOT SPECIFIED}); any string not matched is OTHER.
 */
public final class RaceMapping {
  private RaceMapping() {}

  /** The group of one admission's race string; empty or null is UNKNOWN. */
  public static RaceGroup group(String race) {
    String s = race == null ? "" : race.trim().toUpperCase(Locale.ROOT);
    if (s.isEmpty() || s.startsWith("UNKNOWN") || s.startsWith("UNABLE TO OBTAIN")
        || s.startsWith("PATIENT DECLINED")) {
      return RaceGroup.UNKNOWN;
    }
    if (s.startsWith("WHITE")) return RaceGroup.WHITE;
    if (s.startsWith("BLACK")) return RaceGroup.BLACK;
    if (s.startsWith("ASIAN")) return RaceGroup.ASIAN;
    if (s.startsWith("HISPANIC") || s.equals("SOUTH AMERICAN")) return RaceGroup.HISPANIC_LATINO;
    if (s.startsWith("AMERICAN INDIAN") || s.startsWith("NATIVE HAWAIIAN")) return RaceGroup.NATIVE;
    return RaceGroup.OTHER; // OTHER, MULTIPLE RACE/ETHNICITY, PORTUGUESE, MIDDLE EASTERN, anything unseen
  }

  /**
   * One subject's group from the groups of their admissions: the most frequent group other than UNKNOWN; a tie
   * goes to the group of the latest admission among the tied ones; UNKNOWN only when every admission is UNKNOWN.
   */
  static final class PerSubject {
    private final int[] counts = new int[RaceGroup.values().length];
    private final String[] latest = new String[RaceGroup.values().length];

    /** Adds one admission; {@code admittime} is the ISO timestamp {@code YYYY-MM-DD HH:MM:SS} (sorts as text). */
    void add(RaceGroup g, String admittime) {
      counts[g.ordinal()]++;
      String t = admittime == null ? "" : admittime;
      if (latest[g.ordinal()] == null || t.compareTo(latest[g.ordinal()]) > 0) latest[g.ordinal()] = t;
    }

    RaceGroup group() {
      RaceGroup best = RaceGroup.UNKNOWN;
      for (RaceGroup g : RaceGroup.values()) {
        if (g == RaceGroup.UNKNOWN || counts[g.ordinal()] == 0) continue;
        if (best == RaceGroup.UNKNOWN || counts[g.ordinal()] > counts[best.ordinal()]
            || (counts[g.ordinal()] == counts[best.ordinal()]
                && latest[g.ordinal()].compareTo(latest[best.ordinal()]) > 0)) {
          best = g;
        }
      }
      return best;
    }
  }
}
