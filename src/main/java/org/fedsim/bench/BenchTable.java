package org.fedsim.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Renders {@link BenchResults} as the lines of text the CLI prints. */
public final class BenchTable {
  static final String PEER = "pytorch-peer";
  private static final String ROW = "%-14s | %-6s | %8s | %8s | %10s | %9s | %9s | %12s";
  private static final String SWEEP_ROW = "%-14s | %-6s | %4s | %12s | %8s | %8s | %10s | %9s | %11s";
  private static final String IDLE_ROW = "%-6s | %-12s | %6s | %9s | %12s | %9s | %15s | %12s | %7s";

  private BenchTable() {}

  public static List<String> lines(BenchResults r) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add(String.format(Locale.ROOT,
        "fedsim bench: seed experiment (7 sites, MortalityNN, FedAvg, no DP), %d rounds, data %s; "
            + "%d CPU(s), Java %s%s", r.rounds(), r.data(), r.cpus(), r.javaVersion(),
        r.repeat() > 1 ? ", median of " + r.repeat() + " repetitions" : ""));
    out.add(String.format(Locale.ROOT, ROW, "config", "engine", "wall s", "cpu s", "steps/s", "updates/s",
        "final acc", "peak heap MB"));
    out.add(rule(ROW, 8));
    for (BenchResults.FedsimRow f : r.fedsim()) out.add(fedsimRow(f));
    BenchResults.PeerRow p = r.peer();
    if (p != null && p.available()) {
      out.add(String.format(Locale.ROOT, ROW, PEER, "torch", f3(p.wallSeconds()), f3(p.cpuSeconds()),
          f1(p.stepsPerSecond()), f2(p.updatesPerSecond()), f4(p.finalAccuracy()), "-"));
    } else if (p != null) {
      out.add(String.format(Locale.ROOT, "%-14s | %s", PEER, "not measured"));
    }
    out.add("");
    for (BenchResults.FedsimRow f : r.fedsim()) {
      WorkerResult w = f.repeats().get(0).worker();
      out.add(String.format(Locale.ROOT,
          "  %s: %s; engine %s; %d training threads, OMP_NUM_THREADS=%s, FJ parallelism %d; startup (JVM start -> "
              + "ready, incl. the warm-up) %.2f s; child process %.2f s; %d steps, %d updates; AUC %s; "
              + "load avg %.1f -> %.1f",
          f.config(), f.description(), f.engine(), w.threads(), w.ompNumThreads(), w.forkJoinParallelism(),
          f.startupSeconds(), f.processWallSeconds(), w.steps(), w.acceptedUpdates(), f4(f.finalAuc()),
          w.loadBefore(), w.loadAfter()));
      out.add("    " + warmupLine(f));
      if (f.repeats().size() > 1) {
        out.add("    walls: " + join(f.repeats(), rep -> f3(rep.worker().wallSeconds()))
            + "  cpu: " + join(f.repeats(), rep -> f3(rep.worker().cpuSeconds()))
            + (Double.isNaN(f.coldRunSeconds()) ? ""
                : "  cold runs: " + join(f.repeats(), rep -> f3(rep.worker().warmupRunSeconds()))));
      }
    }
    if (p != null && p.available()) {
      PeerOutput o = p.repeats().get(0).output();
      out.add(String.format(Locale.ROOT,
          "  %s: torch %s, %d thread(s), seed 0; wall = its own run time (model init to last evaluation); "
              + "python process %.2f s (incl. interpreter, imports, data load); %d steps, %d updates; AUC %s",
          PEER, p.torchVersion(), o.torchThreads(), p.processWallSeconds(), o.stepsPerRun(r.rounds()),
          o.updatesPerRun(r.rounds()), f4(p.finalAuc())));
      if (p.repeats().size() > 1) {
        out.add("    times: " + join(p.repeats(), rep -> f3(rep.output().runs().get(0).seconds()))
            + "  cpu: " + join(p.repeats(), rep -> f3(rep.output().runs().get(0).cpuSeconds())));
      }
    } else if (p != null) {
      out.add("  " + p.message());
    }
    out.add("  fedsim wall = the timed run in a fresh JVM after an untimed warm-up run (see each config's line; "
        + "--warmup-rounds N sets it); cpu = process CPU over the same span (all threads); the machine is shared, so "
        + "compare cpu s too.");
    out.add("");
    out.addAll(ratioLines(r.ratios()));
    if (!r.idleHeap().isEmpty()) out.addAll(idleHeapLines(r.idleHeap()));
    if (r.sweep() != null) out.addAll(sweepLines(r.sweep(), r.rounds()));
    out.add("");
    r.goals().forEach(g -> out.add(goalLine(g)));
    List<String> tidy = new ArrayList<>(); // no two blank lines in a row
    for (String line : out) {
      if (!(line.isEmpty() && !tidy.isEmpty() && tidy.get(tidy.size() - 1).isEmpty())) tidy.add(line);
    }
    return tidy;
  }

  static String fedsimRow(BenchResults.FedsimRow f) {
    return String.format(Locale.ROOT, ROW, f.config(), f.engine(), f3(f.wallSeconds()), f3(f.cpuSeconds()),
        f1(f.stepsPerSecond()), f2(f.updatesPerSecond()), f4(f.finalAccuracy()), f1(f.peakHeapMb()));
  }

  /** What the warm-up was, and its own time when it was a full (cold) run. */
  static String warmupLine(BenchResults.FedsimRow f) {
    WorkerResult w = f.repeats().get(0).worker();
    if (f.warmupRounds() == 0) return "no warm-up: the timed run is the first run in the JVM";
    if (!Double.isNaN(f.coldRunSeconds())) {
      return String.format(Locale.ROOT, "warm-up: untimed full runs (%d rounds each), the first (cold) run in this "
          + "fresh JVM: %s s, acc %s; the timed run repeats it warm", f.warmupRounds(), f3(f.coldRunSeconds()),
          f4(f.coldFinalAccuracy()));
    }
    return String.format(Locale.ROOT, "warm-up: an untimed %d-round run, %s s (its run alone %s s)",
        f.warmupRounds(), f2(w.warmupSeconds()), f3(w.warmupRunSeconds()));
  }

  static List<String> ratioLines(List<BenchResults.Ratio> ratios) {
    List<String> out = new ArrayList<>();
    for (BenchResults.Ratio ratio : ratios) {
      boolean cold = !Double.isNaN(ratio.coldRatio());
      out.add(String.format(Locale.ROOT, "peer wall / fedsim wall = %s  (%s, engine %s%s: %.2f s / %.3f s; X > 1 "
          + "means fedsim is faster)", BenchResults.x(ratio.ratio()), ratio.config(), ratio.engine(),
          cold ? ", timed run after untimed full warm-up runs" : "", ratio.peerSeconds(), ratio.fedsimSeconds()));
      if (cold) {
        out.add(String.format(Locale.ROOT, "peer wall / fedsim wall = %s  (%s, engine %s, first (cold) run in a "
            + "fresh JVM: %.2f s / %.3f s)", BenchResults.x(ratio.coldRatio()), ratio.config(), ratio.engine(),
            ratio.peerSeconds(), ratio.coldSeconds()));
      }
    }
    return out;
  }

  static String goalLine(BenchResults.Goal g) {
    String verdict = g.met() == null ? "unknown" : g.met() ? "met" : "not met";
    return "goal: " + g.statement() + ": " + verdict + (g.detail().isEmpty() ? "" : " (" + g.detail() + ")");
  }

  static List<String> idleHeapLines(List<BenchResults.IdleHeapRow> rows) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add("heap per idle instance: seed network (" + rows.get(0).result().network()
        + "); each instance trained and evaluated once; one child JVM per engine");
    out.add(String.format(Locale.ROOT, IDLE_ROW, "engine", "JVM flags of", "params", "models", "B/idle model",
        "hospitals", "B/idle hospital", "base heap MB", "child s"));
    out.add(rule(IDLE_ROW, 9));
    for (BenchResults.IdleHeapRow row : rows) {
      IdleHeap.Result r = row.result();
      out.add(String.format(Locale.ROOT, IDLE_ROW, r.engine(), row.config(), r.numParams(), group(r.models()),
          group(r.bytesPerModel()), group(r.hospitals()), group(r.bytesPerHospital()), f1(r.baseHeapMb()),
          f1(row.processWallSeconds())));
    }
    out.add("  heap growth after full GCs / instances. B/idle hospital = the Hospital actor (cell, mailbox, "
        + "behaviour) with its model, spawned on the training dispatcher; the patients' rows are shared here and not "
        + "counted. Heap only: a DL4J network also holds native buffers off the heap, not counted.");
    return out;
  }

  static List<String> sweepLines(BenchResults.SweepResult s, int rounds) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add(String.format(Locale.ROOT, "epsilon sweep (seed-mimic-eps-sweep: 9 epsilons x 3 seeds = 27 runs, %d "
        + "rounds each); each fedsim config in its own fresh child JVM", rounds));
    out.add(String.format(Locale.ROOT, SWEEP_ROW, "config", "engine", "runs", "total wall s", "s/run", "cpu s",
        "steps/s", "updates/s", "process s"));
    out.add(rule(SWEEP_ROW, 9));
    for (BenchResults.SweepRun f : s.fedsim()) {
      WorkerResult w = f.worker();
      out.add(String.format(Locale.ROOT, SWEEP_ROW, f.config(), f.engine(), w.runs(), f2(w.wallSeconds()),
          f3(w.meanRunSeconds()), f2(w.cpuSeconds()), f1(w.stepsPerSecond()), f2(w.updatesPerSecond()),
          f2(f.rep().processWallSeconds())));
    }
    BenchResults.PeerSweep p = s.peer();
    PeerOutput po = p != null && p.available() ? p.output() : null;
    if (po != null) {
      int n = po.runs().size();
      double total = po.totalWallSeconds();
      out.add(String.format(Locale.ROOT, SWEEP_ROW, PEER, "torch", n, f2(total), f3(total / n),
          f2(po.runCpuSeconds()), f1(po.stepsPerRun(rounds) * n / total), f2(po.updatesPerRun(rounds) * n / total),
          f2(p.processWallSeconds())));
    } else if (p != null) {
      out.add(String.format(Locale.ROOT, "%-14s | %s", PEER, p.message()));
    }
    out.add("  fedsim total wall = its 27 timed runs after an untimed warm-up ("
        + join(s.fedsim(), f -> f.config() + ": " + f.worker().warmupRounds() + " round(s)")
        + "); process s = the child from spawn to exit (JVM start, ND4J, data load, warm-up included)"
        + (po != null ? "; the peer's total is its own 'total wall time', process s its python process" : ""));
    if (po != null) {
      for (BenchResults.SweepRun f : s.fedsim()) {
        out.add(String.format(Locale.ROOT, "peer total / fedsim total = %s  (%s, engine %s: %.1f s / %.2f s; X > 1 "
            + "means fedsim is faster)", BenchResults.x(Stats.ratio(po.totalWallSeconds(), f.worker().wallSeconds())),
            f.config(), f.engine(), po.totalWallSeconds(), f.worker().wallSeconds()));
      }
    }
    out.add("");
    SweepAccuracy acc = sweepAccuracy(s);
    out.add("mean final accuracy per epsilon (weighted validation accuracy after the last round; fedsim seeds 1-3"
        + (po != null ? ", peer seeds 0-2" : "") + "; runs per cell in brackets where not 3)");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-8s", "epsilon"));
    for (String c : acc.columns()) header.append(" | ").append(String.format(Locale.ROOT, "%-14s", c));
    out.add(header.toString().stripTrailing());
    out.add("-".repeat(header.length()));
    for (SweepAccuracy.Row row : acc.rows()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s", row.epsilon()));
      for (int i = 0; i < row.means().size(); i++) {
        int n = row.counts().get(i);
        String cell = n == 0 ? "-" : f4(row.means().get(i)) + (n == 3 ? "" : " [" + n + "]");
        line.append(" | ").append(String.format(Locale.ROOT, "%-14s", cell));
      }
      out.add(line.toString().stripTrailing());
    }
    return out;
  }

  /**
   * The sweep's accuracies side by side: one column per fedsim configuration (in order), then the peer's when it
   * ran; one row per ε, in the order first seen (fedsim's runs, then the peer's).
   */
  record SweepAccuracy(List<String> columns, List<Row> rows) {
    /** One ε: per column the mean final accuracy (NaN where it has none) and how many runs it averages. */
    record Row(String epsilon, List<Double> means, List<Integer> counts) {}
  }

  static SweepAccuracy sweepAccuracy(BenchResults.SweepResult s) {
    List<String> columns = new ArrayList<>();
    List<Map<String, List<Double>>> byColumn = new ArrayList<>();
    Set<String> epsilons = new LinkedHashSet<>();
    for (BenchResults.SweepRun f : s.fedsim()) {
      Map<String, List<Double>> m = new LinkedHashMap<>();
      for (WorkerResult.RunOutcome o : f.worker().perRun()) {
        String eps = epsilonKey(labelValue(o.label(), "epsilon"));
        epsilons.add(eps);
        m.computeIfAbsent(eps, k -> new ArrayList<>()).add(o.finalAccuracy());
      }
      columns.add(f.config());
      byColumn.add(m);
    }
    BenchResults.PeerSweep p = s.peer();
    if (p != null && p.available() && p.output() != null) {
      Map<String, List<Double>> m = new LinkedHashMap<>();
      for (PeerOutput.Run run : p.output().runs()) {
        String eps = epsilonKey(run.epsilon());
        epsilons.add(eps);
        m.computeIfAbsent(eps, k -> new ArrayList<>()).add(run.finalAccuracy());
      }
      columns.add(PEER);
      byColumn.add(m);
    }
    List<SweepAccuracy.Row> rows = new ArrayList<>();
    for (String eps : epsilons) {
      List<Double> means = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (Map<String, List<Double>> m : byColumn) {
        List<Double> v = m.getOrDefault(eps, List.of());
        means.add(Stats.mean(v));
        counts.add(v.size());
      }
      rows.add(new SweepAccuracy.Row(eps, means, counts));
    }
    return new SweepAccuracy(columns, rows);
  }

  /** A sweep label's value for one key: {@code labelValue("epsilon=0.1,seed=2", "epsilon")} is {@code 0.1}. */
  static String labelValue(String label, String key) {
    for (String part : label.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equals(key)) return part.substring(eq + 1).trim();
    }
    return "";
  }

  /** One spelling per epsilon, whichever side printed it: 1, 1.0 and 1.00 are "1"; none stays "none". */
  static String epsilonKey(String eps) {
    String s = eps.trim();
    try {
      return new BigDecimal(s).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return s.toLowerCase(Locale.ROOT);
    }
  }

  private static String rule(String row, int columns) {
    Object[] empty = new Object[columns];
    java.util.Arrays.fill(empty, "");
    return "-".repeat(String.format(Locale.ROOT, row, empty).length());
  }

  private static <T> String join(List<T> items, Function<T, String> f) {
    return String.join(", ", items.stream().map(f).toList());
  }

  private static String group(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String f1(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f2(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String f3(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String f4(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
