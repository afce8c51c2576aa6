package org.fedsim.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.fedsim.data.CsvDatasetLoader;
import org.fedsim.data.CsvDatasetSettings;
import org.fedsim.data.Dataset;
import org.fedsim.data.MissingValues;
import org.fedsim.data.RaceGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo path end to end: chartevents generated for the real MIMIC-IV demo's stays (gzip), extracted, and checked
 * against an independent recount of the same files with commons-csv and the rules of docs/mimic-iv.md written out
 * here again (itemids, exclusive ranges, °F to °C).
 */
class DemoEndToEndTest {
  static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
  static final List<String> FEATURES =
      List.of("abp_diastolic", "abp_systolic", "glucose", "heart_rate", "resp_rate", "temperature");

  @TempDir static Path tmp;
  static Path root;
  static Path out;
  static Funnel funnel;
  static Oracle oracle;

  /** The recount: per subject and feature, sum and count of valid values; row tallies. */
  static final class Oracle {
    final Map<Integer, double[]> sum = new TreeMap<>();
    final Map<Integer, int[]> count = new TreeMap<>();
    final Map<String, Long> outOfRange = new HashMap<>();
    final Map<String, Long> used = new HashMap<>();
    long rows;
    long selected;
    long empty;
  }

  /** itemid -> {feature index, lo, hi, fahrenheit}: docs/mimic-iv.md section 2. */
  static Map<Integer, double[]> rules() {
    Map<Integer, double[]> r = new HashMap<>();
    r.put(220051, new double[] {0, 0, 300, 0});
    r.put(220050, new double[] {1, 0, 400, 0});
    for (int g : new int[] {220621, 225664, 226537}) r.put(g, new double[] {2, 0, Double.POSITIVE_INFINITY, 0});
    r.put(220045, new double[] {3, 0, 300, 0});
    r.put(220210, new double[] {4, 0, 70, 0});
    r.put(224690, new double[] {4, 0, 70, 0});
    r.put(223761, new double[] {5, 70, 120, 1});
    r.put(223762, new double[] {5, 10, 50, 0});
    return r;
  }

  static CSVParser parse(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.toString().endsWith(".gz")) in = new GZIPInputStream(in);
    Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
    return CSV.parse(r);
  }

  @BeforeAll
  static void extract() throws IOException {
    root = tmp.resolve("root");
    ChartGenerator.Result g = ChartGenerator.run(new ChartGenerator.Settings(MimicRoot.DEMO, root, 0, true, 1));
    assertEquals(1, g.replicas());
    assertEquals(140, g.stays());
    out = tmp.resolve("out/cohort.csv");
    funnel = MimicExtractor.run(new MimicExtractor.Settings(root, out, null, Map.of(), false, true, false, 42, false));

    oracle = new Oracle();
    Map<Integer, double[]> rules = rules();
    try (CSVParser p = parse(root.resolve("icu/chartevents.csv.gz"))) {
      assertEquals(List.of("subject_id", "hadm_id", "stay_id", "caregiver_id", "charttime", "storetime", "itemid",
          "value", "valuenum", "valueuom", "warning"), p.getHeaderNames());
      for (CSVRecord r : p) {
        oracle.rows++;
        double[] rule = rules.get(Integer.parseInt(r.get("itemid")));
        if (rule == null) continue;
        oracle.selected++;
        if (r.get("valuenum").isEmpty()) {
          oracle.empty++;
          continue;
        }
        String feature = FEATURES.get((int) rule[0]);
        double v = Double.parseDouble(r.get("valuenum"));
        if (!(v > rule[1] && v < rule[2])) {
          oracle.outOfRange.merge(feature, 1L, Long::sum);
          continue;
        }
        if (rule[3] == 1) v = (v - 32) / 1.8;
        int subject = Integer.parseInt(r.get("subject_id"));
        oracle.sum.computeIfAbsent(subject, k -> new double[6])[(int) rule[0]] += v;
        oracle.count.computeIfAbsent(subject, k -> new int[6])[(int) rule[0]]++;
        oracle.used.merge(feature, 1L, Long::sum);
      }
    }
  }

  @Test
  void chartRowCountsMatchTheRecount() {
    assertEquals("v2.2+ (11 columns)", funnel.schema);
    assertTrue(funnel.gzip);
    assertEquals(oracle.rows, funnel.rows.rows);
    assertEquals(oracle.rows + 1, funnel.rows.lines);
    assertEquals(oracle.selected, funnel.rows.selected);
    assertEquals(oracle.empty, funnel.rows.nullValue);
    assertEquals(0, funnel.rows.unknownSubject);
    assertEquals(0, funnel.rows.badTotal());
    for (Feature f : funnel.features) {
      assertEquals(oracle.used.getOrDefault(f.column(), 0L), funnel.rows.used[f.ordinal()], f.column());
      assertEquals(oracle.outOfRange.getOrDefault(f.column(), 0L), funnel.rows.outOfRange[f.ordinal()], f.column());
    }
    assertTrue(funnel.rows.outOfRange[Feature.HEART_RATE.ordinal()] > 0, "the generator writes HR artifacts");
    assertTrue(funnel.rows.rows > 100_000, "several rows per patient per hour");
  }

  @Test
  void patientCountsAtEachStepMatchTheRecount() {
    assertEquals(100, funnel.subjects);
    assertEquals(275, funnel.admissions);
    assertEquals(15, funnel.subjectsDied); // docs: 15 of the demo's 100 patients died in hospital
    assertEquals(oracle.count.size(), funnel.withAnyValue);
    assertEquals(100, funnel.withAnyValue); // every demo patient has an ICU stay
    TreeSet<Integer> complete = new TreeSet<>();
    for (int f = 0; f < 6; f++) {
      int with = 0;
      for (int[] c : oracle.count.values()) if (c[f] > 0) with++;
      assertEquals(with, funnel.withFeature.get(Feature.byColumn(FEATURES.get(f))), FEATURES.get(f));
    }
    oracle.count.forEach((s, c) -> {
      boolean all = true;
      for (int v : c) all &= v > 0;
      if (all) complete.add(s);
    });
    assertEquals(complete.size(), funnel.withAllFeatures);
    assertTrue(complete.size() < 100 && complete.size() > 40, "arterial lines and glucose are not universal");
    assertEquals(complete.size(), funnel.withDemographics); // every demo patient has age and gender
    assertEquals(complete.size(), funnel.cohort);
  }

  @Test
  void theCohortFileHasTheRecountedMeansTheDeathLabelsAndTheRaceGroups() throws IOException {
    Map<Integer, Boolean> died = new HashMap<>();
    Map<Integer, List<String>> races = new HashMap<>();
    try (CSVParser p = parse(MimicRoot.DEMO.resolve("hosp/admissions.csv.gz"))) {
      for (CSVRecord r : p) {
        int s = Integer.parseInt(r.get("subject_id"));
        died.merge(s, r.get("hospital_expire_flag").equals("1"), Boolean::logicalOr);
        races.computeIfAbsent(s, k -> new ArrayList<>()).add(r.get("race"));
      }
    }
    Map<Integer, String[]> ages = new HashMap<>();
    try (CSVParser p = parse(MimicRoot.DEMO.resolve("hosp/patients.csv.gz"))) {
      for (CSVRecord r : p) ages.put(Integer.parseInt(r.get("subject_id")), new String[] {r.get("anchor_age"),
          r.get("gender")});
    }
    int rows = 0, deaths = 0, previous = 0;
    Map<RaceGroup, Integer> bySite = new EnumMap<>(RaceGroup.class);
    try (CSVParser p = parse(out)) {
      List<String> header = new ArrayList<>(List.of("subject_id"));
      header.addAll(FEATURES);
      header.addAll(List.of("age", "gender", "label", "site"));
      assertEquals(header, p.getHeaderNames());
      for (CSVRecord r : p) {
        int s = Integer.parseInt(r.get("subject_id"));
        assertTrue(s > previous, "sorted by subject_id");
        previous = s;
        double[] sum = oracle.sum.get(s);
        int[] count = oracle.count.get(s);
        for (int f = 0; f < 6; f++) {
          assertEquals(sum[f] / count[f], Double.parseDouble(r.get(FEATURES.get(f))), 1e-4, s + " " + FEATURES.get(f));
        }
        assertEquals(Integer.parseInt(ages.get(s)[0]), Integer.parseInt(r.get("age")));
        assertEquals(ages.get(s)[1].equals("M") ? "1" : "0", r.get("gender"));
        assertEquals(died.get(s) ? "1" : "0", r.get("label"), "label of " + s);
        RaceGroup site = RaceGroup.valueOf(r.get("site").replace("/", "_"));
        bySite.merge(site, 1, Integer::sum);
        if (races.get(s).stream().distinct().count() == 1) {
          assertEquals(RaceMapping.group(races.get(s).get(0)), site, "site of " + s);
        }
        rows++;
        if (died.get(s)) deaths++;
      }
    }
    assertEquals(funnel.cohort, rows);
    assertEquals(funnel.cohortDeaths, deaths);
    assertTrue(deaths > 0 && deaths < rows);
    for (RaceGroup g : RaceGroup.values()) {
      assertEquals(bySite.getOrDefault(g, 0), funnel.byRace.get(g)[0], g.name());
    }
  }

  @Test
  void theDemosRealRaceStringsMapToTheDocumentedGroups() {
    Map<String, RaceGroup> expected = Map.ofEntries(
        Map.entry("WHITE", RaceGroup.WHITE), Map.entry("WHITE - BRAZILIAN", RaceGroup.WHITE),
        Map.entry("WHITE - OTHER EUROPEAN", RaceGroup.WHITE),
        Map.entry("BLACK/AFRICAN AMERICAN", RaceGroup.BLACK), Map.entry("BLACK/CAPE VERDEAN", RaceGroup.BLACK),
        Map.entry("HISPANIC OR LATINO", RaceGroup.HISPANIC_LATINO),
        Map.entry("HISPANIC/LATINO - CUBAN", RaceGroup.HISPANIC_LATINO),
        Map.entry("HISPANIC/LATINO - SALVADORAN", RaceGroup.HISPANIC_LATINO),
        Map.entry("HISPANIC/LATINO - PUERTO RICAN", RaceGroup.HISPANIC_LATINO),
        Map.entry("PORTUGUESE", RaceGroup.OTHER), Map.entry("OTHER", RaceGroup.OTHER),
        Map.entry("UNKNOWN", RaceGroup.UNKNOWN), Map.entry("UNABLE TO OBTAIN", RaceGroup.UNKNOWN),
        Map.entry("PATIENT DECLINED TO ANSWER", RaceGroup.UNKNOWN));
    TreeSet<String> seen = new TreeSet<>();
    MimicTables.read(MimicRoot.DEMO.resolve("hosp/admissions.csv.gz"), (t, r, line) -> seen.add(t.get(r, "race")),
        "race");
    assertEquals(new TreeSet<>(expected.keySet()), seen, "the demo's 14 distinct race strings");
    expected.forEach((race, group) -> assertEquals(group, RaceMapping.group(race), race));

    // per subject (docs section 3, computed there with the same rule): 66 / 10 / 5 / 0 / 0 / 4 / 15
    MimicTables.Admissions adm = MimicTables.admissions(MimicRoot.DEMO.resolve("hosp/admissions.csv.gz"));
    Map<RaceGroup, Integer> n = new EnumMap<>(RaceGroup.class);
    for (RaceGroup g : adm.race) n.merge(g, 1, Integer::sum);
    assertEquals(Map.of(RaceGroup.WHITE, 66, RaceGroup.BLACK, 10, RaceGroup.HISPANIC_LATINO, 5, RaceGroup.OTHER, 4,
        RaceGroup.UNKNOWN, 15), n);
    // subjects with several strings: UNKNOWN then WHITE -> WHITE; 5 WHITE and 1 OTHER -> WHITE
    assertEquals(RaceGroup.WHITE, adm.race[adm.subjects.get(10038992)]);
    assertEquals(RaceGroup.WHITE, adm.race[adm.subjects.get(10035631)]);
    assertEquals(RaceGroup.WHITE, adm.race[adm.subjects.get(10004457)]);
    assertEquals(RaceGroup.HISPANIC_LATINO, adm.race[adm.subjects.get(10037928)]);
    assertEquals("race", adm.raceColumn);
  }

  @Test
  void theCohortLoadsAsACsvDatasetWithOneSitePerRaceGroupAndTheFunnelIsWrittenBesideIt() throws IOException {
    List<String> features = new ArrayList<>(FEATURES);
    features.addAll(List.of("age", "gender"));
    Dataset ds = CsvDatasetLoader.load(new CsvDatasetSettings(out, features, "label", "site", MissingValues.FAIL));
    assertEquals(funnel.cohort, ds.totalRows());
    int nonEmpty = 0;
    for (int[] v : funnel.byRace.values()) if (v[0] > 0) nonEmpty++;
    assertEquals(nonEmpty, ds.sites().size());
    String json = Files.readString(tmp.resolve("out/cohort.funnel.json"));
    assertTrue(json.contains("\"with_all_features\" : " + funnel.withAllFeatures), json);
    String txt = Files.readString(tmp.resolve("out/cohort.funnel.txt"));
    assertEquals(funnel.toText(), txt);
    assertFalse(Files.list(tmp.resolve("out")).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
  }
}
