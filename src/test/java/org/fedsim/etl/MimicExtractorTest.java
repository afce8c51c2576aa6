package org.fedsim.etl;

import static org.fedsim.etl.MimicRoot.admission;
import static org.fedsim.etl.MimicRoot.chart;
import static org.fedsim.etl.MimicRoot.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fedsim.data.DataException;
import org.fedsim.data.RaceGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extractor on small hand-written roots: bad files, versions, fallback, demographics, balancing. */
class MimicExtractorTest {
  @TempDir Path tmp;

  static final String ADMISSIONS = lines(MimicRoot.ADMISSIONS_HEADER,
      admission(1, 21, "2150-01-01 10:00:00", "WHITE", 0),
      admission(2, 22, "2150-01-01 10:00:00", "BLACK/AFRICAN AMERICAN", 1),
      admission(2, 23, "2151-01-01 10:00:00", "BLACK/AFRICAN AMERICAN", 0),
      admission(3, 24, "2150-01-01 10:00:00", "UNKNOWN", 0));

  /** Every feature of subject s with value v (temperature in °C). */
  static List<String> complete(int s, int v) {
    return List.of(chart(s, 220050, "" + (100 + v)), chart(s, 220051, "" + (50 + v)), chart(s, 225664, "" + (120 + v)),
        chart(s, 220045, "" + (80 + v)), chart(s, 220210, "" + (15 + v)), chart(s, 223762, "37"));
  }

  static String chartFile(List<String> rows) {
    List<String> all = new ArrayList<>();
    all.add(MimicRoot.CHART_V22);
    all.addAll(rows);
    return lines(all.toArray(new String[0]));
  }

  static List<String> threeComplete() {
    List<String> rows = new ArrayList<>();
    for (int s = 1; s <= 3; s++) rows.addAll(complete(s, s));
    return rows;
  }

  MimicExtractor.Settings settings(Path root, boolean skip) {
    return new MimicExtractor.Settings(root, tmp.resolve("out/cohort.csv"), null, Map.of(), false, false, false, 42,
        skip);
  }

  @Test
  void aTruncatedGzipFailsWithTheFileAndLineOrIsCutAndCountedWhenSkipping() throws IOException {
    List<String> rows = new ArrayList<>();
    java.util.Random rng = new java.util.Random(5); // irregular values: the cut falls inside a line
    for (int i = 0; i < 3000; i++) rows.addAll(complete(1 + rng.nextInt(3), rng.nextInt(40)));
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(rows), true);
    Path gz = root.resolve("icu/chartevents.csv.gz");
    byte[] whole = Files.readAllBytes(gz);
    int cut = whole.length / 2;
    while (inflatedEndsAtNewline(Arrays.copyOf(whole, cut))) cut++; // cut inside a line, the usual case
    Files.write(gz, Arrays.copyOf(whole, cut));

    DataException e = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, false)));
    assertTrue(e.getMessage().matches(".*chartevents\\.csv\\.gz:\\d+: truncated or corrupt gzip \\(Unexpected end "
        + "of ZLIB input stream\\): the data ends inside line \\d+"), e.getMessage());
    long line = Long.parseLong(e.getMessage().replaceFirst(".*csv\\.gz:(\\d+):.*", "$1"));
    assertTrue(line > 100 && line < 18_000, e.getMessage());
    assertFalse(Files.exists(tmp.resolve("out/cohort.csv")), "no half-written cohort");

    Funnel f = MimicExtractor.run(settings(root, true));
    assertTrue(f.truncated());
    assertEquals(line - 2, f.rows.rows, "every complete line before the cut (header excluded) is read");
    assertEquals(Map.of("cut off by the truncated gzip", 1L), f.rows.bad);
    assertEquals(3, f.cohort);
    assertTrue(f.toText().contains("WARNING: truncated or corrupt gzip"), f.toText());
    assertTrue(Files.readString(tmp.resolve("out/cohort.funnel.json")).contains("\"truncated\" : true"));
  }

  /** Whether what a truncated gzip still inflates to ends with a newline. */
  static boolean inflatedEndsAtNewline(byte[] truncated) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(truncated))) {
      in.transferTo(out);
    } catch (java.io.EOFException expected) {
      // the point of the exercise
    }
    byte[] b = out.toByteArray();
    return b.length > 0 && b[b.length - 1] == '\n';
  }

  @Test
  void aFileNamedGzThatIsNotGzipIsRejected() throws IOException {
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(threeComplete()), false);
    Files.move(root.resolve("icu/chartevents.csv"), root.resolve("icu/chartevents.csv.gz"));
    DataException e = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, true)));
    assertTrue(e.getMessage().endsWith("chartevents.csv.gz:1: not a complete gzip file (Not in GZIP format)"),
        e.getMessage());
  }

  @Test
  void aWrongHeaderFailsEvenWhenSkippingAndNamesTheFile() throws IOException {
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, ADMISSIONS, true);
    DataException e = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, true)));
    assertTrue(e.getMessage().startsWith(root.resolve("icu/chartevents.csv.gz") + ":1: not a chartevents header"),
        e.getMessage());
  }

  @Test
  void aNonNumericValuenumFailsWithFileAndLineOrIsSkippedAndCounted() throws IOException {
    List<String> rows = new ArrayList<>(threeComplete());
    rows.add(4, chart(1, 220045, "n/a"));
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(rows), true);
    DataException e = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, false)));
    assertEquals(root.resolve("icu/chartevents.csv.gz") + ":6: valuenum: expected a number or empty, got 'n/a' "
        + "(itemid 220045) (use --on-bad-row skip to skip such rows)", e.getMessage());
    Funnel f = MimicExtractor.run(settings(root, true));
    assertEquals(Map.of("valuenum not a number", 1L), f.rows.bad);
    assertEquals(List.of("line 6: valuenum not a number"), f.rows.badExamples);
    assertEquals(3, f.cohort);
    assertTrue(Files.readString(tmp.resolve("out/cohort.funnel.json")).contains("\"valuenum not a number\" : 1"));
  }

  @Test
  void missingOrAmbiguousTablesAndUnknownItemidsAreNamed() throws IOException {
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(threeComplete()), false);
    Files.write(root.resolve("icu/chartevents.csv.gz"), MimicRoot.gzip(new byte[] {1}));
    DataException both = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, false)));
    assertTrue(both.getMessage().startsWith("both " + root.resolve("icu/chartevents.csv") + " and "), both.getMessage());
    Files.delete(root.resolve("icu/chartevents.csv.gz"));
    Files.delete(root.resolve("hosp/admissions.csv"));
    DataException none = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, false)));
    assertEquals(root + ": no admissions table: looked for hosp/admissions.csv[.gz], core/admissions.csv[.gz]",
        none.getMessage());
    Files.writeString(root.resolve("hosp/admissions.csv"), ADMISSIONS);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> MimicExtractor.run(
        new MimicExtractor.Settings(root, null, null, Map.of(Feature.HEART_RATE, new int[] {999999}), false, false,
            false, 1, false)));
    assertEquals("itemid 999999 (heart_rate) is not in " + root.resolve("icu/d_items.csv.gz"), unknown.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> MimicExtractor.run(
        new MimicExtractor.Settings(root, null, null, Map.of(Feature.HEART_RATE, new int[] {220050}), false, false,
            false, 1, false)));
    assertTrue(twice.getMessage().startsWith("itemid 220050 is given for both"), twice.getMessage());
    IllegalArgumentException nbp = assertThrows(IllegalArgumentException.class, () -> MimicExtractor.run(
        new MimicExtractor.Settings(root, null, null, Map.of(Feature.NBP_SYSTOLIC, new int[] {220179}), false, false,
            false, 1, false)));
    assertEquals("--itemids nbp_systolic applies only with --nbp-fallback", nbp.getMessage());
  }

  @Test
  void aBadAdmissionsRowNamesItsLine() throws IOException {
    String admissions = ADMISSIONS + admission(4, 25, "2150-01-01 10:00:00", "WHITE", 2) + "\n";
    Path root = MimicRoot.write(tmp.resolve("root"), admissions, chartFile(threeComplete()), false);
    DataException e = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, false)));
    assertEquals(root.resolve("hosp/admissions.csv") + ":6: hospital_expire_flag: expected 0 or 1, got '2'",
        e.getMessage());
  }

  @Test
  void version1LayoutCoreFolderEthnicityColumnAndTenColumnChartevents() throws IOException {
    Path root = tmp.resolve("v1");
    Files.createDirectories(root.resolve("core"));
    Files.createDirectories(root.resolve("icu"));
    Files.writeString(root.resolve("core/admissions.csv"), ADMISSIONS.replace(",race,", ",ethnicity,")
        .replace(",admit_provider_id", "").replace(",P1,", ","));
    Files.copy(MimicRoot.DEMO.resolve("icu/d_items.csv.gz"), root.resolve("icu/d_items.csv.gz"));
    List<String> rows = new ArrayList<>();
    rows.add(MimicRoot.CHART_V21);
    for (String r : threeComplete()) rows.add(r.replaceFirst("^(\\d+,\\d+,\\d+),111,", "$1,")); // drop caregiver_id
    Files.writeString(root.resolve("icu/chartevents.csv"), lines(rows.toArray(new String[0])));
    Funnel f = MimicExtractor.run(settings(root, false));
    assertEquals("v1.0-v2.1 (10 columns)", f.schema);
    assertEquals("ethnicity", f.raceColumn);
    assertEquals(3, f.cohort);
    assertEquals(1, f.cohortDeaths);
    assertEquals(1, f.byRace.get(RaceGroup.BLACK)[0]);
    assertEquals(List.of("subject_id,abp_diastolic,abp_systolic,glucose,heart_rate,resp_rate,temperature,label,site",
            "1,51,101,121,81,16,37,0,WHITE", "2,52,102,122,82,17,37,1,BLACK", "3,53,103,123,83,18,37,0,UNKNOWN"),
        Files.readAllLines(tmp.resolve("out/cohort.csv")));
  }

  @Test
  void theNonInvasiveFallbackFillsMissingInvasivePressureOnlyWhenAsked() throws IOException {
    List<String> rows = new ArrayList<>(threeComplete());
    rows.removeIf(r -> r.startsWith("3,") && (r.contains(",220050,") || r.contains(",220051,")));
    rows.add(chart(3, 220179, "130"));
    rows.add(chart(3, 220180, "70"));
    rows.add(chart(1, 220179, "999")); // subject 1 has invasive values: its NBP is not used
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(rows), false);
    Funnel without = MimicExtractor.run(settings(root, false));
    assertEquals(2, without.cohort);
    assertEquals(2, without.withFeature.get(Feature.ABP_SYSTOLIC));
    Funnel with = MimicExtractor.run(new MimicExtractor.Settings(root, tmp.resolve("out/cohort.csv"), null, Map.of(),
        true, false, false, 42, false));
    assertEquals(3, with.cohort);
    assertEquals(1, with.viaFallback.get(Feature.ABP_SYSTOLIC));
    assertEquals(3, with.withFeature.get(Feature.ABP_DIASTOLIC));
    List<String> out = Files.readAllLines(tmp.resolve("out/cohort.csv"));
    assertEquals("1,51,101,121,81,16,37,0,WHITE", out.get(1));
    assertEquals("3,70,130,123,83,18,37,0,UNKNOWN", out.get(3));
  }

  @Test
  void demographicsAddAgeAndGenderAndDropPatientsWithoutThem() throws IOException {
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(threeComplete()), false);
    Files.writeString(root.resolve("hosp/patients.csv"), lines("subject_id,gender,anchor_age,anchor_year,"
        + "anchor_year_group,dod", "1,F,91,2150,2011 - 2013,", "2,M,40,2150,2011 - 2013,2151-02-01"),
        StandardCharsets.UTF_8);
    Funnel f = MimicExtractor.run(new MimicExtractor.Settings(root, tmp.resolve("out/cohort.csv"), null, Map.of(),
        false, true, false, 42, false));
    assertEquals(3, f.withAllFeatures);
    assertEquals(2, f.withDemographics);
    assertEquals(2, f.cohort);
    assertEquals(List.of("subject_id,abp_diastolic,abp_systolic,glucose,heart_rate,resp_rate,temperature,age,gender,"
        + "label,site", "1,51,101,121,81,16,37,91,0,0,WHITE", "2,52,102,122,82,17,37,40,1,1,BLACK"),
        Files.readAllLines(tmp.resolve("out/cohort.csv")));
  }

  @Test
  void balancingKeepsEveryDeathAndAsManySurvivorsChosenBySeed() {
    int n = 200;
    boolean[] died = new boolean[n];
    List<Integer> cohort = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      died[i] = i % 10 == 0;
      cohort.add(i);
    }
    List<Integer> a = MimicExtractor.balance(cohort, died, 42);
    assertEquals(40, a.size());
    assertEquals(20, a.stream().filter(i -> died[i]).count());
    assertEquals(a, MimicExtractor.balance(cohort, died, 42));
    assertFalse(a.equals(MimicExtractor.balance(cohort, died, 43)));
    for (int i = 1; i < a.size(); i++) assertTrue(a.get(i) > a.get(i - 1), "kept in cohort order");
    boolean[] none = new boolean[n];
    DataException e = assertThrows(DataException.class, () -> MimicExtractor.balance(cohort, none, 1));
    assertEquals("cannot balance the cohort: 0 patients died and 200 survived; run without --balance",
        e.getMessage());
  }

  @Test
  void theRacePerSubjectIsTheMostFrequentKnownGroupAndATieGoesToTheLatestAdmission() {
    RaceMapping.PerSubject tie = new RaceMapping.PerSubject();
    tie.add(RaceGroup.ASIAN, "2150-01-01 00:00:00");
    tie.add(RaceGroup.WHITE, "2152-01-01 00:00:00");
    tie.add(RaceGroup.UNKNOWN, "2153-01-01 00:00:00");
    tie.add(RaceGroup.UNKNOWN, "2154-01-01 00:00:00");
    assertEquals(RaceGroup.WHITE, tie.group());
    tie.add(RaceGroup.ASIAN, "2140-01-01 00:00:00");
    assertEquals(RaceGroup.ASIAN, tie.group());
    RaceMapping.PerSubject unknown = new RaceMapping.PerSubject();
    unknown.add(RaceGroup.UNKNOWN, "2150-01-01 00:00:00");
    assertEquals(RaceGroup.UNKNOWN, unknown.group());
    // MIMIC-III strings and unseen ones
    assertEquals(RaceGroup.UNKNOWN, RaceMapping.group("UNKNOWN/NOT SPECIFIED"));
    assertEquals(RaceGroup.BLACK, RaceMapping.group("BLACK/HAITIAN"));
    assertEquals(RaceGroup.ASIAN, RaceMapping.group("ASIAN - VIETNAMESE"));
    assertEquals(RaceGroup.OTHER, RaceMapping.group("MIDDLE EASTERN"));
    assertEquals(RaceGroup.HISPANIC_LATINO, RaceMapping.group("SOUTH AMERICAN"));
    assertEquals(RaceGroup.NATIVE, RaceMapping.group("AMERICAN INDIAN/ALASKA NATIVE"));
    assertEquals(RaceGroup.NATIVE, RaceMapping.group("NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER"));
    assertEquals(RaceGroup.OTHER, RaceMapping.group("MULTIPLE RACE/ETHNICITY"));
    assertEquals(RaceGroup.UNKNOWN, RaceMapping.group(""));
  }

  @Test
  void aCohortWhoseDirectoryIsAFileSaysSoInsteadOfABarePath() throws IOException {
    Path root = MimicRoot.write(tmp.resolve("root"), ADMISSIONS, chartFile(threeComplete()), false);
    Path file = Files.writeString(tmp.resolve("out"), "x"); // settings() write out/cohort.csv
    DataException e = assertThrows(DataException.class, () -> MimicExtractor.run(settings(root, false)));
    assertEquals("cannot write " + file.resolve("cohort.csv") + ": " + file.toAbsolutePath()
        + " exists and is not a directory", e.getMessage());
  }
}
