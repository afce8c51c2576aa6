package org.fedsim.etl;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.fedsim.data.DataException;
import org.fedsim.data.RaceGroup;

/**
 * Finding and reading the small MIMIC-IV tables (admissions, patients, d_items) with commons-csv: they are a few
 * MB, so the simple reader is right for them; only chartevents needs {@link ChartScanner}. Columns are found by
 * header name, so the v1 ({@code core/}, {@code ethnicity}), v2.0/2.1 and v2.2+ layouts all read. Every error names
 * the file and line.
 */
final class MimicTables {
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
      .setIgnoreEmptyLines(true).get();

  private MimicTables() {}

  /**
   * {@code root/DIR/TABLE.csv.gz} or {@code .csv} in the first of {@code dirs} that has it.
   *
   * @throws DataException if none exists, or both the .csv and the .csv.gz do (which one is meant?)
   */
  static Path find(Path root, String table, String... dirs) {
    if (!Files.isDirectory(root)) throw new DataException("--root " + root + ": not a directory");
    List<String> tried = new ArrayList<>();
    for (String dir : dirs) {
      Path gz = root.resolve(dir).resolve(table + ".csv.gz");
      Path csv = root.resolve(dir).resolve(table + ".csv");
      boolean hasGz = Files.isRegularFile(gz), hasCsv = Files.isRegularFile(csv);
      if (hasGz && hasCsv) {
        throw new DataException("both " + csv + " and " + gz + " exist: remove one (a half-decompressed copy?)");
      }
      if (hasGz) return gz;
      if (hasCsv) return csv;
      tried.add(dir + "/" + table + ".csv[.gz]");
    }
    throw new DataException(root + ": no " + table + " table: looked for " + String.join(", ", tried));
  }

  static boolean isGzip(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  /** The file's bytes, decompressed when its name ends in .gz, with a precise error when it is not gzip. */
  static InputStream open(Path p, int bufferSize) throws IOException {
    InputStream raw = Files.newInputStream(p);
    if (!isGzip(p)) return raw;
    try {
      return new GZIPInputStream(raw, bufferSize);
    } catch (ZipException | EOFException e) {
      raw.close();
      throw new DataException(p + ":1: not a complete gzip file (" + e.getMessage() + ")", e);
    }
  }

  /** One admission-derived fact set per subject, in the order subjects first appear. */
  static final class Admissions {
    final SubjectIndex subjects;
    final boolean[] died;
    final RaceGroup[] race;
    final int rows;
    final String raceColumn;

    Admissions(SubjectIndex subjects, boolean[] died, RaceGroup[] race, int rows, String raceColumn) {
      this.subjects = subjects;
      this.died = died;
      this.race = race;
      this.rows = rows;
      this.raceColumn = raceColumn;
    }

    int diedCount() {
      int n = 0;
      for (int i = 0; i < subjects.size(); i++) if (died[i]) n++;
      return n;
    }
  }

  /** Reads admissions: label = died in any admission; race = {@link RaceMapping.PerSubject}. */
  static Admissions admissions(Path file) {
    Map<Integer, RaceMapping.PerSubject> race = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    Map<Integer, Boolean> died = new HashMap<>();
    String[] raceColumn = new String[1];
    int rows = read(file, (t, r, line) -> {
      int subject = t.integer(r, "subject_id", line);
      String flag = t.get(r, "hospital_expire_flag");
      if (!flag.equals("0") && !flag.equals("1")) {
        throw new DataException(file + ":" + line + ": hospital_expire_flag: expected 0 or 1, got '" + flag + "'");
      }
      raceColumn[0] = t.first("race", "ethnicity");
      RaceMapping.PerSubject ps = race.get(subject);
      if (ps == null) {
        ps = new RaceMapping.PerSubject();
        race.put(subject, ps);
        order.add(subject);
      }
      ps.add(RaceMapping.group(t.get(r, raceColumn[0])), t.get(r, "admittime"));
      died.merge(subject, flag.equals("1"), Boolean::logicalOr);
    }, "subject_id", "admittime", "hospital_expire_flag", "race|ethnicity");
    SubjectIndex index = new SubjectIndex(order.size());
    boolean[] d = new boolean[order.size()];
    RaceGroup[] g = new RaceGroup[order.size()];
    for (int subject : order) {
      int i = index.add(subject);
      d[i] = died.get(subject);
      g[i] = race.get(subject).group();
    }
    return new Admissions(index, d, g, rows, raceColumn[0]);
  }

  /** Age and gender per subject index; subjects not in {@code subjects} are ignored. */
  static final class Patients {
    final int[] age; // anchor_age, -1 = unknown
    final byte[] male; // 1 = M, 0 = F, -1 = unknown
    int rows;

    Patients(int n) {
      age = new int[n];
      male = new byte[n];
      java.util.Arrays.fill(age, -1);
      java.util.Arrays.fill(male, (byte) -1);
    }
  }

  static Patients patients(Path file, SubjectIndex subjects) {
    Patients p = new Patients(subjects.size());
    p.rows = read(file, (t, r, line) -> {
      int s = subjects.get(t.integer(r, "subject_id", line));
      if (s < 0) return;
      String gender = t.get(r, "gender");
      p.male[s] = switch (gender) {
        case "M" -> (byte) 1;
        case "F" -> (byte) 0;
        default -> throw new DataException(file + ":" + line + ": gender: expected M or F, got '" + gender + "'");
      };
      String age = t.get(r, "anchor_age");
      if (!age.isEmpty()) p.age[s] = t.integer(r, "anchor_age", line);
    }, "subject_id", "gender", "anchor_age");
    return p;
  }

  /** d_items: itemid to {label, unitname}. */
  static Map<Integer, String[]> dItems(Path file) {
    Map<Integer, String[]> items = new HashMap<>();
    read(file, (t, r, line) -> items.put(t.integer(r, "itemid", line),
        new String[] {t.get(r, "label"), t.get(r, "unitname")}), "itemid", "label", "unitname");
    return items;
  }

  // ------------------------------------------------------------------------------------------ reading

  interface RowHandler {
    void row(Table t, CSVRecord r, long line);
  }

  /** A parsed header: column lookups by name, with errors naming the file and line. */
  static final class Table {
    private final Path file;
    private final Map<String, Integer> header;

    Table(Path file, Map<String, Integer> header) {
      this.file = file;
      this.header = header;
    }

    /** The first of the names that the header has. */
    String first(String... names) {
      for (String n : names) if (header.containsKey(n)) return n;
      return names[0];
    }

    String get(CSVRecord r, String column) {
      int i = header.get(column);
      return i < r.size() ? r.get(i).trim() : "";
    }

    int integer(CSVRecord r, String column, long line) {
      String v = get(r, column);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new DataException(file + ":" + line + ": " + column + ": expected an integer, got '"
            + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'");
      }
    }
  }

  /** Reads every record; {@code required} are column names ({@code a|b} = either). Returns the record count. */
  static int read(Path file, RowHandler handler, String... required) {
    try (InputStream in = new BufferedInputStream(open(file, 1 << 16), 1 << 16);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVParser parser = FORMAT.parse(reader)) {
      Map<String, Integer> header = new HashMap<>();
      if (parser.getHeaderMap() != null) {
        parser.getHeaderMap().forEach((k, v) -> header.put(k.replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT), v));
      }
      for (String req : required) {
        boolean found = false;
        for (String alt : req.split("\\|")) found |= header.containsKey(alt);
        if (!found) {
          throw new DataException(file + ":1: column '" + req.replace("|", "' or '") + "' not in header "
              + parser.getHeaderNames());
        }
      }
      Table t = new Table(file, header);
      int n = 0;
      long lastLine = parser.getCurrentLineNumber();
      for (CSVRecord r : parser) {
        long line = lastLine + 1;
        lastLine = parser.getCurrentLineNumber();
        if (r.size() != header.size()) {
          throw new DataException(file + ":" + line + ": expected " + header.size() + " fields as in the header, got "
              + r.size());
        }
        handler.row(t, r, line);
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw new DataException(file + ": malformed CSV or truncated file: " + why, e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new DataException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why writing failed, in words: Java's file-system exceptions carry only the path ({@code /tmp/x/afile}), which
   * says nothing of what is wrong with it.
   */
  static String writeFailure(IOException e) {
    String file = e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null ? fs.getFile() : null;
    if (e instanceof java.nio.file.FileAlreadyExistsException && file != null) {
      return file + " exists and is not a directory";
    }
    if (e instanceof java.nio.file.NotDirectoryException && file != null) return file + " is not a directory";
    if (e instanceof java.nio.file.AccessDeniedException && file != null) return file + ": permission denied";
    if (e instanceof java.nio.file.NoSuchFileException && file != null) return file + " does not exist";
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null && file != null) {
      return file + ": " + fs.getReason();
    }
    return e.getMessage();
  }
}
