package org.fedsim.etl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fedsim.data.RaceGroup;

/**
 * The cohort funnel of one extraction: chartevents rows at each filter, then patients at each step (in
 * admissions, with any chart value, with each feature, with all of them, by race group, deaths, balanced).
 * Written beside the cohort as {@code NAME.funnel.json} and {@code NAME.funnel.txt}.
 */
public final class Funnel {
  // source
  String root;
  String chartevents;
  String schema;
  boolean gzip;
  long compressedBytes;
  double seconds;
  ChartStats rows;
  Map<Feature, int[]> itemIds;
  List<Feature> features;
  // options
  boolean nbpFallback;
  boolean demographics;
  boolean balance;
  long seed;
  boolean skipBadRows;
  // patients
  int admissions;
  int subjects;
  int subjectsDied;
  String raceColumn;
  int patientsRows = -1;
  int withAnyValue;
  final Map<Feature, Integer> withFeature = new EnumMap<>(Feature.class);
  final Map<Feature, Integer> viaFallback = new EnumMap<>(Feature.class);
  int withAllFeatures;
  int withDemographics = -1;
  int cohort;
  int cohortDeaths;
  final Map<RaceGroup, int[]> byRace = new EnumMap<>(RaceGroup.class); // {patients, deaths}
  int balanced = -1;
  int balancedDeaths = -1;
  final Map<RaceGroup, int[]> byRaceBalanced = new EnumMap<>(RaceGroup.class);

  /** Patients in the written cohort (after balancing, when asked). */
  public int cohortSize() {
    return balanced >= 0 ? balanced : cohort;
  }

  /** Uncompressed chartevents megabytes (10^6 bytes) per second of the one pass. */
  public double megabytesPerSecond() {
    return seconds > 0 ? rows.bytes / 1e6 / seconds : 0;
  }

  public long uncompressedBytes() {
    return rows.bytes;
  }

  public long compressedBytes() {
    return compressedBytes;
  }

  public double seconds() {
    return seconds;
  }

  public long rowCount() {
    return rows.rows;
  }

  public long badRows() {
    return rows.badTotal();
  }

  public boolean truncated() {
    return rows.truncated;
  }

  /** The funnel as one JSON object (stable key order). */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> src = new LinkedHashMap<>();
    src.put("root", root);
    src.put("chartevents", chartevents);
    src.put("schema", schema);
    src.put("gzip", gzip);
    src.put("file_bytes", compressedBytes);
    src.put("uncompressed_bytes", rows.bytes);
    src.put("lines", rows.lines);
    src.put("seconds", round(seconds, 3));
    src.put("mb_per_s", round(megabytesPerSecond(), 1));
    m.put("source", src);
    Map<String, Object> opt = new LinkedHashMap<>();
    Map<String, Object> ids = new LinkedHashMap<>();
    itemIds.forEach((f, v) -> ids.put(f.column(), v));
    opt.put("itemids", ids);
    opt.put("nbp_fallback", nbpFallback);
    opt.put("demographics", demographics);
    opt.put("balance", balance);
    if (balance) opt.put("seed", seed);
    opt.put("on_bad_row", skipBadRows ? "skip" : "fail");
    m.put("options", opt);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("read", rows.rows);
    r.put("with_selected_itemid", rows.selected);
    r.put("valuenum_empty", rows.nullValue);
    r.put("subject_not_in_admissions", rows.unknownSubject);
    r.put("out_of_range", perFeature(rows.outOfRange));
    r.put("used", perFeature(rows.used));
    r.put("bad_rows_skipped", new LinkedHashMap<>(rows.bad));
    r.put("bad_row_examples", new ArrayList<>(rows.badExamples));
    r.put("truncated", rows.truncated);
    if (rows.truncated) r.put("truncation", rows.truncation);
    m.put("chartevents_rows", r);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("admissions", admissions);
    p.put("race_column", raceColumn);
    p.put("subjects", subjects);
    p.put("subjects_died", subjectsDied);
    if (patientsRows >= 0) p.put("patients_rows", patientsRows);
    p.put("with_any_chart_value", withAnyValue);
    Map<String, Object> wf = new LinkedHashMap<>();
    for (Feature f : features) wf.put(f.column(), withFeature.getOrDefault(f, 0));
    p.put("with_feature", wf);
    if (nbpFallback) {
      Map<String, Object> fb = new LinkedHashMap<>();
      viaFallback.forEach((f, v) -> fb.put(f.column(), v));
      p.put("via_nbp_fallback", fb);
    }
    p.put("with_all_features", withAllFeatures);
    if (withDemographics >= 0) p.put("with_age_and_gender", withDemographics);
    p.put("cohort", cohort);
    p.put("cohort_deaths", cohortDeaths);
    p.put("by_race", races(byRace));
    if (balanced >= 0) {
      p.put("balanced", balanced);
      p.put("balanced_deaths", balancedDeaths);
      p.put("balanced_by_race", races(byRaceBalanced));
    }
    m.put("patients", p);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The funnel for people, as printed by {@code fedsim etl mimic-iv}. */
  public String toText() {
    StringBuilder t = new StringBuilder();
    line(t, "MIMIC-IV ICU-mortality cohort funnel");
    line(t, "chartevents: %s  [%s%s]", chartevents, schema, gzip ? ", gzip" : "");
    line(t, "  %.1f MB uncompressed%s in %.2f s: %.1f MB/s", rows.bytes / 1e6,
        gzip ? String.format(Locale.ROOT, " (%.1f MB gzip)", compressedBytes / 1e6) : "", seconds,
        megabytesPerSecond());
    line(t, "chartevents rows");
    row(t, "read", rows.rows, "");
    row(t, "with a selected itemid", rows.selected, "");
    row(t, "  valuenum empty", rows.nullValue, "");
    row(t, "  subject not in admissions", rows.unknownSubject, "");
    row(t, "  out of valid range", sum(rows.outOfRange), nonZero(rows.outOfRange));
    row(t, "  used", rows.usedTotal(), nonZero(rows.used));
    row(t, "bad rows skipped", rows.badTotal(), rows.bad.isEmpty() ? "" : rows.bad.toString());
    if (rows.truncated) line(t, "  WARNING: %s; the cohort uses the rows before it", rows.truncation);
    line(t, "patients");
    row(t, "in admissions (" + admissions + " admissions)", subjects, "died in any admission: " + subjectsDied);
    if (patientsRows >= 0) row(t, "patients table rows", patientsRows, "");
    row(t, "with any chart value", withAnyValue, "");
    for (Feature f : features) {
      Integer fb = viaFallback.get(f);
      row(t, "  with " + f.column(), withFeature.getOrDefault(f, 0),
          fb != null && fb > 0 ? fb + " of them from the non-invasive fallback" : "");
    }
    row(t, "with all " + features.size() + " features", withAllFeatures, "");
    if (withDemographics >= 0) row(t, "  and with age and gender", withDemographics, "");
    row(t, "cohort", cohort, deaths(cohortDeaths, cohort));
    for (Map.Entry<RaceGroup, int[]> e : byRace.entrySet()) {
      row(t, "  " + e.getKey().siteName(), e.getValue()[0], deaths(e.getValue()[1], e.getValue()[0]));
    }
    if (balanced >= 0) {
      row(t, "balanced (seed " + seed + ")", balanced, deaths(balancedDeaths, balanced));
      for (Map.Entry<RaceGroup, int[]> e : byRaceBalanced.entrySet()) {
        row(t, "  " + e.getKey().siteName(), e.getValue()[0], deaths(e.getValue()[1], e.getValue()[0]));
      }
    }
    return t.toString();
  }

  private Map<String, Object> perFeature(long[] counts) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Feature f : Feature.values()) if (itemIds.containsKey(f)) out.put(f.column(), counts[f.ordinal()]);
    return out;
  }

  private static Map<String, Object> races(Map<RaceGroup, int[]> byRace) {
    Map<String, Object> out = new LinkedHashMap<>();
    byRace.forEach((g, v) -> {
      Map<String, Object> pd = new LinkedHashMap<>();
      pd.put("patients", v[0]);
      pd.put("deaths", v[1]);
      out.put(g.siteName(), pd);
    });
    return out;
  }

  private String nonZero(long[] counts) {
    StringBuilder s = new StringBuilder();
    for (Feature f : Feature.values()) {
      if (counts[f.ordinal()] > 0) s.append(s.length() == 0 ? "" : ", ").append(f.column()).append(' ')
          .append(String.format(Locale.ROOT, "%,d", counts[f.ordinal()]));
    }
    return s.toString();
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long v : a) s += v;
    return s;
  }

  private static String deaths(int deaths, int of) {
    return of == 0 ? "deaths 0" : String.format(Locale.ROOT, "deaths %,d (%.1f%%)", deaths, 100.0 * deaths / of);
  }

  private static void row(StringBuilder t, String what, long n, String note) {
    line(t, "  %-34s %,12d%s", what, n, note.isEmpty() ? "" : "   " + note);
  }

  private static void line(StringBuilder t, String fmt, Object... args) {
    t.append(String.format(Locale.ROOT, fmt, args)).append('\n');
  }

  private static double round(double v, int decimals) {
    double p = Math.pow(10, decimals);
    return Math.round(v * p) / p;
  }
}
