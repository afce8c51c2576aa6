package org.fedsim.etl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.fedsim.data.DataException;
import org.junit.jupiter.api.Test;

/** The byte-level chartevents scanner: quoting, line ends, read boundaries, ranges, units, header versions. */
class ChartScannerTest {
  static final int C = Feature.values().length;
  static final int HR = Feature.HEART_RATE.ordinal(), TEMP = Feature.TEMPERATURE.ordinal();

  /** A scan of {@code text} with subjects 1, 2 and 3 in admissions. */
  static final class Scan {
    final SubjectIndex subjects = new SubjectIndex(3);
    final double[] sum = new double[3 * C];
    final int[] count = new int[3 * C];
    final ChartScanner scanner;

    Scan(String text, boolean skip, boolean trickle) {
      for (int s = 1; s <= 3; s++) subjects.add(s);
      List<Feature> features = new ArrayList<>();
      for (Feature f : Feature.values()) if (f.isOutput()) features.add(f);
      Map<Integer, String[]> dictionary = new HashMap<>();
      for (Feature f : features) {
        for (int id : f.defaultItemIds()) dictionary.put(id, new String[] {f.column(), id == 223761 ? "°F" : "x"});
      }
      ChartRules rules = ChartRules.build(features, Map.of(), dictionary, "d_items");
      scanner = new ChartScanner("chart.csv", rules, subjects, sum, count, skip);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      InputStream in = trickle ? new Trickle(bytes, 42) : new ByteArrayInputStream(bytes);
      try {
        scanner.scan(in);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    double mean(int subject, int feature) {
      int k = subjects.get(subject) * C + feature;
      return sum[k] / count[k];
    }

    int count(int subject, int feature) {
      return count[subjects.get(subject) * C + feature];
    }

    ChartStats stats() {
      return scanner.stats();
    }
  }

  /** Hands out 1 to 7 bytes per read, so that records and quotes straddle every buffer boundary. */
  static final class Trickle extends InputStream {
    final byte[] data;
    final Random rng;
    int pos;

    Trickle(byte[] data, long seed) {
      this.data = data;
      this.rng = new Random(seed);
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) return -1;
      int n = Math.min(Math.min(len, 1 + rng.nextInt(7)), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  static String row(int subject, int item, String value, String valuenum) {
    return subject + ",2" + subject + ",3" + subject + ",7,2150-01-01 10:00:00,2150-01-01 10:05:00," + item + ","
        + value + "," + valuenum + ",u,0";
  }

  static String chart(String... rows) {
    return MimicRoot.CHART_V22 + "\n" + String.join("\n", rows) + "\n";
  }

  @Test
  void averagesTheSelectedItemsPerSubjectAndSkipsTheRest() {
    Scan s = new Scan(chart(row(1, 220045, "80", "80"), row(1, 220045, "91", "91"), row(2, 220045, "100", "100"),
        row(1, 220277, "97", "97"), row(2, 220210, "18", "18"), row(2, 224690, "22", "22")), false, false);
    assertEquals(85.5, s.mean(1, HR), 1e-12);
    assertEquals(100, s.mean(2, HR), 1e-12);
    assertEquals(20, s.mean(2, Feature.RESP_RATE.ordinal()), 1e-12); // 220210 and 224690 pool
    assertEquals(0, s.count(3, HR));
    assertEquals(6, s.stats().rows);
    assertEquals(5, s.stats().selected);
    assertEquals(5, s.stats().usedTotal());
    assertEquals(7, s.stats().lines);
  }

  @Test
  void quotedFieldsWithCommasNewlinesAndEscapedQuotesKeepTheFieldsAligned() {
    String text = chart(
        row(1, 226732, "\"Nasal cannula, Face tent\"", ""),
        row(1, 220045, "\"a, \"\"quoted\"\"\nsecond line\"", "70"),
        row(2, 220048, "\"line one\r\nline two, with comma\"", ""),
        row(1, 220045, "90", "\"90\""),
        row(3, 220045, "x", "abc"));
    Scan skip = new Scan(text, true, false);
    assertEquals(80, skip.mean(1, HR), 1e-12);
    assertEquals(5, skip.stats().rows);
    assertEquals(List.of("line 8: valuenum not a number"), skip.stats().badExamples); // lines 4 and 5 hold quotes
    DataException e = assertThrows(DataException.class, () -> new Scan(text, false, false));
    assertTrue(e.getMessage().startsWith("chart.csv:8: valuenum: expected a number or empty, got 'abc' "
        + "(itemid 220045)"), e.getMessage());
  }

  @Test
  void crlfLineEndsBlankLinesAndAMissingFinalNewlineAreFine() {
    String text = MimicRoot.CHART_V22 + "\r\n" + row(1, 220045, "80", "80") + "\r\n\r\n"
        + row(1, 220045, "\"82\"", "82") + "\r\n\n" + row(2, 223762, "37", "37");
    Scan s = new Scan(text, false, false);
    assertEquals(81, s.mean(1, HR), 1e-12);
    assertEquals(37, s.mean(2, TEMP), 1e-12);
    assertEquals(3, s.stats().rows);
    assertEquals(0, s.stats().badTotal());
  }

  @Test
  void everyReadBoundaryGivesTheSameResultAsOneRead() {
    Random rng = new Random(7);
    List<String> rows = new ArrayList<>();
    int[] items = {220045, 220050, 220051, 220277, 226732, 223761, 225664, 220210};
    for (int i = 0; i < 3000; i++) {
      int item = items[rng.nextInt(items.length)];
      String v = String.format(Locale.ROOT, "%.1f", 20 + rng.nextDouble() * 80);
      if (item == 223761) v = String.format(Locale.ROOT, "%.1f", 96 + rng.nextDouble() * 6);
      String value = item == 226732 ? "\"Face tent, \"\"high\"\"\nflow\"" : v;
      String valuenum = item == 226732 ? "" : rng.nextInt(10) == 0 ? "\"" + v + "\"" : v;
      rows.add(row(1 + rng.nextInt(3), item, value, valuenum) + (rng.nextInt(5) == 0 ? "\r" : ""));
    }
    String text = chart(rows.toArray(new String[0]));
    Scan whole = new Scan(text, false, false);
    Scan trickled = new Scan(text, false, true);
    assertArrayEquals(whole.sum, trickled.sum);
    assertArrayEquals(whole.count, trickled.count);
    assertEquals(3000, trickled.stats().rows);
    assertEquals(whole.stats().lines, trickled.stats().lines);
    assertEquals(whole.stats().usedTotal(), trickled.stats().usedTotal());
    assertTrue(whole.stats().usedTotal() > 1500);
  }

  @Test
  void fahrenheitIsRangeCheckedInFahrenheitThenConvertedAndCelsiusIsKept() {
    Scan s = new Scan(chart(row(1, 223761, "98.6", "98.6"), row(1, 223761, "130", "130"),
        row(1, 223762, "36.4", "36.4"), row(1, 223762, "5", "5"), row(2, 223761, "69.9", "69.9")), false, false);
    assertEquals((37.0 + 36.4) / 2, s.mean(1, TEMP), 1e-9);
    assertEquals(3, s.stats().outOfRange[TEMP]);
    assertEquals(2, s.stats().used[TEMP]);
  }

  @Test
  void validRangesAreExclusiveAsInMimicCode() {
    Scan s = new Scan(chart(row(1, 220045, "0", "0"), row(1, 220045, "300", "300"), row(1, 220045, "299.9", "299.9"),
        row(1, 220045, "-5", "-5"), row(1, 220210, "70", "70"), row(1, 225664, "0", "0"),
        row(1, 225664, "1e3", "1e3")), false, false);
    assertEquals(299.9, s.mean(1, HR), 1e-12);
    assertEquals(3, s.stats().outOfRange[HR]);
    assertEquals(1, s.stats().outOfRange[Feature.RESP_RATE.ordinal()]);
    assertEquals(1000, s.mean(1, Feature.GLUCOSE.ordinal()), 1e-12);
  }

  @Test
  void anEmptyValuenumAndAnUnknownSubjectAreCountedNotUsed() {
    Scan s = new Scan(chart(row(1, 220045, "text", ""), row(9, 220045, "80", "80"), row(1, 220045, "81", "81")),
        false, false);
    assertEquals(1, s.stats().nullValue);
    assertEquals(1, s.stats().unknownSubject);
    assertEquals(1, s.count(1, HR));
  }

  @Test
  void aNonNumericValuenumOfAnItemThatIsNotSelectedIsNotRead() {
    Scan s = new Scan(chart(row(1, 220277, "x", "not a number"), row(1, 220045, "81", "81")), false, false);
    assertEquals(0, s.stats().badTotal());
    assertEquals(81, s.mean(1, HR), 1e-12);
  }

  @Test
  void decimalsParseToTheSameDoubleAsDoubleParseDouble() {
    Random rng = new Random(3);
    for (int i = 0; i < 20000; i++) {
      String text = switch (i % 4) {
        case 0 -> Double.toString(rng.nextDouble() * 300);
        case 1 -> String.format(Locale.ROOT, "%.3f", rng.nextGaussian() * 50);
        case 2 -> Long.toString(rng.nextInt(100000));
        default -> "0.0000" + rng.nextInt(1000);
      };
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      assertEquals(Double.parseDouble(text), ChartScanner.parseValue(b, 0, b.length), text);
    }
    for (String bad : new String[] {"abc", ".", "-", "1.2.3", "NaN", "Infinity", "12a", "0x10"}) {
      byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
      assertTrue(Double.isNaN(ChartScanner.parseValue(b, 0, b.length)), bad);
    }
  }

  @Test
  void theHeaderSelectsTheVersionsColumnPositions() {
    assertSame(ChartSchema.V2_2_PLUS, ChartSchema.detect(MimicRoot.CHART_V22, "f"));
    assertSame(ChartSchema.V1_TO_V2_1, ChartSchema.detect(MimicRoot.CHART_V21, "f"));
    assertSame(ChartSchema.V2_2_PLUS, ChartSchema.detect(
        "\"subject_id\",\"hadm_id\",\"stay_id\",\"caregiver_id\",\"charttime\",\"storetime\",\"itemid\",\"value\","
            + "\"valuenum\",\"valueuom\",\"warning\"\r", "f"));
    // 10 columns: itemid and valuenum one to the left; an 11-field row is now a bad row
    String v21 = "\uFEFF" + MimicRoot.CHART_V21 + "\n"
        + "1,21,31,2150-01-01 10:00:00,2150-01-01 10:05:00,220045,80,80,bpm,0\n"
        + "1,21,31,2150-01-01 10:00:00,2150-01-01 10:05:00,220045,90,90,bpm,0\n"
        + row(1, 220045, "70", "70") + "\n";
    Scan s = new Scan(v21, true, false);
    assertSame(ChartSchema.V1_TO_V2_1, s.scanner.schema());
    assertEquals(85, s.mean(1, HR), 1e-12);
    assertEquals(List.of("line 4: wrong number of fields"), s.stats().badExamples);
    DataException e = assertThrows(DataException.class, () -> new Scan(v21, false, false));
    assertTrue(e.getMessage().startsWith("chart.csv:4: expected 10 fields (v1.0-v2.1 (10 columns)), got 11"),
        e.getMessage());
  }

  @Test
  void aWrongHeaderFailsOnLineOneNamingBothLayoutsEvenWhenSkipping() {
    String admissions = MimicRoot.ADMISSIONS_HEADER + "\n" + MimicRoot.admission(1, 2, "2150-01-01", "WHITE", 0);
    for (boolean skip : new boolean[] {false, true}) {
      DataException e = assertThrows(DataException.class, () -> new Scan(admissions + "\n", skip, false));
      assertTrue(e.getMessage().startsWith("chart.csv:1: not a chartevents header: got 'subject_id,hadm_id,"
          + "admittime"), e.getMessage());
      assertTrue(e.getMessage().contains("expected v2.2+ (11 columns) " + MimicRoot.CHART_V22), e.getMessage());
      assertTrue(e.getMessage().contains("or v1.0-v2.1 (10 columns) " + MimicRoot.CHART_V21), e.getMessage());
    }
    DataException empty = assertThrows(DataException.class, () -> new Scan("", false, false));
    assertTrue(empty.getMessage().startsWith("chart.csv:1: empty file"), empty.getMessage());
  }

  @Test
  void eachKindOfBadRowFailsWithItsLineOrIsCountedByReason() {
    String[][] cases = { // the bad row, the start of the error, the funnel's reason
        {row(1, 220045, "80", "8O"), "valuenum: expected a number or empty, got '8O' (itemid 220045)",
            "valuenum not a number"},
        {row(1, 220045, "80", "80") + ",extra", "expected 11 fields (v2.2+ (11 columns)), got 12",
            "wrong number of fields"},
        {"1,21,31,7,2150-01-01 10:00:00,220045,80", "expected 11 fields (v2.2+ (11 columns)), got 7",
            "wrong number of fields"},
        {row(1, 220045, "80", "80").replaceFirst("^1,", "S1,"), "subject_id: expected an integer, got 'S1'",
            "subject_id not an integer"},
        {row(1, 220045, "80", "80").replace(",220045,", ",HR,"), "itemid: expected an integer, got 'HR'",
            "itemid not an integer"},
        {row(1, 220045, "\"80\"x", "80"), "a quoted field is not closed, or text follows its closing quote",
            "broken quoting"},
        {row(1, 220045, "\"80, never closed", "80"), "a quoted field is not closed", "broken quoting"},
    };
    for (String[] c : cases) {
      String text = chart(row(2, 220045, "90", "90"), c[0]);
      DataException e = assertThrows(DataException.class, () -> new Scan(text, false, false), c[0]);
      assertTrue(e.getMessage().startsWith("chart.csv:3: " + c[1]), e.getMessage());
      assertTrue(e.getMessage().endsWith("(use --on-bad-row skip to skip such rows)"), e.getMessage());
      Scan s = new Scan(text, true, false);
      assertEquals(Map.of(c[2], 1L), s.stats().bad, c[0]);
      assertEquals(List.of("line 3: " + c[2]), s.stats().badExamples, c[0]);
      assertEquals(90, s.mean(2, HR), 1e-12, c[0]);
      assertEquals(0, s.count(1, HR), c[0]);
    }
  }

  /** A field written as commons-csv would accept it: sometimes quoted, with commas, quotes and line breaks. */
  static String field(Random rng, String text) {
    if (rng.nextInt(4) != 0) return text;
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }

  @Test
  void randomQuotingAgreesWithCommonsCsv() throws IOException {
    Random rng = new Random(11);
    String[] texts = {"", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", ",", "\"\"", "plain"};
    int[] items = {220045, 220050, 220210, 220277, 226732, 223762};
    StringBuilder text = new StringBuilder(MimicRoot.CHART_V22).append('\n');
    for (int i = 0; i < 4000; i++) {
      int item = items[rng.nextInt(items.length)];
      String v = String.format(Locale.ROOT, "%.2f", 20 + rng.nextDouble() * 50);
      String[] f = {"" + (1 + rng.nextInt(3)), "21", "31", "7", "2150-01-01 10:00:00", texts[rng.nextInt(texts.length)],
          "" + item, rng.nextBoolean() ? v : texts[rng.nextInt(texts.length)], item == 226732 ? "" : v, "u", "0"};
      for (int k = 0; k < f.length; k++) {
        boolean mustQuote = f[k].contains(",") || f[k].contains("\"") || f[k].contains("\n") || f[k].contains("\r");
        text.append(k == 0 ? "" : ",").append(mustQuote ? "\"" + f[k].replace("\"", "\"\"") + "\"" : field(rng, f[k]));
      }
      text.append(rng.nextInt(6) == 0 ? "\r\n" : "\n");
    }
    double[] sum = new double[3];
    int[] count = new int[3];
    long records = 0;
    try (org.apache.commons.csv.CSVParser p = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader()
        .setSkipHeaderRecord(true).get().parse(new java.io.StringReader(text.toString()))) {
      for (org.apache.commons.csv.CSVRecord r : p) {
        records++;
        assertEquals(11, r.size());
        if (r.get("itemid").equals("220045")) {
          int subject = Integer.parseInt(r.get("subject_id"));
          sum[subject - 1] += Double.parseDouble(r.get("valuenum"));
          count[subject - 1]++;
        }
      }
    }
    for (boolean trickle : new boolean[] {false, true}) {
      Scan s = new Scan(text.toString(), false, trickle);
      assertEquals(records, s.stats().rows);
      assertEquals(text.chars().filter(c -> c == '\n').count(), s.stats().lines);
      for (int subject = 1; subject <= 3; subject++) {
        assertEquals(count[subject - 1], s.count(subject, HR));
        assertEquals(sum[subject - 1] / count[subject - 1], s.mean(subject, HR), 1e-9);
      }
    }
  }
}
