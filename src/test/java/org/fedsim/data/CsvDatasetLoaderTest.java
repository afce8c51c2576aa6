package org.fedsim.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetLoaderTest {
  static final List<String> FEATURES = List.of("hr", "glucose");

  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  static Dataset load(Path file, MissingValues missing) {
    return CsvDatasetLoader.load(new CsvDatasetSettings(file, FEATURES, "died", "hospital", missing));
  }

  static DataException loadFails(Path file, MissingValues missing) {
    return assertThrows(DataException.class, () -> load(file, missing));
  }

  static void assertMentions(DataException e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "'" + p + "' not in: " + e.getMessage());
  }

  @Test
  void loadsSitesInOrderOfFirstAppearance() throws IOException {
    Path f = write("cohort.csv", """
        id,hospital,glucose,hr,died
        1,b, 120.5 ,80,0
        2,a,99,1e2,1.0
        3,b,130,70.25,1
        4,c,-3,+60,0.0
        """);
    Dataset ds = load(f, MissingValues.FAIL);
    assertEquals("cohort.csv", ds.name());
    assertEquals(FEATURES, ds.featureNames());
    assertEquals(List.of("b", "a", "c"), ds.sites().stream().map(SiteData::site).toList());
    SiteData b = ds.sites().get(0);
    assertArrayEquals(new float[] {80f, 120.5f}, b.features()[0]);
    assertArrayEquals(new float[] {70.25f, 130f}, b.features()[1]);
    assertArrayEquals(new int[] {0, 1}, b.labels());
    assertArrayEquals(new float[] {100f, 99f}, ds.sites().get(1).features()[0]);
    assertArrayEquals(new int[] {1}, ds.sites().get(1).labels());
    assertArrayEquals(new float[] {60f, -3f}, ds.sites().get(2).features()[0]);
    assertEquals(Map.of("a", 0, "b", 0, "c", 0), ds.droppedRows());
  }

  @Test
  void missingColumnNamesFileColumnAndHeader() throws IOException {
    Path f = write("nocol.csv", "id,hospital,hr,died\n1,a,80,0\n");
    DataException e = loadFails(f, MissingValues.FAIL);
    assertMentions(e, "nocol.csv", "'glucose'", "[id, hospital, hr, died]");
  }

  @Test
  void aSiteNamedAllIsRefusedAtItsFirstRowBecauseMetricsCsvNamesTheAggregateRowsAll() throws IOException {
    Path f = write("all.csv", "hospital,hr,glucose,died\na,80,100,0\nALL,81,101,1\nALL,82,102,0\n");
    DataException e = loadFails(f, MissingValues.FAIL);
    assertMentions(e, "all.csv:3:", "column 'hospital'", "'ALL' is reserved", "metrics.csv");
    assertEquals(org.fedsim.metrics.ResultsWriter.ALL, CsvDatasetLoader.RESERVED_SITE);
  }

  @Test
  void nonNumericFeatureNamesFileLineAndColumn() throws IOException {
    Path f = write("bad.csv", "hospital,hr,glucose,died\na,80,100,0\na,81,101,1\na,82,abc,0\n");
    DataException e = loadFails(f, MissingValues.DROP);
    assertMentions(e, "bad.csv:4:", "column 'glucose'", "expected a number, got 'abc'");
  }

  @Test
  void javaOnlyNumberSyntaxIsRejected() throws IOException {
    for (String v : List.of("1.5f", "0x10", "Infinity", "1e999", "1,5")) {
      Path f = write("num.csv", "hospital,hr,glucose,died\na,80,\"" + v + "\",0\n");
      assertMentions(loadFails(f, MissingValues.DROP), "num.csv:2:", "column 'glucose'", v);
    }
  }

  @Test
  void badLabelNamesFileLineAndColumn() throws IOException {
    Path f = write("label.csv", "hospital,hr,glucose,died\na,80,100,0\na,81,101,2\n");
    assertMentions(loadFails(f, MissingValues.DROP), "label.csv:3:", "column 'died'", "'2'");
    Path g = write("label2.csv", "hospital,hr,glucose,died\na,80,100,\n");
    assertMentions(loadFails(g, MissingValues.DROP), "label2.csv:2:", "column 'died'");
  }

  @Test
  void emptySiteNamesFileLineAndColumn() throws IOException {
    Path f = write("site.csv", "hospital,hr,glucose,died\na,80,100,0\n\"  \",81,101,1\n");
    assertMentions(loadFails(f, MissingValues.DROP), "site.csv:3:", "column 'hospital'", "empty");
  }

  @Test
  void shortRowNamesTheMissingColumn() throws IOException {
    Path f = write("short.csv", "hospital,hr,glucose,died\na,80,100,0\na,81\n");
    assertMentions(loadFails(f, MissingValues.DROP), "short.csv:3:", "column 'glucose'");
  }

  @Test
  void dropModeCountsDroppedRowsPerSite() throws IOException {
    Path f = write("drop.csv", """
        hospital,hr,glucose,died
        a,80,100,0
        a,,100,1
        b,NA,101,0
        b,70,NaN,1
        b,71,102,1
        c,nan,99,0
        a,82,,0
        """);
    Dataset ds = load(f, MissingValues.DROP);
    assertEquals(Map.of("a", 2, "b", 2, "c", 1), ds.droppedRows());
    assertEquals(List.of("a", "b"), ds.sites().stream().map(SiteData::site).toList(), "c has no rows left");
    assertEquals(2, ds.totalRows());
    assertArrayEquals(new int[] {1}, ds.sites().get(1).labels());
  }

  @Test
  void failModeNamesFileLineAndColumnOfTheMissingValue() throws IOException {
    Path f = write("fail.csv", "hospital,hr,glucose,died\na,80,100,0\na,81,100,1\nb,70,,1\n");
    DataException e = loadFails(f, MissingValues.FAIL);
    assertMentions(e, "fail.csv:4:", "column 'glucose'", "missing");
  }

  @Test
  void lineNumbersArePhysicalDespiteBlankLinesQuotedNewlinesAndCrlf() throws IOException {
    Path f = write("lines.csv",
        "hospital,hr,glucose,died,note\r\na,80,100,0,\"two\r\nlines\"\r\n\r\na,81,101,1,x\r\na,oops,1,0,y\r\n");
    // header 1, record on 2-3, blank 4, good record 5, bad record 6
    assertMentions(loadFails(f, MissingValues.FAIL), "lines.csv:6:", "column 'hr'", "'oops'");
    Path g = write("lastline.csv", "hospital,hr,glucose,died\na,80,100,0\na,x,1,0");
    assertMentions(loadFails(g, MissingValues.FAIL), "lastline.csv:3:", "column 'hr'");
  }

  @Test
  void missingFileNamesThePath() {
    Path f = dir.resolve("nowhere/absent.csv");
    DataException e = loadFails(f, MissingValues.DROP);
    assertMentions(e, f.toString());
  }

  @Test
  void readsGzipAndSkipsByteOrderMark() throws IOException {
    Path f = dir.resolve("cohort.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("\uFEFFhospital,hr,glucose,died\na,80,100,0\nb,90,140,1\n".getBytes(StandardCharsets.UTF_8));
    }
    Dataset ds = load(f, MissingValues.FAIL);
    assertEquals("cohort.csv.gz", ds.name());
    assertEquals(2, ds.totalRows());
    assertArrayEquals(new float[] {90f, 140f}, ds.sites().get(1).features()[0]);
  }

  @Test
  void unterminatedQuoteIsADataException() throws IOException {
    Path f = write("quote.csv", "hospital,hr,glucose,died\na,80,100,0\n\"a,81,101,1\n");
    assertMentions(loadFails(f, MissingValues.FAIL), "quote.csv:3:");
  }

  @Test
  void duplicateHeaderNameIsADataException() throws IOException {
    Path f = write("dup.csv", "hospital,hr,glucose,hr,died\na,80,100,81,0\n");
    assertMentions(loadFails(f, MissingValues.FAIL), "dup.csv", "hr");
  }

  /** The real PhysioNet 2012 set-a feature table, if the shared data folder is next to the project. */
  @Test
  void loadsPhysionet2012FeatureTable() {
    Path f = Path.of("../shared/data/physionet-2012/features-a.csv");
    assumeTrue(Files.isRegularFile(f), "PhysioNet 2012 features-a.csv not available");
    Dataset ds = CsvDatasetLoader.load(new CsvDatasetSettings(f,
        List.of("abp_diastolic", "abp_systolic", "glucose", "heart_rate", "temperature"), "label", "site",
        MissingValues.DROP));
    assertEquals(List.of("surgical_icu", "cardiac_surgery_recovery", "medical_icu", "coronary_care"),
        ds.sites().stream().map(SiteData::site).toList());
    int dropped = ds.droppedRows().values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(4000, ds.totalRows() + dropped);
    assertEquals(3828, ds.totalRows());
    assertEquals(Map.of("surgical_icu", 28, "cardiac_surgery_recovery", 57, "medical_icu", 76, "coronary_care", 11),
        ds.droppedRows());
    int deaths = ds.sites().stream().mapToInt(SiteData::positives).sum();
    assertEquals(542, deaths);
    for (float[] r : TestStats.rows(ds.sites(), -1)) {
      assertTrue(r[4] > 25 && r[4] < 45, "temperature in Celsius: " + r[4]);
    }
  }
}
