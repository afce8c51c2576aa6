package org.fedsim.privacy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the DP reference vectors in {@code src/test/resources/privacy/} (copies of {@code
 * shared/dp-vectors/*.csv}; their README documents every column) from the classpath, by column
 * name. Some fields are quoted and contain commas (seed003_table.csv), hence a real CSV parser.
 */
final class DpVectors {

  private DpVectors() {}

  /** One CSV row, by column name. */
  record Row(Map<String, String> cells, long line) {
    String text(String column) {
      String v = cells.get(column);
      assertNotNull(v, "no column '" + column + "' (line " + line + ")");
      return v;
    }

    double num(String column) {
      return Double.parseDouble(text(column));
    }

    boolean has(String column) {
      String v = cells.get(column);
      return v != null && !v.isBlank();
    }

    @Override
    public String toString() {
      return "line " + line + " " + cells;
    }
  }

  static List<Row> read(String file) throws IOException {
    InputStream in = DpVectors.class.getResourceAsStream("/privacy/" + file);
    assertNotNull(in, "test resource privacy/" + file + " is missing");
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    List<Row> rows = new ArrayList<>();
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(r, format)) {
      for (CSVRecord rec : parser) {
        rows.add(new Row(rec.toMap(), rec.getRecordNumber() + 1));
      }
    }
    return rows;
  }

  static double relErr(double expected, double actual) {
    if (expected == actual) {
      return 0.0;
    }
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  /** Asserts a relative error ≤ tol and returns it (for the caller's running maximum). */
  static double assertRel(double expected, double actual, double tol, Object what) {
    double rel = relErr(expected, actual);
    assertTrue(rel <= tol, () -> what + ": expected " + expected + " got " + actual + " (rel " + rel + ")");
    return rel;
  }
}
