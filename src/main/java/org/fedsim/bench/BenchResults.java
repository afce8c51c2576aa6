package org.fedsim.bench;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one {@code fedsim bench} measured: written as bench-results.json and printed as a table by the CLI.
 *
 * @param peer null with --no-peer
 * @param sweep null without --sweep
 * @param goal null when there is no peer time to compare with
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
    List<Ratio> ratios,
    Goal goal) {
  /** The goal: the fedsim seed run at least this many times faster than the peer's. */
  public static final double GOAL_SPEEDUP = 2.0;

  public BenchResults {
    fedsim = List.copyOf(fedsim);
    ratios = List.copyOf(ratios);
  }

  /** One child JVM's measurement and the parent's view of the process: spawn to exit. */
  public record FedsimRep(double processWallSeconds, WorkerResult worker) {}

  /** One fedsim configuration over its repetitions: medians of wall and CPU, rates at the median wall. */
  public record FedsimRow(String config, String description, List<String> jvmArgs, List<FedsimRep> repeats,
      double wallSeconds, double cpuSeconds, double stepsPerSecond, double updatesPerSecond, double finalAccuracy,
      double finalAuc, double peakHeapMb, double startupSeconds, double processWallSeconds) {
    public FedsimRow {
      jvmArgs = List.copyOf(jvmArgs);
      repeats = List.copyOf(repeats);
    }

    public static FedsimRow of(JvmConfig config, List<FedsimRep> reps) {
      if (reps.isEmpty()) throw new IllegalArgumentException("no repetitions for " + config.name());
      double wall = Stats.median(reps.stream().map(r -> r.worker().wallSeconds()).toList());
      WorkerResult first = reps.get(0).worker();
      return new FedsimRow(config.name(), config.description(), config.jvmArgs(), reps, wall,
          Stats.median(reps.stream().map(r -> r.worker().cpuSeconds()).toList()),
          Stats.ratio(first.steps(), wall), Stats.ratio(first.acceptedUpdates(), wall),
          first.finalAccuracy(), first.finalAuc(),
          reps.stream().mapToDouble(r -> r.worker().peakHeapMb()).max().orElse(Double.NaN),
          Stats.median(reps.stream().map(r -> r.worker().startupSeconds()).toList()),
          Stats.median(reps.stream().map(FedsimRep::processWallSeconds).toList()));
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

  /** The ε sweep: fedsim in one tuned child JVM, and the peer's own sweep (null with --no-peer). */
  public record SweepResult(String config, FedsimRep fedsim, PeerSweep peer) {}

  /** The peer's sweep, or why it did not run. */
  public record PeerSweep(boolean available, String message, String command, double processWallSeconds,
      PeerOutput output) {}

  /** {@code peerSeconds / fedsimSeconds}: above 1, fedsim is faster. */
  public record Ratio(String config, double peerSeconds, double fedsimSeconds, double ratio) {}

  /** Whether the chosen fedsim configuration's seed run was at least {@link #GOAL_SPEEDUP} times the peer's speed. */
  public record Goal(String config, double ratio, double required, boolean met) {}

  /** Ratios of the peer's seed-run time to each fedsim configuration's; empty without a peer time. */
  public static List<Ratio> ratios(List<FedsimRow> rows, PeerRow peer) {
    List<Ratio> out = new ArrayList<>();
    if (peer == null || !peer.available()) return out;
    for (FedsimRow r : rows) {
      out.add(new Ratio(r.config(), peer.wallSeconds(), r.wallSeconds(), Stats.ratio(peer.wallSeconds(),
          r.wallSeconds())));
    }
    return out;
  }

  /**
   * The goal judged on {@code dl4j-tuned} (the settings the ./fedsim launcher uses) when it was measured, otherwise
   * on the first configuration; null without a ratio.
   */
  public static Goal goal(List<Ratio> ratios) {
    if (ratios.isEmpty()) return null;
    Ratio pick = ratios.stream().filter(r -> r.config().equals(JvmConfig.TUNED)).findFirst().orElse(ratios.get(0));
    return new Goal(pick.config(), pick.ratio(), GOAL_SPEEDUP, !Double.isNaN(pick.ratio())
        && pick.ratio() >= GOAL_SPEEDUP);
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
