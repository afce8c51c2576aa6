package org.fedsim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedsim.etl.ChartGenerator;
import org.fedsim.etl.Feature;
import org.fedsim.etl.Funnel;
import org.fedsim.etl.HeapSampler;
import org.fedsim.etl.MimicExtractor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fedsim etl ...}: building cohort CSVs from raw clinical databases. */
@Command(
    name = "etl",
    mixinStandardHelpOptions = true,
    description = {"Extract a cohort CSV (dataset.type = csv) from a raw clinical database."},
    subcommands = {EtlCommand.MimicIv.class, EtlCommand.MakeChartevents.class, EtlCommand.Bench.class})
final class EtlCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command: mimic-iv, make-chartevents or bench");
  }

  /** Options shared by extraction and its benchmark. */
  static class ExtractOptions {
    @Option(names = "--root", required = true, paramLabel = "DIR",
        description = "MIMIC-IV directory: hosp/ and icu/ (v2.x, v3.x) or core/ and icu/ (v1.0); .csv or .csv.gz")
    Path root;

    @Option(names = "--chartevents", paramLabel = "FILE",
        description = "read this chartevents file instead of ROOT/icu/chartevents.csv[.gz]")
    Path chartevents;

    @Option(names = "--itemids", paramLabel = "FEATURE=ID[,ID...]",
        description = "replace a feature's itemids, e.g. --itemids abp_systolic=220050,225309; repeatable. "
            + "Features: abp_diastolic, abp_systolic, glucose, heart_rate, resp_rate, temperature, nbp_diastolic, "
            + "nbp_systolic")
    List<String> itemIds = new ArrayList<>();

    @Option(names = "--nbp-fallback",
        description = "a patient without invasive ABP (220050/220051) gets the mean of the non-invasive "
            + "NBP (220179/220180) instead")
    boolean nbpFallback;

    @Option(names = "--on-bad-row", paramLabel = "fail|skip", defaultValue = "fail",
        description = "a bad chartevents row (wrong field count, non-numeric valuenum, broken quoting) or a "
            + "truncated gzip: fail with FILE:LINE (default) or skip it and count it in the funnel")
    String onBadRow;

    Map<Feature, int[]> parseItemIds() {
      Map<Feature, int[]> out = new EnumMap<>(Feature.class);
      for (String spec : itemIds) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
          throw new IllegalArgumentException("--itemids expects FEATURE=ID[,ID...], got '" + spec + "'");
        }
        Feature f = Feature.byColumn(spec.substring(0, eq));
        String[] parts = spec.substring(eq + 1).split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
          try {
            ids[i] = Integer.parseInt(parts[i].trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--itemids " + spec + ": '" + parts[i] + "' is not an itemid");
          }
        }
        if (out.put(f, ids) != null) throw new IllegalArgumentException("--itemids: " + f.column() + " given twice");
      }
      return out;
    }

    boolean skipBad() {
      return switch (onBadRow.trim().toLowerCase(Locale.ROOT)) {
        case "fail" -> false;
        case "skip" -> true;
        default -> throw new IllegalArgumentException("--on-bad-row must be 'fail' or 'skip', got '" + onBadRow + "'");
      };
    }
  }

  @Command(
      name = "mimic-iv",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
          "Extract the seed study's ICU-mortality cohort from MIMIC-IV in one streaming pass over chartevents: "
              + "per patient, the mean of every valid charted ABP systolic/diastolic, glucose, heart rate, "
              + "respiratory rate and temperature (°C) over all ICU stays; label = died in any admission "
              + "(hospital_expire_flag); site = race group (7 groups, docs/mimic-iv.md). Complete cases only.",
          "Writes the cohort CSV (subject_id, features, label, site) and beside it NAME.funnel.json and "
              + "NAME.funnel.txt; the funnel is printed too. Load the cohort with dataset.type = csv "
              + "(scenarios/mimic-iv.conf).",
          "Exit codes: 0 done, 2 bad input (files, rows, flags), 1 failure."},
      footer = {"", "Examples:",
          "  fedsim etl mimic-iv --root ~/mimic-iv-2.2 --out data/mimic-iv/cohort.csv",
          "  fedsim etl mimic-iv --root ~/mimic-iv-2.2 --out cohort.csv \\",
          "      --nbp-fallback --demographics --balance --seed 42 --on-bad-row skip"})
  static final class MimicIv implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ExtractOptions options = new ExtractOptions();

    @Option(names = "--out", required = true, paramLabel = "FILE",
        description = "the cohort CSV to write (.csv or .csv.gz); replaced atomically")
    Path out;

    @Option(names = "--demographics", description = "add age (patients.anchor_age) and gender (1 = M, 0 = F)")
    boolean demographics;

    @Option(names = "--balance",
        description = "undersample the majority class to 50/50 as the seed study did (or leave it to the "
            + "scenario's preprocessing.balance)")
    boolean balance;

    @Option(names = "--seed", paramLabel = "N", description = "seed of --balance (default 42)")
    Long seed;

    @Option(names = {"-q", "--quiet"}, description = "do not print the funnel")
    boolean quiet;

    @Override
    public Integer call() {
      checkOutFile(out);
      if (seed != null && !balance) {
        throw new IllegalArgumentException("--seed " + seed + " seeds --balance, which is not given: add --balance, "
            + "or drop --seed");
      }
      Funnel f = MimicExtractor.run(new MimicExtractor.Settings(options.root, out, options.chartevents,
          options.parseItemIds(), options.nbpFallback, demographics, balance, seed == null ? 42L : seed,
          options.skipBad()));
      var o = spec.commandLine().getOut();
      if (!quiet) o.print(f.toText());
      o.printf(Locale.ROOT, "wrote %s (%,d patients), %s, %s%n", out, f.cohortSize(),
          MimicExtractor.funnelPath(out, "json").getFileName(), MimicExtractor.funnelPath(out, "txt").getFileName());
      o.flush();
      if (f.truncated()) {
        spec.commandLine().getErr().println("fedsim: warning: chartevents is truncated; the cohort uses the rows "
            + "before the cut (see the funnel)");
      }
      if (f.badRows() > 0) {
        spec.commandLine().getErr().printf(Locale.ROOT, "fedsim: warning: %,d bad chartevents rows skipped "
            + "(see the funnel)%n", f.badRows());
      }
      return 0;
    }
  }

  /** The cohort file can be written: not a directory, and its parent is (or can be made) a directory. */
  static void checkOutFile(Path out) {
    if (java.nio.file.Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a directory: expected the cohort CSV file to write, "
          + "e.g. " + out.resolve("cohort.csv"));
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) OutputDirectory.check(parent, "--out " + out + ": its parent directory");
  }

  @Command(
      name = "make-chartevents",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
          "Write a MIMIC-IV v2.2 chartevents (11 columns) for the demo's own ICU stays, seeded, into a new "
              + "MIMIC-IV root OUT (with the demo's admissions, patients, icustays and d_items copied beside it), "
              + "so that 'fedsim etl mimic-iv --root OUT' runs on real identifiers. --target-gb repeats the "
              + "stays with new ids (and copies of their admissions) until chartevents has that size.",
          "Exit codes: 0 done, 2 bad input, 1 failure."},
      footer = {"", "Examples:",
          "  fedsim etl make-chartevents --demo ../shared/data/mimic-iv-demo-2.2 \\",
          "      --out /tmp/demo-root",
          "  fedsim etl make-chartevents --demo ../shared/data/mimic-iv-demo-2.2 \\",
          "      --out /tmp/big --target-gb 5 --gzip"})
  static final class MakeChartevents implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--demo", required = true, paramLabel = "ROOT",
        description = "the MIMIC-IV demo (hosp/admissions, hosp/patients, icu/icustays, icu/d_items)")
    Path demo;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the root to write")
    Path out;

    @Option(names = "--target-gb", paramLabel = "N", defaultValue = "0",
        description = "uncompressed chartevents size to reach in GB (10^9 bytes); 0 = the demo's stays once")
    double targetGb;

    @Option(names = "--gzip", description = "write icu/chartevents.csv.gz instead of .csv")
    boolean gzip;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed of the values (default 1)")
    long seed;

    @Override
    public Integer call() {
      if (!(targetGb >= 0) || targetGb > 1000) {
        throw new IllegalArgumentException("--target-gb must be in [0, 1000], got " + targetGb);
      }
      if (!java.nio.file.Files.isDirectory(demo)) {
        throw new IllegalArgumentException("--demo " + demo + ": not a directory (the MIMIC-IV demo's root, holding "
            + "hosp/ and icu/)");
      }
      refuseToOverwrite(out, demo);
      long t0 = System.nanoTime();
      ChartGenerator.Result r = ChartGenerator.run(
          new ChartGenerator.Settings(demo, out, (long) (targetGb * 1e9), gzip, seed));
      double s = (System.nanoTime() - t0) / 1e9;
      spec.commandLine().getOut().printf(Locale.ROOT,
          "wrote %s: %,d rows, %.2f GB uncompressed, %d stays x %d copies (%,d subjects) in %.1f s%n",
          r.chartevents(), r.rows(), r.bytes() / 1e9, r.stays(), r.replicas(), r.subjects(), s);
      spec.commandLine().getOut().flush();
      return 0;
    }

    /** OUT must be new or empty, and neither the demo nor inside it: a real MIMIC root must never be overwritten. */
    static void refuseToOverwrite(Path out, Path demo) {
      Path o = out.toAbsolutePath().normalize();
      Path d = demo.toAbsolutePath().normalize();
      if (o.startsWith(d) || d.startsWith(o)) {
        throw new IllegalArgumentException("--out " + out + " is, holds or lies inside --demo " + demo
            + ": write the generated root somewhere else");
      }
      OutputDirectory.check(out, "--out");
      if (java.nio.file.Files.exists(o)) {
        try (var entries = java.nio.file.Files.list(o)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException("--out " + out + " is not empty: make-chartevents writes a new "
                + "MIMIC-IV root and never overwrites one; choose a new directory");
          }
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException("--out " + out + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
          "Time the extraction (nothing is written): MB/s of uncompressed chartevents, peak heap, and the "
              + "extrapolated time for the full 42 GB MIMIC-IV chartevents. Run it with a small heap "
              + "(FEDSIM_HEAP=256m ./fedsim etl bench ...) on two file sizes to see that memory does not grow.",
          "Exit codes: 0 done, 2 bad input, 1 failure."},
      footer = {"", "Example:",
          "  fedsim etl make-chartevents --demo ../shared/data/mimic-iv-demo-2.2 \\",
          "      --out /tmp/big --target-gb 5",
          "  FEDSIM_HEAP=256m fedsim etl bench --root /tmp/big --repeat 2"})
  static final class Bench implements Callable<Integer> {
    static final double FULL_CHARTEVENTS_GB = 42;
    static final double SEED_HOURS = 6;

    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ExtractOptions options = new ExtractOptions();

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "passes (default 1)")
    int repeat;

    @Override
    public Integer call() {
      if (repeat < 1 || repeat > 100) throw new IllegalArgumentException("--repeat must be in 1..100, got " + repeat);
      var o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "etl bench: %d cores, -Xmx %d MB, load before: %s%n",
          Runtime.getRuntime().availableProcessors(), HeapSampler.maxHeap() >> 20, loadAverage());
      double best = 0;
      for (int i = 1; i <= repeat; i++) {
        System.gc();
        Funnel f;
        long peakUsed, peakOld;
        try (HeapSampler heap = new HeapSampler(20)) {
          f = MimicExtractor.run(new MimicExtractor.Settings(options.root, null, options.chartevents,
              options.parseItemIds(), options.nbpFallback, false, false, 0, options.skipBad()));
          heap.close();
          peakUsed = heap.peakUsed();
          peakOld = heap.peakOld();
        }
        double mbs = f.megabytesPerSecond();
        best = Math.max(best, mbs);
        o.printf(Locale.ROOT, "pass %d: %s%n", i, f.toText().lines().skip(1).findFirst().orElse(""));
        o.printf(Locale.ROOT, "  %,d rows, %.2f GB uncompressed%s in %.2f s: %.1f MB/s (%.1f M rows/s); "
                + "cohort %,d patients%n", f.rowCount(), f.uncompressedBytes() / 1e9,
            f.compressedBytes() != f.uncompressedBytes()
                ? String.format(Locale.ROOT, " (%.2f GB gzip, %.1f MB/s of gzip)", f.compressedBytes() / 1e9,
                    f.compressedBytes() / 1e6 / f.seconds()) : "",
            f.seconds(), mbs, f.rowCount() / 1e6 / f.seconds(), f.cohortSize());
        o.printf(Locale.ROOT, "  peak heap used %.1f MB, peak old generation %.1f MB (of -Xmx %d MB)%n",
            peakUsed / 1e6, peakOld / 1e6, HeapSampler.maxHeap() >> 20);
        o.flush();
      }
      double seconds = FULL_CHARTEVENTS_GB * 1e3 / best;
      o.printf(Locale.ROOT, "best %.1f MB/s: the full %.0f GB chartevents would take %.1f min "
              + "(the seed's manual extraction: %.0f h, %.0fx longer)%n", best, FULL_CHARTEVENTS_GB,
          seconds / 60, SEED_HOURS, SEED_HOURS * 3600 / seconds);
      o.printf(Locale.ROOT, "load after: %s%n", loadAverage());
      o.flush();
      return 0;
    }

    static String loadAverage() {
      try {
        String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min)";
      } catch (java.io.IOException | RuntimeException e) {
        double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%.2f (1 min)", l);
      }
    }
  }
}
