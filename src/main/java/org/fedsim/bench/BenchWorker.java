package org.fedsim.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.fedsim.metrics.SiteSummary;
import org.fedsim.model.ModelSettings;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@code fedsim bench}: loads a scenario, runs an untimed warm-up (the scenario's first run with
 * {@code rounds} set to the warm-up's rounds; its own run time is still reported), then every run of the scenario
 * timed, and prints its {@link WorkerResult} as the single line {@code BENCH {json}} on stdout (the
 * protocol with the parent). Everything else, logs included, goes to stderr. Exit code 0 on success, 1 on failure,
 * 2 on bad arguments.
 *
 * <pre>
 * java [flags] -cp fedsim.jar org.fedsim.bench.BenchWorker --scenario FILE [--set KEY=VALUE]... [--threads N]
 *     [--warmup-rounds N] [--warmup-runs K]
 * </pre>
 */
public final class BenchWorker {
  private static final Logger log = LoggerFactory.getLogger(BenchWorker.class);

  /** The worker's arguments. */
  record Args(Path scenario, List<String> sets, int threads, int warmupRounds, int warmupRuns) {
    static Args parse(String[] args) {
      Path scenario = null;
      List<String> sets = new ArrayList<>();
      int threads = 0;
      int warmup = 1;
      int warmupRuns = 1;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) throw new IllegalArgumentException("missing value after " + a);
        String v = args[++i];
        switch (a) {
          case "--scenario" -> scenario = Path.of(v);
          case "--set" -> sets.add(v);
          case "--threads" -> threads = Integer.parseInt(v);
          case "--warmup-rounds" -> warmup = Integer.parseInt(v);
          case "--warmup-runs" -> warmupRuns = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      if (scenario == null) throw new IllegalArgumentException("--scenario FILE is required");
      if (warmup < 0) throw new IllegalArgumentException("--warmup-rounds must be >= 0");
      if (warmupRuns < 1) throw new IllegalArgumentException("--warmup-runs must be >= 1");
      return new Args(scenario, sets, threads, warmup, warmupRuns);
    }
  }

  private BenchWorker() {}

  public static void main(String[] argv) {
    ChildMain.run("bench worker", () -> WorkerProtocol.format(run(Args.parse(argv))));
  }

  static WorkerResult run(Args args) {
    long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(args.scenario(), args.sets(), null);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int threads = args.threads() > 0 ? args.threads() : Runtime.getRuntime().availableProcessors();
    try (ExperimentRunner runner = new ExperimentRunner(threads)) {
      double warmup = 0;
      double warmupRun = Double.NaN;
      double warmupAccuracy = Double.NaN;
      if (args.warmupRounds() > 0) {
        List<String> sets = new ArrayList<>(args.sets());
        sets.add("rounds=" + args.warmupRounds());
        RunSpec w = ScenarioLoader.load(args.scenario(), sets, null).runs().get(0);
        long t = System.nanoTime();
        for (int k = 0; k < args.warmupRuns(); k++) { // the first warm-up run is the cold one
          ExperimentRunner.RunResult r = runner.run(w, (spec, round) -> { });
          if (k == 0) {
            warmupRun = r.wallSeconds();
            warmupAccuracy = SiteSummary.of(r.last().sites()).accuracy();
          }
        }
        warmup = (System.nanoTime() - t) / 1e9;
        log.info("warm-up ({} round(s)) took {} s (the run itself {} s)", args.warmupRounds(), warmup, warmupRun);
      }
      double startup = (System.currentTimeMillis() - jvmStartMillis) / 1e3;

      double loadBefore = os.getSystemLoadAverage();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      List<WorkerResult.RunOutcome> outcomes = new ArrayList<>();
      ExperimentRunner.RunResult last = null;
      for (RunSpec spec : loaded.runs()) {
        ExperimentRunner.RunResult r = runner.run(spec, (s, round) -> { });
        ModelSettings m = spec.scenario().model();
        SiteSummary all = SiteSummary.of(r.last().sites());
        outcomes.add(new WorkerResult.RunOutcome(spec.label(), r.rounds().size(), r.wallSeconds(),
            StepCounter.steps(r.rounds(), m.batchSize(), m.localEpochs()), StepCounter.acceptedUpdates(r.rounds()),
            all.accuracy(), all.auc()));
        log.info("run {}: {} rounds in {} s, acc {}", spec.label(), r.rounds().size(), r.wallSeconds(),
            all.accuracy());
        last = r;
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      long cpu1 = os.getProcessCpuTime();
      double loadAfter = os.getSystemLoadAverage();

      WorkerResult.RunOutcome lastOutcome = outcomes.get(outcomes.size() - 1);
      String omp = System.getenv("OMP_NUM_THREADS");
      return new WorkerResult(loaded.name(), outcomes.size(), last.rounds().size(), threads, wall,
          cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9,
          outcomes.stream().mapToLong(WorkerResult.RunOutcome::steps).sum(),
          outcomes.stream().mapToLong(WorkerResult.RunOutcome::acceptedUpdates).sum(),
          lastOutcome.finalAccuracy(), lastOutcome.finalAuc(), peakHeapMb(), startup, warmup, loadBefore, loadAfter,
          System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments(),
          omp == null ? "(unset)" : omp, ForkJoinPool.getCommonPoolParallelism(), outcomes, engine(loaded),
          args.warmupRounds(), warmupRun, warmupAccuracy);
    }
  }

  /** The resolved model.engine, read from the config so this works whether or not the key exists. */
  static String engine(ScenarioLoader.Loaded loaded) {
    return loaded.resolved().hasPath("model.engine") ? loaded.resolved().getString("model.engine") : "";
  }

  /** Sum over the heap pools (eden, survivor, old) of each pool's peak usage, in MiB. */
  static double peakHeapMb() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) bytes += pool.getPeakUsage().getUsed();
    }
    return bytes / (1024.0 * 1024.0);
  }
}
