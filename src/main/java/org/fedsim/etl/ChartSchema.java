package org.fedsim.etl;

import java.util.Arrays;
import java.util.List;
import org.fedsim.data.DataException;

/**
 * The column layout of a chartevents file, detected from its header (docs/mimic-iv.md, section 1): v1.0 to v2.1
 * have 10 columns, v2.2 and later 11 (with {@code caregiver_id}). Only {@code subject_id}, {@code itemid} and
 * {@code valuenum} are read; the rest are checked for their count only.
 */
public enum ChartSchema {
  V1_TO_V2_1("v1.0-v2.1 (10 columns)", List.of("subject_id", "hadm_id", "stay_id", "charttime", "storetime",
      "itemid", "value", "valuenum", "valueuom", "warning")),
  V2_2_PLUS("v2.2+ (11 columns)", List.of("subject_id", "hadm_id", "stay_id", "caregiver_id", "charttime",
      "storetime", "itemid", "value", "valuenum", "valueuom", "warning"));

  private final String label;
  private final List<String> columns;

  ChartSchema(String label, List<String> columns) {
    this.label = label;
    this.columns = columns;
  }

  /** For the funnel, e.g. {@code v2.2+ (11 columns)}. */
  public String label() {
    return label;
  }

  public List<String> columns() {
    return columns;
  }

  int fieldCount() {
    return columns.size();
  }

  int subjectField() {
    return columns.indexOf("subject_id");
  }

  int itemField() {
    return columns.indexOf("itemid");
  }

  int valueField() {
    return columns.indexOf("valuenum");
  }

  /**
   * The schema whose column names equal the header's (trimmed, case-insensitive, optional quotes).
   *
   * @throws DataException naming the file, line 1, what was found and the two headers expected
   */
  static ChartSchema detect(String header, String file) {
    String[] names = header.replace("\r", "").split(",", -1);
    for (int i = 0; i < names.length; i++) {
      String n = names[i].trim();
      if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) n = n.substring(1, n.length() - 1);
      names[i] = n.toLowerCase(java.util.Locale.ROOT);
    }
    List<String> found = Arrays.asList(names);
    for (ChartSchema s : values()) if (s.columns.equals(found)) return s;
    String shown = header.length() > 200 ? header.substring(0, 200) + "..." : header;
    throw new DataException(file + ":1: not a chartevents header: got '" + shown + "' (" + names.length
        + " columns); expected " + V2_2_PLUS.label + " " + String.join(",", V2_2_PLUS.columns) + " or "
        + V1_TO_V2_1.label + " " + String.join(",", V1_TO_V2_1.columns));
  }
}
