package org.fedsim.bench;

import java.util.List;

/**
 * What one child JVM ({@link BenchWorker}) measured: the timed part covers every run of the scenario, after an
 * untimed warm-up. This is the payload of the worker's single {@code BENCH {json}} line.
 *
 * @param scenario the scenario's name
 * @param threads training threads of the ExperimentRunner (as resolved in the child)
 * @param wallSeconds wall time of the timed runs (all of them)
 * @param cpuSeconds process CPU time over the timed runs (every thread: training, actors, GC, JIT)
 * @param steps local minibatch steps over the timed runs
 * @param acceptedUpdates client updates that went into an aggregate over the timed runs
 * @param finalAccuracy weighted validation accuracy after the last round of the last run
 * @param finalAuc weighted validation AUC after the last round of the last run
 * @param peakHeapMb sum of the peak usage of the heap memory pools over the whole child JVM's life, MiB
 * @param startupSeconds JVM start to ready for the timed part (ActorSystem, ND4J, data, warm-up)
 * @param warmupSeconds the warm-up run alone (one short run, untimed for the table)
 * @param loadBefore system load average (1 min) when the timed part started
 * @param loadAfter system load average (1 min) when it ended
 * @param jvmArgs the child's JVM input arguments, to check what it really ran with
 * @param ompNumThreads the child's OMP_NUM_THREADS, or "(unset)"
 * @param forkJoinParallelism the child's common ForkJoinPool parallelism
 * @param engine the resolved {@code model.engine} (e.g. dl4j), or "" where the scenario has no such key
 * @param warmupRounds rounds of the untimed warm-up run (0 = none); the first run of the scenario with
 *     {@code rounds} set to this
 * @param warmupRunSeconds the warm-up run's own wall time, as the timed runs count theirs (the first, cold run in
 *     this JVM: no data load or initial parameters inside, but a cold JIT); NaN without a warm-up
 * @param warmupFinalAccuracy weighted validation accuracy after the warm-up run's last round; NaN without one
 */
public record WorkerResult(
    String scenario,
    int runs,
    int rounds,
    int threads,
    double wallSeconds,
    double cpuSeconds,
    long steps,
    long acceptedUpdates,
    double finalAccuracy,
    double finalAuc,
    double peakHeapMb,
    double startupSeconds,
    double warmupSeconds,
    double loadBefore,
    double loadAfter,
    String javaVersion,
    List<String> jvmArgs,
    String ompNumThreads,
    int forkJoinParallelism,
    List<RunOutcome> perRun,
    String engine,
    int warmupRounds,
    double warmupRunSeconds,
    double warmupFinalAccuracy) {

  public WorkerResult {
    jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
    perRun = perRun == null ? List.of() : List.copyOf(perRun);
    engine = engine == null ? "" : engine;
  }

  /** One timed run of the scenario (a sweep has many). */
  public record RunOutcome(String label, int rounds, double wallSeconds, long steps, long acceptedUpdates,
      double finalAccuracy, double finalAuc) {}

  public double stepsPerSecond() {
    return Stats.ratio(steps, wallSeconds);
  }

  public double updatesPerSecond() {
    return Stats.ratio(acceptedUpdates, wallSeconds);
  }

  public double meanRunSeconds() {
    return runs == 0 ? Double.NaN : wallSeconds / runs;
  }
}
