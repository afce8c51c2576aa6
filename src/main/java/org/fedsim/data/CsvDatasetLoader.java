package org.fedsim.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a {@link Dataset} from a CSV file with a header row (RFC 4180, UTF-8, optionally gzip-compressed when the
 * name ends in {@code .gz}). Columns are picked by header name; other columns are ignored. Values are trimmed.
 *
 * <ul>
 *   <li>features: decimal numbers; an empty cell, {@code NA} or {@code NaN} is a missing value, handled per
 *       {@link MissingValues} (dropped rows are counted per site);
 *   <li>label: {@code 0}, {@code 1}, {@code 0.0} or {@code 1.0};
 *   <li>site: any non-empty string but {@code ALL} (the name of metrics.csv's aggregate rows). Sites keep their
 *       order of first appearance; a site whose every row was dropped is left out of {@link Dataset#sites()} but
 *       keeps its count in {@link Dataset#droppedRows()}.
 * </ul>
 * Every error is a {@link DataException} whose message starts with {@code FILE:LINE:} (the physical, 1-based line
 * where the record starts; the header is line 1) and names the column. Blank lines are skipped.
 */
public final class CsvDatasetLoader {
  private static final Logger log = LoggerFactory.getLogger(CsvDatasetLoader.class);
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setHeader()
      .setSkipHeaderRecord(true)
      .setIgnoreEmptyLines(false) // keeps the parser's line count exact; blank records are skipped below
      .setTrim(true)
      .setAllowMissingColumnNames(true)
      .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_EMPTY)
      .get();

  /** The site name of metrics.csv's aggregate rows ({@code ResultsWriter.ALL}): no hospital may take it. */
  public static final String RESERVED_SITE = "ALL";

  private CsvDatasetLoader() {}

  /**
   * Reads the whole file.
   *
   * @throws DataException if the file is missing or unreadable, a column is missing, or a value is invalid
   */
  public static Dataset load(CsvDatasetSettings s) {
    Path path = s.path();
    if (!Files.isRegularFile(path)) throw new DataException("CSV file not found: " + path);
    String file = path.toString();
    long line = 1;
    try (Reader reader = open(path); CSVParser parser = FORMAT.parse(reader)) {
      Columns columns = Columns.resolve(parser, s, file);
      Map<String, SiteRows> sites = new LinkedHashMap<>();
      long lastLine = parser.getCurrentLineNumber();
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        line = lastLine + 1; // a record starts on the line after the one where the previous record ended
        if (!records.hasNext()) break;
        CSVRecord record = records.next();
        lastLine = parser.getCurrentLineNumber();
        if (record.size() == 0 || (record.size() == 1 && record.get(0).isEmpty())) continue; // blank line
        readRow(record, columns, s, file + ":" + line + ": column '", sites);
      }
      return build(path, s.features(), sites);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e.getMessage(), e);
    } catch (UncheckedIOException e) { // malformed CSV, e.g. an unterminated quote
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw new DataException(file + ":" + line + ": malformed CSV: " + why, e);
    } catch (IllegalArgumentException | IllegalStateException e) { // e.g. a duplicate header name
      throw new DataException(file + ": " + e.getMessage(), e);
    }
  }

  /** Validates one record and adds it to its site (or counts it as dropped). */
  private static void readRow(
      CSVRecord record, Columns columns, CsvDatasetSettings s, String where, Map<String, SiteRows> sites) {
    if (record.size() <= columns.last()) {
      String absent = columns.firstAbsent(record.size());
      throw new DataException(where + absent + "': no value (the row has " + record.size() + " fields)");
    }
    String site = record.get(columns.site());
    if (site.isEmpty()) throw new DataException(where + s.site() + "': empty site name");
    if (site.equals(RESERVED_SITE)) {
      throw new DataException(where + s.site() + "': site name '" + RESERVED_SITE + "' is reserved (metrics.csv's "
          + "rows for all sites together are named " + RESERVED_SITE + "): rename this site in the CSV");
    }
    int label = label(record.get(columns.label()), s.label(), where);
    float[] x = new float[columns.features().length];
    String missingColumn = null;
    for (int j = 0; j < x.length; j++) {
      String v = record.get(columns.features()[j]);
      if (!isMissing(v)) x[j] = number(v, s.features().get(j), where);
      else if (missingColumn == null) missingColumn = s.features().get(j);
    }
    SiteRows rows = sites.computeIfAbsent(site, k -> new SiteRows());
    if (missingColumn == null) {
      rows.add(x, label);
    } else if (s.missing() == MissingValues.DROP) {
      rows.dropped++;
    } else {
      throw new DataException(where + missingColumn + "': missing value (missing = FAIL)");
    }
  }

  private static Dataset build(Path path, List<String> features, Map<String, SiteRows> sites) {
    List<SiteData> data = new ArrayList<>();
    Map<String, Integer> dropped = new LinkedHashMap<>();
    int totalDropped = 0;
    for (Map.Entry<String, SiteRows> e : sites.entrySet()) {
      SiteRows rows = e.getValue();
      dropped.put(e.getKey(), rows.dropped);
      totalDropped += rows.dropped;
      if (rows.x.isEmpty()) {
        log.warn("{}: site {} has no complete rows ({} dropped); left out", path.getFileName(), e.getKey(),
            rows.dropped);
      } else {
        data.add(new SiteData(e.getKey(), rows.x.toArray(new float[0][]), rows.labels()));
      }
    }
    Dataset ds = new Dataset(path.getFileName().toString(), features, data, dropped);
    log.info("loaded {}: {} rows in {} sites, {} rows dropped for missing values {}", path.getFileName(),
        ds.totalRows(), data.size(), totalDropped, totalDropped > 0 ? dropped : "");
    return ds;
  }

  private static Reader open(Path path) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path));
    if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) in = new GZIPInputStream(in);
    PushbackReader reader = new PushbackReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    int first = reader.read();
    if (first != -1 && first != '\uFEFF') reader.unread(first); // skip a UTF-8 byte-order mark
    return reader;
  }

  private static boolean isMissing(String v) {
    return v.isEmpty() || v.equals("NA") || v.equalsIgnoreCase("nan");
  }

  private static float number(String v, String name, String where) {
    if (NUMBER.matcher(v).matches()) {
      float f = (float) Double.parseDouble(v);
      if (Float.isFinite(f)) return f;
    }
    throw new DataException(where + name + "': expected a number, got '" + abbreviate(v) + "'");
  }

  private static int label(String v, String name, String where) {
    return switch (v) {
      case "0", "0.0" -> 0;
      case "1", "1.0" -> 1;
      default -> throw new DataException(where + name + "': expected label 0 or 1, got '" + abbreviate(v) + "'");
    };
  }

  private static String abbreviate(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "...";
  }

  /** Column indices of the wanted columns, resolved once from the header. */
  private record Columns(int[] features, int label, int site, NavigableMap<Integer, String> names) {
    static Columns resolve(CSVParser parser, CsvDatasetSettings s, String file) {
      Map<String, Integer> header = parser.getHeaderMap() == null ? Map.of() : parser.getHeaderMap();
      List<String> wanted = new ArrayList<>(s.features());
      wanted.add(s.label());
      wanted.add(s.site());
      List<String> missing = new ArrayList<>();
      NavigableMap<Integer, String> names = new TreeMap<>();
      for (String name : wanted) {
        Integer idx = header.get(name);
        if (idx == null) missing.add("'" + name + "'");
        else names.put(idx, name);
      }
      if (!missing.isEmpty()) {
        throw new DataException(file + ": column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
            + " not found in header " + parser.getHeaderNames());
      }
      int[] features = s.features().stream().mapToInt(header::get).toArray();
      return new Columns(features, header.get(s.label()), header.get(s.site()), names);
    }

    /** The highest wanted column index. */
    int last() {
      return names.lastKey();
    }

    /** The leftmost wanted column at or beyond {@code size}. */
    String firstAbsent(int size) {
      return names.ceilingEntry(size).getValue();
    }
  }

  /** Rows of one site while loading. */
  private static final class SiteRows {
    final List<float[]> x = new ArrayList<>();
    final List<Integer> y = new ArrayList<>();
    int dropped;

    void add(float[] row, int label) {
      x.add(row);
      y.add(label);
    }

    int[] labels() {
      return y.stream().mapToInt(Integer::intValue).toArray();
    }
  }
}
