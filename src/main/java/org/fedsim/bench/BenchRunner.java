package org.fedsim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark: each fedsim configuration in fresh child JVMs ({@link BenchWorker}), the PyTorch peer as a
 * child process, repetitions interleaved (config A, config B, peer, then again) so slow drift of a noisy machine
 * spreads over all of them; then, when asked, heap per idle instance ({@link IdleHeap}, one child JVM per engine)
 * and the ε sweep (one child JVM per configuration, then the peer's sweep). Returns the results; printing is the
 * caller's business.
 */
public final class BenchRunner {
  private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);
  static final String WORKER_CLASS = BenchWorker.class.getName();

  private final BenchOptions options;
  private final String javaBin;
  private final String classpath;
  private final Consumer<String> progress;

  /**
   * @param javaBin the java launcher for the children (see {@link #currentJava()})
   * @param classpath the children's class path (see {@link #classpathOf(Class)})
   * @param progress receives one human-readable line per step
   */
  public BenchRunner(BenchOptions options, String javaBin, String classpath, Consumer<String> progress) {
    this.options = options;
    this.javaBin = javaBin;
    this.classpath = classpath;
    this.progress = progress;
  }

  /** The java binary running this JVM. */
  public static String currentJava() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The jar (or classes directory) {@code cls} was loaded from; the full class path when that is not a jar. */
  public static String classpathOf(Class<?> cls) {
    try {
      Path p = Path.of(cls.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(p)) return p.toString();
    } catch (Exception e) {
      log.debug("no code source for {}: {}", cls, e.toString());
    }
    return System.getProperty("java.class.path");
  }

  public BenchResults run() throws IOException {
    String startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    PeerRunner peer = new PeerRunner(options);
    String peerCommand = String.join(" ", peer.command(false, null));
    String peerProblem = null;
    if (options.peer()) {
      peerProblem = peer.unavailableReason();
      if (peerProblem != null) progress.accept(peerProblem);
    }

    Map<JvmConfig, List<BenchResults.FedsimRep>> reps = new LinkedHashMap<>();
    List<BenchResults.PeerRep> peerReps = new ArrayList<>();
    int k = options.repeat();
    for (int rep = 1; rep <= k; rep++) {
      String of = k > 1 ? String.format(Locale.ROOT, " [%d/%d]", rep, k) : "";
      for (JvmConfig config : options.configs()) {
        int warmup = options.warmupRounds(config, false);
        progress.accept(String.format(Locale.ROOT, "fedsim %s%s: seed run, %d rounds, fresh JVM (%s), untimed "
            + "%d-round warm-up ...", config.name(), of, options.rounds(), config.description(), warmup));
        BenchResults.FedsimRep r = runWorker(config, options.seedScenario(), warmup, options.warmupRuns(config));
        reps.computeIfAbsent(config, c -> new ArrayList<>()).add(r);
        progress.accept(String.format(Locale.ROOT, "  engine %s: wall %.3f s, cpu %.3f s, acc %.4f (warm-up run %.3f s;"
            + " startup %.2f s, process %.2f s)", r.worker().engine(), r.worker().wallSeconds(),
            r.worker().cpuSeconds(), r.worker().finalAccuracy(), r.worker().warmupRunSeconds(),
            r.worker().startupSeconds(), r.processWallSeconds()));
      }
      if (options.peer() && peerProblem == null) {
        progress.accept("pytorch peer" + of + ": " + peerCommand + " ...");
        ChildProcess.Outcome o = peer.run(false, options.timeout());
        PeerOutput out = PeerOutput.parse(o.stdout());
        if (o.exitCode() != 0 || out.runs().isEmpty()) {
          peerProblem = "PyTorch peer failed: exit code " + o.exitCode()
              + (out.runs().isEmpty() ? ", no summary line" : "") + " (its stderr is above)";
          progress.accept(peerProblem);
        } else {
          peerReps.add(new BenchResults.PeerRep(o.wallSeconds(), out));
          PeerOutput.Run run = out.runs().get(0);
          progress.accept(String.format(Locale.ROOT, "  time %.2f s, cpu %.2f s, acc %.4f (process %.2f s)",
              run.seconds(), run.cpuSeconds(), run.finalAccuracy(), o.wallSeconds()));
        }
      }
    }

    List<BenchResults.FedsimRow> rows = new ArrayList<>();
    reps.forEach((config, list) -> rows.add(BenchResults.FedsimRow.of(config, list)));
    BenchResults.PeerRow peerRow = null;
    if (options.peer()) {
      peerRow = !peerReps.isEmpty() ? BenchResults.PeerRow.of(peerCommand, peerReps, options.rounds())
          : BenchResults.PeerRow.unavailable(peerProblem, peerCommand);
    }
    List<BenchResults.IdleHeapRow> idle = options.idleHeap() ? runIdleHeap() : List.of();
    BenchResults.SweepResult sweep = options.sweep() ? runSweep(peer, peerProblem) : null;
    List<BenchResults.Ratio> ratios = BenchResults.ratios(rows, peerRow);
    return new BenchResults(startedAt, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        options.data().toString(), options.rounds(), options.repeat(), rows, peerRow, sweep, idle, ratios,
        BenchResults.goals(rows, peerRow, sweep, idle));
  }

  /**
   * The selected configurations' engines, in order, each with the first configuration that runs it (its JVM flags
   * and environment are the idle-heap child's).
   */
  static Map<String, JvmConfig> enginesOf(BenchOptions options) {
    Map<String, JvmConfig> out = new LinkedHashMap<>();
    for (JvmConfig c : options.configs()) out.putIfAbsent(options.engine(c), c);
    return out;
  }

  private List<BenchResults.IdleHeapRow> runIdleHeap() throws IOException {
    List<BenchResults.IdleHeapRow> out = new ArrayList<>();
    for (Map.Entry<String, JvmConfig> e : enginesOf(options).entrySet()) {
      String engine = e.getKey();
      JvmConfig config = e.getValue();
      int n = IdleHeap.defaultInstances(IdleHeap.parseEngine(engine));
      progress.accept(String.format(Locale.ROOT, "idle heap, engine %s: %,d models and %,d hospitals, fresh JVM "
          + "(flags of %s) ...", engine, n, n, config.name()));
      List<String> cmd = new ArrayList<>();
      cmd.add(javaBin);
      cmd.addAll(config.jvmArgs());
      cmd.addAll(List.of("-cp", classpath, IdleHeap.class.getName(), "--engine", engine, "--instances",
          Integer.toString(n)));
      ChildProcess.Outcome o = ChildProcess.run(cmd, null, config::applyTo, options.timeout(),
          line -> {
            if (!line.startsWith(IdleHeap.PREFIX)) log.debug("idle-heap stdout: {}", line);
          });
      if (o.exitCode() != 0) {
        throw new IllegalStateException("idle-heap child JVM (" + engine + ") failed with exit code " + o.exitCode()
            + "; its stderr is above. Command: " + String.join(" ", cmd));
      }
      IdleHeap.Result r = IdleHeap.find(o.stdout()).orElseThrow(() -> new IllegalStateException(
          "idle-heap child JVM (" + engine + ") exited without a '" + IdleHeap.PREFIX.trim() + " {json}' line"));
      progress.accept(String.format(Locale.ROOT, "  %,d B per idle model, %,d B per idle hospital (%.1f s)",
          r.bytesPerModel(), r.bytesPerHospital(), o.wallSeconds()));
      out.add(new BenchResults.IdleHeapRow(config.name(), o.wallSeconds(), r));
    }
    return out;
  }

  private BenchResults.SweepResult runSweep(PeerRunner peer, String peerProblem) throws IOException {
    List<BenchResults.SweepRun> runs = new ArrayList<>();
    for (JvmConfig config : options.configs()) {
      int warmup = options.warmupRounds(config, true);
      progress.accept(String.format(Locale.ROOT, "fedsim %s: epsilon sweep (%s), %d rounds each, one fresh JVM, "
          + "untimed %d-round warm-up%s ...", config.name(), BenchOptions.SWEEP_SCENARIO, options.rounds(), warmup,
          options.engine(config).equals("dl4j") ? " (DL4J: about 15 minutes)" : ""));
      BenchResults.FedsimRep f = runWorker(config, options.sweepScenario(), warmup);
      progress.accept(String.format(Locale.ROOT, "  %d runs: wall %.2f s (%.3f s/run), cpu %.1f s, child process %.2f s",
          f.worker().runs(), f.worker().wallSeconds(), f.worker().meanRunSeconds(), f.worker().cpuSeconds(),
          f.processWallSeconds()));
      runs.add(new BenchResults.SweepRun(config.name(),
          f.worker().engine().isEmpty() ? config.engine() : f.worker().engine(), f));
    }
    BenchResults.PeerSweep ps = null;
    if (options.peer()) {
      String cmd = String.join(" ", peer.command(true, null));
      if (peerProblem != null) {
        ps = new BenchResults.PeerSweep(false, peerProblem, cmd, Double.NaN, null);
      } else {
        progress.accept("pytorch peer: epsilon sweep (about 7-8 minutes): " + cmd + " ...");
        ChildProcess.Outcome o = peer.run(true, options.timeout());
        PeerOutput out = PeerOutput.parse(o.stdout());
        if (o.exitCode() != 0 || out.runs().isEmpty()) {
          ps = new BenchResults.PeerSweep(false, "PyTorch peer sweep failed: exit code " + o.exitCode(), cmd,
              o.wallSeconds(), out);
        } else {
          ps = new BenchResults.PeerSweep(true, "", cmd, o.wallSeconds(), out);
          progress.accept(String.format(Locale.ROOT, "  %d runs: wall %.1f s (process %.1f s)", out.runs().size(),
              out.totalWallSeconds(), o.wallSeconds()));
        }
      }
    }
    return new BenchResults.SweepResult(runs, ps);
  }

  /** The child JVM's command line for one worker. */
  List<String> workerCommand(JvmConfig config, Path scenario, int warmupRounds) {
    return workerCommand(config, scenario, warmupRounds, 1);
  }

  List<String> workerCommand(JvmConfig config, Path scenario, int warmupRounds, int warmupRuns) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    cmd.addAll(config.jvmArgs());
    cmd.addAll(List.of("-cp", classpath, WORKER_CLASS, "--scenario", scenario.toString(),
        "--threads", Integer.toString(options.threads()), "--warmup-rounds", Integer.toString(warmupRounds),
        "--warmup-runs", Integer.toString(warmupRuns)));
    for (String set : options.scenarioSets(config)) {
      cmd.add("--set");
      cmd.add(set);
    }
    return cmd;
  }

  private BenchResults.FedsimRep runWorker(JvmConfig config, Path scenario, int warmupRounds) throws IOException {
    return runWorker(config, scenario, warmupRounds, 1);
  }

  private BenchResults.FedsimRep runWorker(JvmConfig config, Path scenario, int warmupRounds, int warmupRuns)
      throws IOException {
    List<String> cmd = workerCommand(config, scenario, warmupRounds, warmupRuns);
    ChildProcess.Outcome o = ChildProcess.run(cmd, null, config::applyTo, options.timeout(),
        line -> {
          if (!line.startsWith(WorkerProtocol.PREFIX)) log.debug("worker stdout: {}", line);
        });
    if (o.exitCode() != 0) {
      throw new IllegalStateException("fedsim child JVM (" + config.name() + ") failed with exit code "
          + o.exitCode() + "; its stderr is above. Command: " + String.join(" ", cmd));
    }
    WorkerResult w = WorkerProtocol.find(o.stdout()).orElseThrow(() -> new IllegalStateException(
        "fedsim child JVM (" + config.name() + ") exited without a '" + WorkerProtocol.PREFIX.trim()
            + " {json}' line on stdout"));
    return new BenchResults.FedsimRep(o.wallSeconds(), w);
  }
}
