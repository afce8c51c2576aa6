package org.fedsim.etl;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.fedsim.common.Seeds;
import org.fedsim.data.DataException;
import org.fedsim.data.RaceGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fedsim etl mimic-iv}: the seed study's cohort from a MIMIC-IV directory in one streaming pass over
 * chartevents. Per subject: the mean of every valid charted value of each feature over all their ICU stays; the
 * label is 1 when any of their admissions has {@code hospital_expire_flag = 1}; the site is their race group
 * ({@link RaceMapping}). The cohort is the complete cases (every feature, plus age and gender when asked),
 * optionally undersampled to 50/50 as in the seed. Memory: a few arrays per subject of admissions plus a fixed read
 * buffer; nothing grows with the number of chartevents rows.
 */
public final class MimicExtractor {
  private static final Logger log = LoggerFactory.getLogger(MimicExtractor.class);
  private static final int CHUNK = 1 << 20;

  /**
   * @param root the MIMIC-IV directory (hosp/ and icu/, or core/ and icu/ for v1)
   * @param out the cohort CSV to write ({@code .csv} or {@code .csv.gz}); null = write nothing (benchmark)
   * @param chartevents another chartevents file than {@code root/icu/chartevents.csv[.gz]}, or null
   * @param itemIds per feature, itemids replacing the defaults
   * @param nbpFallback use non-invasive BP (220179/220180) for a patient without invasive ABP
   * @param demographics add {@code age} (anchor_age) and {@code gender} (1 = M, 0 = F) from patients
   * @param balance undersample the majority class to 50/50, seeded by {@code seed}
   * @param skipBadRows skip and count bad chartevents rows (and stop at a truncated gzip) instead of failing
   */
  public record Settings(Path root, Path out, Path chartevents, Map<Feature, int[]> itemIds, boolean nbpFallback,
      boolean demographics, boolean balance, long seed, boolean skipBadRows) {}

  private MimicExtractor() {}

  /** Runs the extraction, writes the cohort and its funnel (unless {@code out} is null), returns the funnel. */
  public static Funnel run(Settings s) {
    Path root = s.root();
    Path dItemsFile = MimicTables.find(root, "d_items", "icu");
    Path admissionsFile = MimicTables.find(root, "admissions", "hosp", "core");
    Path chartFile = s.chartevents() != null ? s.chartevents() : MimicTables.find(root, "chartevents", "icu");
    if (!Files.isRegularFile(chartFile)) throw new DataException("--chartevents " + chartFile + ": no such file");
    Path patientsFile = s.demographics() ? MimicTables.find(root, "patients", "hosp", "core") : null;

    List<Feature> features = new ArrayList<>();
    for (Feature f : Feature.values()) if (f.isOutput() || s.nbpFallback()) features.add(f);
    for (Feature f : s.itemIds().keySet()) {
      if (!features.contains(f)) {
        throw new IllegalArgumentException("--itemids " + f.column() + " applies only with --nbp-fallback");
      }
    }
    ChartRules rules = ChartRules.build(features, s.itemIds(), MimicTables.dItems(dItemsFile), dItemsFile.toString());
    for (ChartRules.Rule r : rules.rules()) {
      log.info("{} <- itemid {} '{}'{}", r.feature().column(), r.itemId(), r.label(), r.fahrenheit() ? " (°F)" : "");
    }
    MimicTables.Admissions adm = MimicTables.admissions(admissionsFile);
    int n = adm.subjects.size();
    MimicTables.Patients pat = patientsFile != null ? MimicTables.patients(patientsFile, adm.subjects) : null;

    Funnel funnel = new Funnel();
    funnel.root = root.toString();
    funnel.chartevents = chartFile.toString();
    funnel.gzip = MimicTables.isGzip(chartFile);
    funnel.itemIds = rules.itemIds();
    funnel.features = new ArrayList<>();
    for (Feature f : features) if (f.isOutput()) funnel.features.add(f);
    funnel.nbpFallback = s.nbpFallback();
    funnel.demographics = s.demographics();
    funnel.balance = s.balance();
    funnel.seed = s.seed();
    funnel.skipBadRows = s.skipBadRows();
    funnel.admissions = adm.rows;
    funnel.subjects = n;
    funnel.subjectsDied = adm.diedCount();
    funnel.raceColumn = adm.raceColumn;
    if (pat != null) funnel.patientsRows = pat.rows;

    // the one pass over chartevents
    int channels = Feature.values().length;
    double[] sum = new double[n * channels];
    int[] count = new int[n * channels];
    ChartScanner scanner = new ChartScanner(chartFile.toString(), rules, adm.subjects, sum, count, s.skipBadRows());
    long t0 = System.nanoTime();
    try {
      funnel.compressedBytes = Files.size(chartFile);
      try (InputStream in = new PrefetchInputStream(MimicTables.open(chartFile, 1 << 16), CHUNK, 4)) {
        scanner.scan(in);
      }
    } catch (IOException e) {
      throw new DataException(chartFile + ": cannot read: " + e.getMessage(), e);
    }
    funnel.seconds = (System.nanoTime() - t0) / 1e9;
    funnel.schema = scanner.schema().label();
    funnel.rows = scanner.stats();
    log.info("{}: {} rows, {} MB in {} s", chartFile.getFileName(), funnel.rows.rows, funnel.rows.bytes / 1_000_000,
        String.format(Locale.ROOT, "%.2f", funnel.seconds));

    // per-subject means, complete cases
    List<Feature> outputs = funnel.features;
    int width = outputs.size() + (s.demographics() ? 2 : 0);
    List<Integer> cohort = new ArrayList<>();
    float[][] values = new float[n][];
    for (int i = 0; i < n; i++) {
      boolean any = false;
      for (int c = 0; c < channels; c++) any |= count[i * channels + c] > 0;
      if (any) funnel.withAnyValue++;
      float[] x = new float[width];
      boolean complete = true;
      for (int j = 0; j < outputs.size(); j++) {
        Feature f = outputs.get(j);
        int k = i * channels + f.ordinal();
        if (count[k] > 0) {
          x[j] = (float) (sum[k] / count[k]);
          funnel.withFeature.merge(f, 1, Integer::sum);
          continue;
        }
        Feature nbp = s.nbpFallback() ? fallbackSource(f) : null;
        int kb = nbp == null ? -1 : i * channels + nbp.ordinal();
        if (kb >= 0 && count[kb] > 0) {
          x[j] = (float) (sum[kb] / count[kb]);
          funnel.withFeature.merge(f, 1, Integer::sum);
          funnel.viaFallback.merge(f, 1, Integer::sum);
        } else {
          complete = false;
        }
      }
      if (!complete) continue;
      funnel.withAllFeatures++;
      if (pat != null) {
        if (pat.age[i] < 0 || pat.male[i] < 0) continue;
        x[outputs.size()] = pat.age[i];
        x[outputs.size() + 1] = pat.male[i];
      }
      values[i] = x;
      cohort.add(i);
    }
    if (s.nbpFallback()) for (Feature f : outputs) if (fallbackSource(f) != null) funnel.viaFallback.putIfAbsent(f, 0);
    if (pat != null) funnel.withDemographics = cohort.size();
    cohort.sort((a, b) -> Integer.compare(adm.subjects.id(a), adm.subjects.id(b)));
    funnel.cohort = cohort.size();
    funnel.cohortDeaths = tally(cohort, adm, funnel.byRace);
    List<Integer> kept = cohort;
    if (s.balance()) {
      kept = balance(cohort, adm.died, s.seed());
      funnel.balanced = kept.size();
      funnel.balancedDeaths = tally(kept, adm, funnel.byRaceBalanced);
    }

    if (s.out() != null) {
      List<String> columns = new ArrayList<>();
      for (Feature f : outputs) columns.add(f.column());
      if (s.demographics()) {
        columns.add("age");
        columns.add("gender");
      }
      write(s.out(), columns, kept, values, adm, funnel);
    }
    return funnel;
  }

  private static Feature fallbackSource(Feature f) {
    for (Feature g : Feature.values()) if (g.fallbackFor() == f) return g;
    return null;
  }

  private static int tally(List<Integer> rows, MimicTables.Admissions adm, Map<RaceGroup, int[]> byRace) {
    for (RaceGroup g : RaceGroup.values()) byRace.put(g, new int[2]);
    int deaths = 0;
    for (int i : rows) {
      int[] v = byRace.get(adm.race[i]);
      v[0]++;
      if (adm.died[i]) {
        v[1]++;
        deaths++;
      }
    }
    return deaths;
  }

  /**
   * The seed study's random undersampling: every patient of the minority class, and as many of the majority class
   * drawn without replacement (partial Fisher-Yates, seeded); the result keeps subject-id order.
   */
  static List<Integer> balance(List<Integer> cohort, boolean[] died, long seed) {
    List<Integer> pos = new ArrayList<>(), neg = new ArrayList<>();
    for (int i : cohort) (died[i] ? pos : neg).add(i);
    if (pos.isEmpty() || neg.isEmpty()) {
      throw new DataException("cannot balance the cohort: " + pos.size() + " patients died and " + neg.size()
          + " survived; run without --balance");
    }
    List<Integer> major = pos.size() > neg.size() ? pos : neg;
    int keep = Math.min(pos.size(), neg.size());
    int[] idx = major.stream().mapToInt(Integer::intValue).toArray();
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.of("etl-balance")));
    for (int i = 0; i < keep; i++) {
      int j = i + rng.nextInt(idx.length - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    boolean[] chosen = new boolean[died.length];
    for (int i = 0; i < keep; i++) chosen[idx[i]] = true;
    for (int i : (major == pos ? neg : pos)) chosen[i] = true;
    List<Integer> out = new ArrayList<>();
    for (int i : cohort) if (chosen[i]) out.add(i);
    return out;
  }

  /** The funnel files beside {@code out}: {@code cohort.csv} -> {@code cohort.funnel.json} / {@code .txt}. */
  public static Path funnelPath(Path out, String ext) {
    String name = out.getFileName().toString();
    String base = name.replaceFirst("(?i)\\.csv(\\.gz)?$", "");
    return out.resolveSibling(base + ".funnel." + ext);
  }

  /** Cohort, funnel.json and funnel.txt: each to a temporary file first, then all moved into place. */
  private static void write(Path out, List<String> columns, List<Integer> rows, float[][] values,
      MimicTables.Admissions adm, Funnel funnel) {
    Path json = funnelPath(out, "json"), txt = funnelPath(out, "txt");
    Path[] targets = {out, json, txt};
    Path[] temps = new Path[3];
    try {
      Path dir = out.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      for (int i = 0; i < 3; i++) temps[i] = Files.createTempFile(dir, "." + targets[i].getFileName(), ".tmp");
      try (OutputStream os = Files.newOutputStream(temps[0]);
          OutputStream z = MimicTables.isGzip(out) ? new GZIPOutputStream(os, 1 << 16) : os;
          Writer w = new BufferedWriter(new OutputStreamWriter(z, StandardCharsets.UTF_8), 1 << 16)) {
        w.write("subject_id," + String.join(",", columns) + ",label,site\n");
        StringBuilder line = new StringBuilder();
        for (int i : rows) {
          line.setLength(0);
          line.append(adm.subjects.id(i));
          for (float v : values[i]) line.append(',').append(format(v));
          line.append(',').append(adm.died[i] ? 1 : 0).append(',').append(adm.race[i].siteName()).append('\n');
          w.write(line.toString());
        }
      }
      Files.writeString(temps[1], funnel.toJson(), StandardCharsets.UTF_8);
      Files.writeString(temps[2], funnel.toText(), StandardCharsets.UTF_8);
      for (int i = 0; i < 3; i++) {
        Files.move(temps[i], targets[i], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        temps[i] = null;
      }
    } catch (IOException e) {
      throw new DataException("cannot write " + out + ": " + MimicTables.writeFailure(e), e);
    } finally {
      for (Path t : temps) {
        if (t == null) continue;
        try {
          Files.deleteIfExists(t);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** At most 4 decimals, no trailing zeros: 36.8333, 120, 98.5. */
  static String format(float v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    int e = s.length();
    while (s.charAt(e - 1) == '0') e--;
    if (s.charAt(e - 1) == '.') e--;
    return s.substring(0, e);
  }
}
