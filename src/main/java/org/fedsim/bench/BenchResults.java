package org.fedsim.bench;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything one {@code fedsim bench} measured: written as bench-results.json and printed as a table by the CLI.
 *
 * @param peer null with --no-peer
 * @param sweep null without --sweep
 * @param idleHeap empty without --idle-heap
 * @param goals the goal lines, in the order printed (see {@link #goals})
 */
public record BenchResults(
    String startedAt,
    int cpus,
    String javaVersion,
    String data,
    int rounds,
    int repeat,
    List<FedsimRow> fedsim,
    PeerRow peer,
    SweepResult sweep,
    List<IdleHeapRow> idleHeap,
    List<Ratio> ratios,
    List<Goal> goals) {
  /** Issue 2: the (DL4J) fedsim seed run at least this many times faster than the peer's. */
  public static final double GOAL_SPEEDUP = 2.0;
  /** Issue 3: the dense engine's seed run at least this many times faster than the peer's. */
  public static final double GOAL_DENSE_SPEEDUP = 100.0;
  /** Issue 3: the dense engine's whole ε sweep (27 timed runs) under this many seconds. */
  public static final double GOAL_DENSE_SWEEP_SECONDS = 10.0;
  /** Issue 3: heap per idle dense hospital under 4 KB, read as 4,000 bytes (the stricter reading). */
  public static final double GOAL_IDLE_HOSPITAL_BYTES = 4000;

  public BenchResults {
    fedsim = List.copyOf(fedsim);
    idleHeap = idleHeap == null ? List.of() : List.copyOf(idleHeap);
    ratios = List.copyOf(ratios);
    goals = List.copyOf(goals);
  }

  /** One child JVM's measurement and the parent's view of the process: spawn to exit. */
  public record FedsimRep(double processWallSeconds, WorkerResult worker) {}

  /**
   * One fedsim configuration over its repetitions: medians of wall and CPU, rates at the median wall.
   *
   * @param engine the engine the children really ran (their resolved {@code model.engine})
   * @param warmupRounds rounds of each child's untimed warm-up run
   * @param coldRunSeconds median of the warm-up runs' own times when the warm-up was a full run of the scenario
   *     (the first, cold run in a fresh JVM, comparable with the timed run); NaN otherwise
   * @param coldFinalAccuracy the first repetition's warm-up accuracy under the same condition; NaN otherwise
   */
  public record FedsimRow(String config, String engine, String description, List<String> jvmArgs,
      List<FedsimRep> repeats, double wallSeconds, double cpuSeconds, double stepsPerSecond, double updatesPerSecond,
      double finalAccuracy, double finalAuc, double peakHeapMb, double startupSeconds, double processWallSeconds,
      int warmupRounds, double coldRunSeconds, double coldFinalAccuracy) {
    public FedsimRow {
      jvmArgs = List.copyOf(jvmArgs);
      repeats = List.copyOf(repeats);
    }

    public static FedsimRow of(JvmConfig config, List<FedsimRep> reps) {
      if (reps.isEmpty()) throw new IllegalArgumentException("no repetitions for " + config.name());
      double wall = Stats.median(reps.stream().map(r -> r.worker().wallSeconds()).toList());
      WorkerResult first = reps.get(0).worker();
      boolean fullWarmup = first.warmupRounds() > 0 && first.warmupRounds() == first.rounds() && first.runs() == 1;
      return new FedsimRow(config.name(), first.engine().isEmpty() ? config.engine() : first.engine(),
          config.description(), config.jvmArgs(), reps, wall,
          Stats.median(reps.stream().map(r -> r.worker().cpuSeconds()).toList()),
          Stats.ratio(first.steps(), wall), Stats.ratio(first.acceptedUpdates(), wall),
          first.finalAccuracy(), first.finalAuc(),
          reps.stream().mapToDouble(r -> r.worker().peakHeapMb()).max().orElse(Double.NaN),
          Stats.median(reps.stream().map(r -> r.worker().startupSeconds()).toList()),
          Stats.median(reps.stream().map(FedsimRep::processWallSeconds).toList()),
          first.warmupRounds(),
          fullWarmup ? Stats.median(reps.stream().map(r -> r.worker().warmupRunSeconds()).toList()) : Double.NaN,
          fullWarmup ? first.warmupFinalAccuracy() : Double.NaN);
    }
  }

  /** One peer process: its wall seen from outside (interpreter start to exit) and what it printed. */
  public record PeerRep(double processWallSeconds, PeerOutput output) {}

  /**
   * The PyTorch peer's seed run. {@code wallSeconds} is the median of its own per-run {@code time=} (model init to
   * last evaluation), the span comparable to fedsim's timed run.
   */
  public record PeerRow(boolean available, String message, String command, String torchVersion,
      List<PeerRep> repeats, double wallSeconds, double cpuSeconds, double stepsPerSecond, double updatesPerSecond,
      double finalAccuracy, double finalAuc, double processWallSeconds) {
    public PeerRow {
      repeats = List.copyOf(repeats);
    }

    public static PeerRow unavailable(String message, String command) {
      return new PeerRow(false, message, command, "", List.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN);
    }

    public static PeerRow of(String command, List<PeerRep> reps, int rounds) {
      List<PeerRep> ok = reps.stream().filter(r -> !r.output().runs().isEmpty()).toList();
      if (ok.isEmpty()) return unavailable("the peer printed no summary line", command);
      double wall = Stats.median(ok.stream().map(r -> r.output().runs().get(0).seconds()).toList());
      PeerOutput first = ok.get(0).output();
      PeerOutput.Run run = first.runs().get(0);
      return new PeerRow(true, "", command, first.torchVersion(), ok, wall,
          Stats.median(ok.stream().map(r -> r.output().runs().get(0).cpuSeconds()).toList()),
          Stats.ratio(first.stepsPerRun(rounds), wall), Stats.ratio(first.updatesPerRun(rounds), wall),
          run.finalAccuracy(), run.finalAuc(),
          Stats.median(ok.stream().map(PeerRep::processWallSeconds).toList()));
    }
  }

  /** The ε sweep: each fedsim configuration in its own fresh child JVM, and the peer's own sweep (null with --no-peer). */
  public record SweepResult(List<SweepRun> fedsim, PeerSweep peer) {
    public SweepResult {
      fedsim = List.copyOf(fedsim);
    }
  }

  /** One configuration's sweep: every run timed in one child JVM, after an untimed warm-up. */
  public record SweepRun(String config, String engine, FedsimRep rep) {
    public WorkerResult worker() {
      return rep.worker();
    }
  }

  /** The peer's sweep, or why it did not run. */
  public record PeerSweep(boolean available, String message, String command, double processWallSeconds,
      PeerOutput output) {}

  /** One engine's idle-heap child: run with the JVM flags of {@code config}. */
  public record IdleHeapRow(String config, double processWallSeconds, IdleHeap.Result result) {}

  /**
   * {@code peerSeconds / fedsimSeconds}: above 1, fedsim is faster. {@code coldRatio} compares the peer with the
   * configuration's first (cold) run in a fresh JVM, where the warm-up was a full run; NaN otherwise.
   */
  public record Ratio(String config, String engine, double peerSeconds, double fedsimSeconds, double ratio,
      double coldSeconds, double coldRatio) {}

  /**
   * One goal line.
   *
   * @param statement what is required, as printed
   * @param config the configuration it was judged on ("" when none)
   * @param measured the number judged (a ratio, seconds or bytes); NaN when unknown
   * @param met null when it could not be judged
   * @param detail the numbers behind it, as printed in parentheses
   */
  public record Goal(String statement, String config, double measured, double required, Boolean met, String detail) {}

  /** Ratios of the peer's seed-run time to each fedsim configuration's; empty without a peer time. */
  public static List<Ratio> ratios(List<FedsimRow> rows, PeerRow peer) {
    List<Ratio> out = new ArrayList<>();
    if (peer == null || !peer.available()) return out;
    for (FedsimRow r : rows) {
      out.add(new Ratio(r.config(), r.engine(), peer.wallSeconds(), r.wallSeconds(),
          Stats.ratio(peer.wallSeconds(), r.wallSeconds()), r.coldRunSeconds(),
          Stats.ratio(peer.wallSeconds(), r.coldRunSeconds())));
    }
    return out;
  }

  /**
   * The goal lines: issue 2's (judged on {@code dl4j-tuned}, the settings the ./fedsim launcher uses, else on the
   * first DL4J configuration), then issue 3's for the dense engine, each only where its measurement was asked for:
   * the seed-run speed-up when a dense configuration ran, the sweep with --sweep, idle heap with --idle-heap.
   */
  public static List<Goal> goals(List<FedsimRow> rows, PeerRow peer, SweepResult sweep, List<IdleHeapRow> idle) {
    List<Goal> out = new ArrayList<>();
    List<Ratio> ratios = ratios(rows, peer);
    boolean peerKnown = peer != null && peer.available();
    String s2 = "fedsim seed run ≥ 2× faster than the PyTorch peer";
    FedsimRow dl4j = rows.stream().filter(r -> r.config().equals(JvmConfig.TUNED) && r.engine().equals("dl4j"))
        .findFirst().orElse(rows.stream().filter(r -> r.engine().equals("dl4j")).findFirst().orElse(null));
    if (dl4j == null) {
      out.add(new Goal(s2, "", Double.NaN, GOAL_SPEEDUP, null, "no DL4J configuration in --configs"));
    } else if (!peerKnown) {
      out.add(new Goal(s2, dl4j.config(), Double.NaN, GOAL_SPEEDUP, null, "no peer measurement"));
    } else {
      Ratio r = ratioOf(ratios, dl4j.config());
      out.add(new Goal(s2, dl4j.config(), r.ratio(), GOAL_SPEEDUP, atLeast(r.ratio(), GOAL_SPEEDUP),
          String.format(Locale.ROOT, "%s: %s×", dl4j.config(), x(r.ratio()))));
    }

    FedsimRow dense = rows.stream().filter(r -> r.config().equals(JvmConfig.DENSE) && r.engine().equals("dense"))
        .findFirst().orElse(rows.stream().filter(r -> r.engine().equals("dense")).findFirst().orElse(null));
    String s3 = "dense seed run ≥ 100× faster than the PyTorch peer";
    if (dense != null && !peerKnown) {
      out.add(new Goal(s3, dense.config(), Double.NaN, GOAL_DENSE_SPEEDUP, null, "no peer measurement"));
    } else if (dense != null) {
      Ratio r = ratioOf(ratios, dense.config());
      String warm = dense.warmupRounds() == 0 ? "the timed run, no warm-up"
          : String.format(Locale.ROOT, "the timed run after untimed warm-up runs of %d rounds", dense.warmupRounds());
      String cold = Double.isNaN(r.coldRatio()) ? "no full cold run measured (the warm-up was not a full run)"
          : String.format(Locale.ROOT, "the first (cold) run in a fresh JVM: %s×, %s", x(r.coldRatio()),
              atLeast(r.coldRatio(), GOAL_DENSE_SPEEDUP) ? "also met" : "not met");
      out.add(new Goal(s3, dense.config(), r.ratio(), GOAL_DENSE_SPEEDUP, atLeast(r.ratio(), GOAL_DENSE_SPEEDUP),
          String.format(Locale.ROOT, "%s: %s× on %s; %s", dense.config(), x(r.ratio()), warm, cold)));
    }

    if (sweep != null) {
      sweep.fedsim().stream().filter(f -> f.engine().equals("dense")).findFirst().ifPresent(f -> {
        WorkerResult w = f.worker();
        out.add(new Goal("dense ε sweep (27 runs) < 10 s", f.config(), w.wallSeconds(), GOAL_DENSE_SWEEP_SECONDS,
            w.wallSeconds() < GOAL_DENSE_SWEEP_SECONDS,
            String.format(Locale.ROOT, "%s: %d timed runs %.2f s; the whole child JVM, start-up and %d-round "
                + "warm-up included, %.2f s", f.config(), w.runs(), w.wallSeconds(), w.warmupRounds(),
                f.rep().processWallSeconds())));
      });
    }

    if (idle != null) {
      idle.stream().filter(i -> i.result().engine().equals("dense")).findFirst().ifPresent(i -> {
        IdleHeap.Result r = i.result();
        out.add(new Goal("heap per idle hospital (dense) < 4 KB", i.config(), r.bytesPerHospital(),
            GOAL_IDLE_HOSPITAL_BYTES, r.bytesPerHospital() < GOAL_IDLE_HOSPITAL_BYTES,
            String.format(Locale.ROOT, "%,d B per idle hospital actor with its model, %,d hospitals; < 4,000 B "
                + "required", r.bytesPerHospital(), r.hospitals())));
      });
    }
    return out;
  }

  private static Ratio ratioOf(List<Ratio> ratios, String config) {
    return ratios.stream().filter(r -> r.config().equals(config)).findFirst().orElseThrow();
  }

  private static boolean atLeast(double v, double required) {
    return !Double.isNaN(v) && v >= required;
  }

  /** A speed-up: one decimal from 10 up, two below. */
  static String x(double v) {
    if (Double.isNaN(v)) return "-";
    return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
  }

  /** Writes these results as {@code dir/bench-results.json}: a temp file in the same directory, then a move. */
  public Path writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve("bench-results.json");
    Path tmp = Files.createTempFile(dir, "bench-results", ".json.tmp");
    try {
      Files.writeString(tmp, Json.pretty(this) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }
}
