package org.fedsim.etl;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.fedsim.common.Seeds;
import org.fedsim.data.DataException;

/**
 * {@code fedsim etl make-chartevents}: writes a MIMIC-IV v2.2 chartevents file (11 columns) for the demo's own
 * ICU stays (real subject/hadm/stay ids and in/out times), so that the extractor runs on real identifiers although
 * the demo's chartevents is not available. Per stay, hour by hour from intime to outtime: heart rate and (for
 * patients with an arterial line) invasive ABP twice an hour, non-invasive BP, SpO2 and respiratory rate hourly,
 * temperature every 4 h (mostly °F), finger-stick glucose every 6 h, plus text rows (valuenum empty; one quoted
 * value with a comma). Patient means follow docs/mimic-iv.md section 4 (deaths from the admission's
 * {@code hospital_expire_flag}); about 0.3% of heart rates are artifacts outside the valid range. Seeded.
 *
 * <p>The output directory is a complete MIMIC-IV root: the demo's admissions, patients, icustays and d_items are
 * copied beside the chartevents. With a target size the stays are repeated with new ids (replica {@code r} of a
 * demo id with index {@code i}: {@code 100000000 + r * M + i}, M a power of ten above the table's size) and the
 * small tables get the same copies, so every repeated subject is a real cohort patient.
 */
public final class ChartGenerator {
  static final String HEADER =
      "subject_id,hadm_id,stay_id,caregiver_id,charttime,storetime,itemid,value,valuenum,valueuom,warning\n";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final int NEW_ID_BASE = 100_000_000;
  private static final CSVFormat READ = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

  /**
   * @param demo a MIMIC-IV root with hosp/admissions, hosp/patients, icu/icustays, icu/d_items
   * @param out the directory to write (hosp/ and icu/ are created)
   * @param targetBytes repeat stays until chartevents has at least this many bytes (0 = the demo's stays once)
   * @param gzip write icu/chartevents.csv.gz instead of .csv
   */
  public record Settings(Path demo, Path out, long targetBytes, boolean gzip, long seed) {}

  /** What was written. */
  public record Result(Path chartevents, long rows, long bytes, int replicas, int stays, int subjects) {}

  private record Stay(int subject, int hadm, int stay, LocalDateTime in, LocalDateTime out, boolean died) {}

  private ChartGenerator() {}

  public static Result run(Settings s) {
    Path admissionsFile = MimicTables.find(s.demo(), "admissions", "hosp");
    Path patientsFile = MimicTables.find(s.demo(), "patients", "hosp");
    Path staysFile = MimicTables.find(s.demo(), "icustays", "icu");
    Path dItemsFile = MimicTables.find(s.demo(), "d_items", "icu");
    Table admissions = Table.read(admissionsFile);
    Table patients = Table.read(patientsFile);
    Table stays = Table.read(staysFile);

    Map<Integer, Boolean> diedByHadm = new HashMap<>();
    for (CSVRecord r : admissions.rows) {
      diedByHadm.put(Integer.parseInt(r.get("hadm_id")), r.get("hospital_expire_flag").equals("1"));
    }
    List<Stay> list = new ArrayList<>();
    for (CSVRecord r : stays.rows) {
      int hadm = Integer.parseInt(r.get("hadm_id"));
      Boolean died = diedByHadm.get(hadm);
      if (died == null) throw new DataException(staysFile + ": hadm_id " + hadm + " is not in " + admissionsFile);
      list.add(new Stay(Integer.parseInt(r.get("subject_id")), hadm, Integer.parseInt(r.get("stay_id")),
          LocalDateTime.parse(r.get("intime"), TIME), LocalDateTime.parse(r.get("outtime"), TIME), died));
    }

    // the rows of every stay once, without their three leading ids
    List<byte[]> tails = new ArrayList<>();
    List<int[]> lineStarts = new ArrayList<>();
    long baseBytes = 0, baseRows = 0;
    for (Stay st : list) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      List<Integer> starts = new ArrayList<>();
      writeStay(st, new SplittableRandom(Seeds.derive(s.seed(), Seeds.of("etl-chartevents"), st.stay())), b, starts);
      byte[] bytes = b.toByteArray();
      tails.add(bytes);
      int[] st2 = starts.stream().mapToInt(Integer::intValue).toArray();
      lineStarts.add(st2);
      baseBytes += bytes.length + (long) st2.length * ids(st.subject(), st.hadm(), st.stay()).length;
      baseRows += st2.length;
    }
    int replicas = s.targetBytes() <= 0 ? 1 : (int) Math.max(1, -Math.floorDiv(-s.targetBytes(), baseBytes));
    int m = idStride(Math.max(admissions.rows.size(), Math.max(patients.rows.size(), stays.rows.size())));
    if ((long) NEW_ID_BASE + (long) replicas * m >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--target-gb too large: " + replicas + " copies of the demo's stays would "
          + "need ids beyond the int range");
    }
    IdMap subjects = new IdMap(m), hadms = new IdMap(m), stayIds = new IdMap(m);
    for (CSVRecord r : patients.rows) subjects.index(Integer.parseInt(r.get("subject_id")));
    for (CSVRecord r : admissions.rows) {
      subjects.index(Integer.parseInt(r.get("subject_id")));
      hadms.index(Integer.parseInt(r.get("hadm_id")));
    }
    for (Stay st : list) stayIds.index(st.stay());

    Path icu = s.out().resolve("icu"), hosp = s.out().resolve("hosp");
    Path chart = icu.resolve(s.gzip() ? "chartevents.csv.gz" : "chartevents.csv");
    long rows = 0, bytes;
    try {
      Files.createDirectories(icu);
      Files.createDirectories(hosp);
      Path tmp = Files.createTempFile(icu, ".chartevents", ".tmp");
      try (OutputStream file = Files.newOutputStream(tmp);
          OutputStream z = s.gzip() ? new GZIPOutputStream(file, 1 << 20) : file;
          OutputStream out = new BufferedOutputStream(z, 1 << 20)) {
        byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
        out.write(header);
        bytes = header.length;
        for (int r = 0; r < replicas; r++) {
          for (int k = 0; k < list.size(); k++) {
            Stay st = list.get(k);
            byte[] prefix = ids(subjects.id(st.subject(), r), hadms.id(st.hadm(), r), stayIds.id(st.stay(), r));
            byte[] tail = tails.get(k);
            int[] starts = lineStarts.get(k);
            for (int j = 0; j < starts.length; j++) {
              int from = starts[j], to = j + 1 < starts.length ? starts[j + 1] : tail.length;
              out.write(prefix);
              out.write(tail, from, to - from);
              bytes += prefix.length + to - from;
            }
            rows += starts.length;
          }
        }
      }
      Files.move(tmp, chart, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Path other = icu.resolve(s.gzip() ? "chartevents.csv" : "chartevents.csv.gz");
      Files.deleteIfExists(other); // a stale sibling would make the root ambiguous
      copyTable(admissions, hosp.resolve("admissions.csv.gz"), replicas,
          Map.of("subject_id", subjects, "hadm_id", hadms));
      copyTable(patients, hosp.resolve("patients.csv.gz"), replicas, Map.of("subject_id", subjects));
      copyTable(stays, icu.resolve("icustays.csv.gz"), replicas,
          Map.of("subject_id", subjects, "hadm_id", hadms, "stay_id", stayIds));
      Path dItems = icu.resolve("d_items.csv.gz");
      if (MimicTables.isGzip(dItemsFile)) {
        Files.copy(dItemsFile, dItems, StandardCopyOption.REPLACE_EXISTING);
      } else {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dItems))) {
          Files.copy(dItemsFile, o);
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot write " + s.out() + ": " + MimicTables.writeFailure(e), e);
    }
    return new Result(chart, rows, bytes, replicas, list.size(), subjects.size() * replicas);
  }

  /** The generated rows of one stay, each line without its {@code subject_id,hadm_id,stay_id,} prefix. */
  private static void writeStay(Stay st, SplittableRandom rng, ByteArrayOutputStream b, List<Integer> starts) {
    boolean d = st.died();
    boolean artLine = rng.nextDouble() < (d ? 0.8 : 0.65);
    boolean rrTotal = rng.nextDouble() < 0.15; // 224690 instead of 220210
    boolean celsius = rng.nextDouble() < 0.1; // 223762 instead of 223761
    boolean glucose = rng.nextDouble() < 0.92;
    double hr = gauss(rng, 86.7 + (d ? 3.1 : 0), 14.2);
    double sbp = gauss(rng, 120.4 - (d ? 2.5 : 0), 16.4);
    double dbp = gauss(rng, 60.6 - (d ? 1.5 : 0), 9.4);
    double rr = gauss(rng, 19.5 + (d ? 1.7 : 0), 3.8);
    double temp = gauss(rng, 37.03 - (d ? 0.14 : 0), 0.55);
    double glu = Math.exp(gauss(rng, 4.90 + (d ? 0.08 : 0), 0.25));
    int caregivers = 3 + rng.nextInt(4);
    int[] caregiver = new int[caregivers];
    for (int i = 0; i < caregivers; i++) caregiver[i] = 10000 + rng.nextInt(90000);
    LocalDateTime t0 = st.in().truncatedTo(ChronoUnit.HOURS).plusHours(1);
    long hours = Math.max(1, ChronoUnit.HOURS.between(st.in(), st.out()));
    Rows rows = new Rows(b, starts, rng, caregiver);
    for (long h = 0; h < hours; h++) {
      LocalDateTime at = t0.plusHours(h);
      for (int half = 0; half < 2; half++) {
        LocalDateTime t = at.plusMinutes(30L * half);
        double x = rng.nextDouble();
        long v = x < 0.0015 ? 0 : x < 0.003 ? 350 : Math.round(clamp(gauss(rng, hr, 8), 20, 250));
        rows.add(t, 220045, Long.toString(v), "bpm");
        if (artLine) {
          long s = Math.round(clamp(gauss(rng, sbp, 9), 40, 260));
          long dd = Math.round(clamp(gauss(rng, dbp, 6), 20, Math.min(s - 5, 180)));
          rows.add(t, 220050, Long.toString(s), "mmHg");
          rows.add(t, 220051, Long.toString(dd), "mmHg");
          rows.add(t, 220052, Long.toString(Math.round((s + 2.0 * dd) / 3)), "mmHg");
        }
      }
      if (!artLine || h % 4 == 0) {
        long s = Math.round(clamp(gauss(rng, sbp - 2, 11), 50, 250));
        long dd = Math.round(clamp(gauss(rng, dbp - 3, 8), 20, Math.min(s - 5, 170)));
        LocalDateTime t = at.plusMinutes(5);
        rows.add(t, 220179, Long.toString(s), "mmHg");
        rows.add(t, 220180, Long.toString(dd), "mmHg");
        rows.add(t, 220181, Long.toString(Math.round((s + 2.0 * dd) / 3)), "mmHg");
      }
      rows.add(at, 220277, Long.toString(Math.round(clamp(gauss(rng, 97, 2), 80, 100))), "%");
      rows.add(at, rrTotal ? 224690 : 220210, Long.toString(Math.round(clamp(gauss(rng, rr, 3), 4, 55))),
          "insp/min");
      if (h % 4 == 0) {
        double c = clamp(gauss(rng, temp, 0.35), 33, 41.5);
        LocalDateTime t = at.plusMinutes(10);
        if (celsius) rows.add(t, 223762, oneDecimal(c), "°C");
        else rows.add(t, 223761, oneDecimal(c * 1.8 + 32), "°F");
        rows.text(t, 220048, rng.nextDouble() < 0.85 ? "SR (Sinus Rhythm)" : "AF (Atrial Fibrillation)");
      }
      if (glucose && h % 6 == 2) {
        long g = Math.round(clamp(glu * Math.exp(gauss(rng, 0, 0.15)), 40, 600));
        rows.add(at.plusMinutes(15), 225664, Long.toString(g), "mg/dL");
      }
      if (h % 8 == 3) rows.text(at.plusMinutes(20), 226732, "\"Nasal cannula, Face tent\"");
    }
  }

  /** Appends rows to one stay's bytes. */
  private static final class Rows {
    private final ByteArrayOutputStream b;
    private final List<Integer> starts;
    private final SplittableRandom rng;
    private final int[] caregiver;

    Rows(ByteArrayOutputStream b, List<Integer> starts, SplittableRandom rng, int[] caregiver) {
      this.b = b;
      this.starts = starts;
      this.rng = rng;
      this.caregiver = caregiver;
    }

    void add(LocalDateTime t, int item, String value, String uom) {
      line(t, item, value, value, uom);
    }

    void text(LocalDateTime t, int item, String value) {
      line(t, item, value, "", "");
    }

    private void line(LocalDateTime t, int item, String value, String valuenum, String uom) {
      starts.add(b.size());
      String row = caregiver[rng.nextInt(caregiver.length)] + "," + TIME.format(t) + ","
          + TIME.format(t.plusMinutes(1 + rng.nextInt(20))) + "," + item + "," + value + "," + valuenum + "," + uom
          + ",0\n";
      b.writeBytes(row.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static double gauss(SplittableRandom rng, double mean, double sd) {
    return mean + sd * rng.nextGaussian();
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static String oneDecimal(double v) {
    return Long.toString(Math.round(v * 10) / 10) + "." + Math.abs(Math.round(v * 10) % 10);
  }

  private static byte[] ids(int subject, int hadm, int stay) {
    return (subject + "," + hadm + "," + stay + ",").getBytes(StandardCharsets.US_ASCII);
  }

  /** The smallest power of ten above {@code n}. */
  private static int idStride(int n) {
    int m = 10;
    while (m <= n) m *= 10;
    return m;
  }

  /** Demo ids to replica ids: replica 0 keeps the id, replica r > 0 gets {@code 100000000 + r * M + index}. */
  private static final class IdMap {
    private final Map<Integer, Integer> index = new HashMap<>();
    private final int stride;

    IdMap(int stride) {
      this.stride = stride;
    }

    void index(int id) {
      index.putIfAbsent(id, index.size());
    }

    int size() {
      return index.size();
    }

    int id(int demoId, int replica) {
      if (replica == 0) return demoId;
      Integer i = index.get(demoId);
      if (i == null) throw new DataException("id " + demoId + " is in icustays but not in admissions/patients");
      return NEW_ID_BASE + replica * stride + i;
    }
  }

  /** A small table read whole: header and records. */
  private record Table(Path file, List<String> header, List<CSVRecord> rows) {
    static Table read(Path file) {
      try (InputStream in = MimicTables.open(file, 1 << 16);
          Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
          CSVParser p = READ.parse(r)) {
        return new Table(file, p.getHeaderNames(), p.getRecords());
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new DataException(file + ": cannot read: " + e.getMessage(), e);
      }
    }
  }

  /** Writes {@code t} gzipped, {@code replicas} times, the id columns in {@code remap} mapped per replica. */
  private static void copyTable(Table t, Path target, int replicas, Map<String, IdMap> remap) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    CSVFormat fmt = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16);
        Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, fmt)) {
      p.printRecord(t.header());
      List<String> values = new ArrayList<>();
      for (int r = 0; r < replicas; r++) {
        for (CSVRecord rec : t.rows()) {
          values.clear();
          for (String col : t.header()) {
            String v = rec.get(col);
            IdMap map = remap.get(col);
            values.add(map == null || v.isEmpty() ? v : Integer.toString(map.id(Integer.parseInt(v), r)));
          }
          p.printRecord(values);
        }
      }
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
