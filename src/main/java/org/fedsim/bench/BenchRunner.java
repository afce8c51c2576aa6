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
 * spreads over all of them. Returns the results; printing is the caller's business.
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
        progress.accept(String.format(Locale.ROOT, "fedsim %s%s: seed run, %d rounds, fresh JVM (%s) ...",
            config.name(), of, options.rounds(), config.description()));
        BenchResults.FedsimRep r = runWorker(config, options.seedScenario());
        reps.computeIfAbsent(config, c -> new ArrayList<>()).add(r);
        progress.accept(String.format(Locale.ROOT, "  wall %.2f s, cpu %.2f s, acc %.4f (startup %.2f s, process %.2f s)",
            r.worker().wallSeconds(), r.worker().cpuSeconds(), r.worker().finalAccuracy(),
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
    BenchResults.SweepResult sweep = options.sweep() ? runSweep(peer, peerProblem) : null;
    List<BenchResults.Ratio> ratios = BenchResults.ratios(rows, peerRow);
    return new BenchResults(startedAt, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        options.data().toString(), options.rounds(), options.repeat(), rows, peerRow, sweep, ratios,
        BenchResults.goal(ratios));
  }

  private BenchResults.SweepResult runSweep(PeerRunner peer, String peerProblem) throws IOException {
    JvmConfig tuned = JvmConfig.tuned();
    progress.accept(String.format(Locale.ROOT, "fedsim %s: epsilon sweep (%s), %d rounds each, one fresh JVM ...",
        tuned.name(), BenchOptions.SWEEP_SCENARIO, options.rounds()));
    BenchResults.FedsimRep f = runWorker(tuned, options.sweepScenario());
    progress.accept(String.format(Locale.ROOT, "  %d runs: wall %.1f s (%.2f s/run), cpu %.1f s",
        f.worker().runs(), f.worker().wallSeconds(), f.worker().meanRunSeconds(), f.worker().cpuSeconds()));
    BenchResults.PeerSweep ps = null;
    if (options.peer()) {
      String cmd = String.join(" ", peer.command(true, null));
      if (peerProblem != null) {
        ps = new BenchResults.PeerSweep(false, peerProblem, cmd, Double.NaN, null);
      } else {
        progress.accept("pytorch peer: epsilon sweep: " + cmd + " ...");
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
    return new BenchResults.SweepResult(tuned.name(), f, ps);
  }

  private BenchResults.FedsimRep runWorker(JvmConfig config, Path scenario) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    cmd.addAll(config.jvmArgs());
    cmd.addAll(List.of("-cp", classpath, WORKER_CLASS, "--scenario", scenario.toString(),
        "--threads", Integer.toString(options.threads()), "--warmup-rounds", "1"));
    for (String set : options.scenarioSets()) {
      cmd.add("--set");
      cmd.add(set);
    }
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
