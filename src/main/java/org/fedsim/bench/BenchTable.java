package org.fedsim.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Renders {@link BenchResults} as the lines of text the CLI prints. */
public final class BenchTable {
  private static final String ROW = "%-19s | %8s | %8s | %8s | %9s | %9s | %12s";

  private BenchTable() {}

  public static List<String> lines(BenchResults r) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add(String.format(Locale.ROOT,
        "fedsim bench: seed experiment (7 sites, MortalityNN, FedAvg, no DP), %d rounds, data %s; "
            + "%d CPU(s), Java %s%s", r.rounds(), r.data(), r.cpus(), r.javaVersion(),
        r.repeat() > 1 ? ", median of " + r.repeat() + " repetitions" : ""));
    out.add(String.format(Locale.ROOT, ROW, "config", "wall s", "cpu s", "steps/s", "updates/s", "final acc",
        "peak heap MB"));
    out.add("-".repeat(String.format(Locale.ROOT, ROW, "", "", "", "", "", "", "").length()));
    for (BenchResults.FedsimRow f : r.fedsim()) {
      out.add(String.format(Locale.ROOT, ROW, label(f.config(), f.repeats().get(0).worker()), f2(f.wallSeconds()), f2(f.cpuSeconds()),
          f1(f.stepsPerSecond()), f2(f.updatesPerSecond()), f4(f.finalAccuracy()), f1(f.peakHeapMb())));
    }
    BenchResults.PeerRow p = r.peer();
    if (p != null && p.available()) {
      out.add(String.format(Locale.ROOT, ROW, "pytorch-peer", f2(p.wallSeconds()), f2(p.cpuSeconds()),
          f1(p.stepsPerSecond()), f2(p.updatesPerSecond()), f4(p.finalAccuracy()), "-"));
    } else if (p != null) {
      out.add(String.format(Locale.ROOT, "%-19s | %s", "pytorch-peer", "not measured"));
    }
    out.add("");
    for (BenchResults.FedsimRow f : r.fedsim()) {
      WorkerResult w = f.repeats().get(0).worker();
      out.add(String.format(Locale.ROOT,
          "  %s: %s; engine %s; %d training threads, OMP_NUM_THREADS=%s, FJ parallelism %d; startup (JVM start -> ready, "
              + "incl. 1-round warm-up %.2f s) %.2f s; child process %.2f s; %d steps, %d updates; AUC %s; "
              + "load avg %.1f -> %.1f",
          label(f.config(), w), f.description(), w.engine().isEmpty() ? "dl4j" : w.engine(), w.threads(),
          w.ompNumThreads(), w.forkJoinParallelism(), w.warmupSeconds(),
          f.startupSeconds(), f.processWallSeconds(), w.steps(), w.acceptedUpdates(), f4(f.finalAuc()),
          w.loadBefore(), w.loadAfter()));
      if (f.repeats().size() > 1) {
        out.add("    walls: " + join(f.repeats(), rep -> f2(rep.worker().wallSeconds()))
            + "  cpu: " + join(f.repeats(), rep -> f2(rep.worker().cpuSeconds())));
      }
    }
    if (p != null && p.available()) {
      PeerOutput o = p.repeats().get(0).output();
      out.add(String.format(Locale.ROOT,
          "  pytorch-peer: torch %s, %d thread(s), seed 0; wall = its own run time (model init to last evaluation); "
              + "python process %.2f s (incl. interpreter, imports, data load); %d steps, %d updates; AUC %s",
          p.torchVersion(), o.torchThreads(), p.processWallSeconds(), o.stepsPerRun(r.rounds()),
          o.updatesPerRun(r.rounds()), f4(p.finalAuc())));
      if (p.repeats().size() > 1) {
        out.add("    times: " + join(p.repeats(), rep -> f2(rep.output().runs().get(0).seconds()))
            + "  cpu: " + join(p.repeats(), rep -> f2(rep.output().runs().get(0).cpuSeconds())));
      }
    } else if (p != null) {
      out.add("  " + p.message());
    }
    out.add("  fedsim wall = the timed run in a fresh JVM after an untimed 1-round warm-up; cpu = process CPU over "
        + "the same span (all threads); the machine is shared, so compare cpu s too.");
    out.add("");
    Map<String, String> labels = new LinkedHashMap<>();
    r.fedsim().forEach(f -> labels.put(f.config(), label(f.config(), f.repeats().get(0).worker())));
    for (BenchResults.Ratio ratio : r.ratios()) {
      out.add(String.format(Locale.ROOT, "peer wall / fedsim wall = %s  (%s: %.2f s / %.2f s; X > 1 means fedsim is "
          + "faster)", f2(ratio.ratio()), labels.getOrDefault(ratio.config(), ratio.config()), ratio.peerSeconds(),
          ratio.fedsimSeconds()));
    }
    BenchResults.Goal g = r.goal();
    if (g == null) {
      out.add("goal: fedsim seed run ≥ 2× faster than the PyTorch peer: unknown (no peer measurement)");
    } else {
      out.add(String.format(Locale.ROOT, "goal: fedsim seed run ≥ 2× faster than the PyTorch peer: %s (%s: %s×)",
          g.met() ? "met" : "not met", labels.getOrDefault(g.config(), g.config()), f2(g.ratio())));
    }
    if (r.sweep() != null) out.addAll(sweepLines(r.sweep(), r.rounds()));
    return out;
  }

  static List<String> sweepLines(BenchResults.SweepResult s, int rounds) {
    List<String> out = new ArrayList<>();
    WorkerResult w = s.fedsim().worker();
    String row = "%-19s | %6s | %12s | %9s | %9s | %9s | %9s";
    out.add("");
    out.add(String.format(Locale.ROOT, "epsilon sweep (seed-mimic-eps-sweep: 9 epsilons x 3 seeds, %d rounds each)",
        rounds));
    out.add(String.format(Locale.ROOT, row, "config", "runs", "total wall s", "s/run", "cpu s", "steps/s",
        "updates/s"));
    out.add("-".repeat(String.format(Locale.ROOT, row, "", "", "", "", "", "", "").length()));
    out.add(String.format(Locale.ROOT, row, label(s.config(), w), w.runs(), f1(w.wallSeconds()), f2(w.meanRunSeconds()),
        f1(w.cpuSeconds()), f1(w.stepsPerSecond()), f2(w.updatesPerSecond())));
    BenchResults.PeerSweep p = s.peer();
    PeerOutput po = p != null && p.available() ? p.output() : null;
    if (po != null) {
      int n = po.runs().size();
      double total = po.totalWallSeconds();
      out.add(String.format(Locale.ROOT, row, "pytorch-peer", n, f1(total), f2(total / n), f1(po.runCpuSeconds()),
          f1(po.stepsPerRun(rounds) * n / total), f2(po.updatesPerRun(rounds) * n / total)));
      out.add(String.format(Locale.ROOT, "  fedsim child process %.1f s (startup %.1f s); peer python process %.1f s",
          s.fedsim().processWallSeconds(), w.startupSeconds(), p.processWallSeconds()));
      out.add(String.format(Locale.ROOT, "peer total / fedsim total = %s  (%s; X > 1 means fedsim is faster)",
          f2(Stats.ratio(total, w.wallSeconds())), s.config()));
    } else if (p != null) {
      out.add(String.format(Locale.ROOT, "%-19s | %s", "pytorch-peer", p.message()));
    }
    out.add("");
    out.add(accuracyRow("epsilon", "fedsim acc (seeds 1-3)", po != null ? "peer acc (seeds 0-2)" : null));
    Map<String, List<Double>> fed = new LinkedHashMap<>();
    for (WorkerResult.RunOutcome o : w.perRun()) {
      fed.computeIfAbsent(epsilonKey(labelValue(o.label(), "epsilon")), k -> new ArrayList<>()).add(o.finalAccuracy());
    }
    Map<String, List<Double>> peer = new LinkedHashMap<>();
    if (po != null) {
      for (PeerOutput.Run run : po.runs()) {
        peer.computeIfAbsent(epsilonKey(run.epsilon()), k -> new ArrayList<>()).add(run.finalAccuracy());
      }
    }
    for (Map.Entry<String, List<Double>> e : fed.entrySet()) {
      out.add(accuracyRow(e.getKey(), meanAndValues(e.getValue()),
          po == null ? null : peer.containsKey(e.getKey()) ? meanAndValues(peer.get(e.getKey())) : "-"));
    }
    return out;
  }

  /** The configuration's name, with the engine added when it is not DL4J (e.g. run with --set model.engine=dense). */
  static String label(String config, WorkerResult w) {
    return w.engine().isEmpty() || w.engine().equals("dl4j") ? config : config + " [" + w.engine() + "]";
  }

  private static String accuracyRow(String eps, String fedsim, String peer) {
    return peer == null ? String.format(Locale.ROOT, "%-8s | %s", eps, fedsim)
        : String.format(Locale.ROOT, "%-8s | %-30s | %s", eps, fedsim, peer);
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

  private static String meanAndValues(List<Double> v) {
    return f4(Stats.mean(v)) + " (" + join(v, BenchTable::f3) + ")";
  }

  private static <T> String join(List<T> items, Function<T, String> f) {
    return String.join(", ", items.stream().map(f).toList());
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
