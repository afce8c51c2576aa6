package org.fedsim.etl;

import java.util.Locale;

/**
 * The per-patient chart features of the MIMIC-IV ICU-mortality cohort (docs/mimic-iv.md, section 2): default
 * itemids and mimic-code's valid ranges ({@code concepts/measurement/vitalsign.sql}, exclusive bounds). The two
 * non-invasive blood pressures are not output columns: with {@code --nbp-fallback} they stand in for the invasive
 * one of a patient who has no invasive value.
 */
public enum Feature {
  ABP_DIASTOLIC("abp_diastolic", new int[] {220051}, 0, 300),
  ABP_SYSTOLIC("abp_systolic", new int[] {220050}, 0, 400),
  GLUCOSE("glucose", new int[] {220621, 225664, 226537}, 0, Double.POSITIVE_INFINITY),
  HEART_RATE("heart_rate", new int[] {220045}, 0, 300),
  RESP_RATE("resp_rate", new int[] {220210, 224690}, 0, 70),
  /** In °C; an itemid whose d_items unit is °F (223761) is range-checked in °F (70..120), then converted. */
  TEMPERATURE("temperature", new int[] {223761, 223762}, 10, 50),
  NBP_DIASTOLIC("nbp_diastolic", new int[] {220180}, 0, 300),
  NBP_SYSTOLIC("nbp_systolic", new int[] {220179}, 0, 400);

  /** Range of a temperature charted in °F (mimic-code: 70 < v < 120). */
  static final double FAHRENHEIT_LO = 70, FAHRENHEIT_HI = 120;

  private final String column;
  private final int[] defaultItemIds;
  private final double lo;
  private final double hi;

  Feature(String column, int[] defaultItemIds, double lo, double hi) {
    this.column = column;
    this.defaultItemIds = defaultItemIds;
    this.lo = lo;
    this.hi = hi;
  }

  /** The cohort CSV column (and the name {@code --itemids} uses). */
  public String column() {
    return column;
  }

  int[] defaultItemIds() {
    return defaultItemIds.clone();
  }

  /** Exclusive lower bound of a valid value. */
  double lo() {
    return lo;
  }

  /** Exclusive upper bound of a valid value. */
  double hi() {
    return hi;
  }

  /** Whether this is one of the six output features (not a fallback source). */
  boolean isOutput() {
    return this != NBP_DIASTOLIC && this != NBP_SYSTOLIC;
  }

  /** The invasive feature this non-invasive one falls back for, or null. */
  Feature fallbackFor() {
    return switch (this) {
      case NBP_DIASTOLIC -> ABP_DIASTOLIC;
      case NBP_SYSTOLIC -> ABP_SYSTOLIC;
      default -> null;
    };
  }

  /** The feature with this column name, or an error listing the names. */
  public static Feature byColumn(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Feature f : values()) if (f.column.equals(n)) return f;
    StringBuilder known = new StringBuilder();
    for (Feature f : values()) known.append(known.length() == 0 ? "" : ", ").append(f.column);
    throw new IllegalArgumentException("unknown feature '" + name + "' in --itemids: expected one of " + known);
  }
}
