package org.fedsim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fedsim.metrics.Checkpoint;
import org.fedsim.metrics.ResultsWriter;
import org.fedsim.metrics.RunCheckpoints;
import org.fedsim.metrics.RunRows;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import org.fedsim.timing.ClockSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedsim run SCENARIO}: run a scenario (every run of its sweep) and write its results. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run a scenario file (HOCON; every key and its default is in src/main/resources/reference.conf) "
            + "and write metrics.csv, summary.json, fairness.csv, resolved.conf (baselines.csv when asked for), "
            + "figures/*.png and report.html into the output directory.",
        "A sweep { key = [values] } block runs once per combination, --parallel N of them at once.",
        "Exit codes: 0 done, 2 bad input (scenario, data, flags), 1 failure."},
    footer = {"", "Examples:",
        "  fedsim run scenarios/seed-mimic.conf",
        "  fedsim run scenarios/seed-mimic.conf --set rounds=5 \\",
        "      --set privacy.mode=local --set privacy.epsilon=10",
        "  fedsim run scenarios/seed-mimic-eps-sweep.conf --out results/sweep \\",
        "      --parallel 2",
        "  fedsim run scenarios/seed003-clients.conf   # local-only vs FL vs centralized",
        "  fedsim run --resume results/sweep        # after the run above was killed"})
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
      description = "the scenario file, e.g. scenarios/seed-mimic.conf")
  Path scenario;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "go on with a run that was stopped (killed, crashed) from its last finished round, in its "
          + "output directory DIR; in the virtual clock the finished metrics.csv equals an uninterrupted run's")
  Path resume;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a scenario key (HOCON value), e.g. --set rounds=5; repeatable")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR",
      description = "output directory (default: results/<scenario>-<timestamp>); must not already hold results")
  Path out;

  @Option(names = "--seed", paramLabel = "N",
      description = "override the scenario's master seed (and replace a sweep over seeds by this one)")
  Long seed;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "threads that train hospitals' models (default: one per core)")
  int threads;

  @Option(names = {"-q", "--quiet"}, description = "no per-round progress lines")
  boolean quiet;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "0",
      description = "runs of a sweep that go on at once (default 0: one per core); the results are the same bytes "
          + "as one at a time. A resumed sweep skips every run written and goes on with those that were under way "
          + "from their last finished rounds")
  int parallel;

  @Option(names = "--no-report", description = "do not write figures/*.png and report.html at the end "
      + "('fedsim report DIR' writes them later)")
  boolean noReport;

  /** Where the runs run: null = a local ExperimentRunner (every hospital in this JVM); a cluster node sets its own. */
  java.util.function.Supplier<ExperimentRunner> runners;

  /** Called after every round's results are written (tests, cluster-demo); null = nothing. */
  java.util.function.Consumer<org.fedsim.server.RunEvent.RoundCompleted> afterRound;

  @Override
  public Integer call() throws Exception {
    // flags first: nothing is written before they are known to be good
    if (parallel < 0) throw new ScenarioException("--parallel must be >= 0 (0 = one run per core), got " + parallel);
    if (threads < 0) throw new ScenarioException("--threads must be >= 0 (0 = one per core), got " + threads);
    if (resume != null) return resume();
    if (scenario == null) throw new ScenarioException("missing SCENARIO (or --resume DIR): try 'fedsim run --help'");
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(scenario, sets, seed);
    Path dir = out != null ? out : defaultDirectory(loaded.name());
    OutputDirectory.check(dir, out != null ? "--out" : "output directory");
    refuseResults(dir);
    try (ExperimentRunner runner = newRunner()) {
      // every run of the sweep against its data before anything is written: bad settings leave no directory behind
      for (RunSpec run : loaded.runs()) runner.preflight(run);
      boolean existed = Files.isDirectory(dir);
      OutputDirectory lock = OutputDirectory.lock(dir, out != null ? "--out" : "output directory");
      boolean done = false;
      try {
        refuseResults(dir); // again, now that no other fedsim can write there
      } catch (ScenarioException e) {
        lock.close();
        throw e;
      }
      try (ResultsWriter writer = new ResultsWriter(dir)) {
        int code = runAll(loaded, dir, writer, null, runner);
        done = true;
        return code;
      } finally {
        // a failure (any, native errors included) before a round to go on from leaves nothing behind
        if (!done && !RunCheckpoints.holdsRound(dir)) removeUnfinished(dir);
        lock.close();
        if (!existed) deleteIfEmpty(dir);
      }
    }
  }

  /** Results, finished or not (metrics.csv, metrics.csv.partial, checkpoints/), are never written over. */
  private static void refuseResults(Path dir) {
    for (String f : List.of("metrics.csv", "metrics.csv.partial", RunCheckpoints.DIR)) {
      if (Files.exists(dir.resolve(f))) {
        throw new ScenarioException("output directory " + dir + " already holds results (" + f + "); choose another "
            + "--out" + (RunCheckpoints.canResume(dir) ? ", or go on with it: fedsim run --resume " + dir : ""));
      }
    }
  }

  /** results/NAME-TIMESTAMP, with -2, -3, ... when another run took that name in the same second. */
  private static Path defaultDirectory(String name) {
    String base = name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = Path.of("results", base);
    for (int k = 2; Files.exists(dir); k++) dir = Path.of("results", base + "-" + k);
    return dir;
  }

  /** What a run that failed before its first round wrote: nothing worth keeping, nothing to resume. */
  private static void removeUnfinished(Path dir) {
    for (String f : List.of("metrics.csv.partial", "resolved.conf")) {
      try {
        Files.deleteIfExists(dir.resolve(f));
      } catch (java.io.IOException ignored) {
        // best effort: the error that stopped the run is what the user needs to see
      }
    }
    try {
      RunCheckpoints.removeAll(dir); // rows of runs side by side that had not finished a round
    } catch (java.io.IOException ignored) {
      // best effort, as above
    }
  }

  /** Removes {@code dir} (made by this run) when nothing but its lock file is in it. */
  private static void deleteIfEmpty(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      if (files.allMatch(f -> f.getFileName().toString().equals(OutputDirectory.LOCK_FILE))) {
        Files.deleteIfExists(dir.resolve(OutputDirectory.LOCK_FILE));
        Files.delete(dir);
      }
    } catch (java.io.IOException ignored) {
      // it holds something, or is gone: either way nothing to do
    }
  }

  private ExperimentRunner newRunner() {
    return runners != null ? runners.get() : new ExperimentRunner(threads);
  }

  static final String ACCOUNTANT = "RDP (dp_accounting's 156 orders, exact series), improved conversion";

  /** Go on with an interrupted run from its last checkpoint, as it started (its resolved.conf). */
  private Integer resume() throws Exception {
    if (scenario != null || !sets.isEmpty() || seed != null || out != null) {
      throw new ScenarioException("--resume takes no SCENARIO, --set, --seed or --out: the run goes on as it started");
    }
    Path dir = resume;
    if (!Files.exists(dir)) {
      throw new ScenarioException("--resume " + dir + ": the directory does not exist (expected the output directory "
          + "of a stopped run)");
    }
    if (!Files.isDirectory(dir)) {
      throw new ScenarioException("--resume " + dir + ": is a file, expected the output directory of a stopped run");
    }
    if (Files.exists(dir.resolve("metrics.csv"))) {
      throw new ScenarioException(dir + " holds a finished run (metrics.csv): nothing to resume");
    }
    if (!RunCheckpoints.canResume(dir)) {
      throw new ScenarioException("nothing to resume in " + dir + ": expected resolved.conf with metrics.csv.partial, "
          + Checkpoint.FILE + " or " + RunCheckpoints.DIR + "/ (a run leaves them as it starts); start the scenario "
          + "again");
    }
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(dir.resolve("resolved.conf"), List.of(), null);
    // no checkpoint.json: killed before a run was written, or it was deleted; runs without their own checkpoint in
    // checkpoints/ start at round 1
    Path file = dir.resolve(Checkpoint.FILE);
    Checkpoint checkpoint = Files.exists(file)
        ? Checkpoint.readFile(file, loaded.name(), null, "", ResultsWriter.redo(dir)) : null;
    try (OutputDirectory lock = OutputDirectory.lock(dir, "--resume");
        ExperimentRunner runner = newRunner();
        ResultsWriter writer = checkpoint == null ? new ResultsWriter(dir) : ResultsWriter.resume(dir, checkpoint)) {
      return runAll(loaded, dir, writer, checkpoint, runner);
    }
  }

  /** The figures and report.html; the results are complete without them, so a failure here is only reported. */
  private static void writeReport(Path dir) {
    try {
      org.fedsim.report.Report.Written w = org.fedsim.report.Report.write(dir);
      System.out.println("fedsim: wrote " + w.html() + " (" + w.figures().size() + " figures)");
    } catch (RuntimeException | LinkageError e) {
      System.err.println("fedsim: the results are complete, but the report could not be written: " + e
          + " (try 'fedsim report " + dir + "')");
    }
  }

  /**
   * Every run of the scenario not finished yet. One at a time, each round's rows and a checkpoint are written as it
   * finishes; with more than one worker, runs go on side by side, each with its own rows file and checkpoint, and
   * each run's rows are written, in the sweep's order, once it and every run before it have finished (so
   * metrics.csv is the same bytes either way). Runs side by side go on from their own checkpoints (a fresh run has
   * none: it refuses a directory holding checkpoints/).
   */
  private Integer runAll(ScenarioLoader.Loaded loaded, Path dir, ResultsWriter writer, Checkpoint from,
      ExperimentRunner runner) {
    Set<String> done = new HashSet<>();
    for (ResultsWriter.RunSummary s : writer.finished()) done.add(s.run());
    List<RunSpec> todo = new ArrayList<>();
    RunSpec resumed = null;
    RunSpec unsummed = null; // finished all its rounds; killed before its summary was written
    RunCheckpoints runFiles =
        new RunCheckpoints(dir, loaded.name(), loaded.runs().stream().map(RunSpec::label).toList());
    java.util.Map<String, Checkpoint> sideBySide = new java.util.HashMap<>(); // runs' own checkpoints
    for (RunSpec run : loaded.runs()) {
      if (done.contains(run.label())) {
        runFiles.remove(run.label()); // killed after it was written, before its files went
        continue;
      }
      if (from != null && run.label().equals(from.run())) {
        if (from.state().round() >= run.scenario().rounds()) unsummed = run;
        else resumed = run;
      } else {
        todo.add(run);
        Checkpoint own = runFiles.resume(run.label()); // its rows cut back to it
        if (own != null) sideBySide.put(run.label(), own);
      }
    }
    // after the checkpoints were checked: a refused resume prints one line and rewrites nothing
    ConsoleReport console = new ConsoleReport(System.out, quiet);
    console.header(loaded, dir);
    String resolved = "# fedsim resolved scenario: every key, defaults and overrides included\n" + loaded.render();
    writer.resolved(resolved);
    int total = (resumed == null ? 0 : resumed.scenario().rounds() - from.state().round())
        + todo.stream().mapToInt(r -> r.scenario().rounds() - (sideBySide.containsKey(r.label())
            ? Math.min(r.scenario().rounds(), sideBySide.get(r.label()).state().round()) : 0)).sum();
    Progress progress = new Progress(System.err, Progress.enabled(quiet), todo.size() + (resumed == null ? 0 : 1), total);
    console.perRoundLines(!progress.active());
    try {
      Sweep sweep = new Sweep(loaded, writer, console, progress, runner, afterRound);
      if (unsummed != null) sweep.summaryFromCheckpoint(unsummed, from, "");
      if (resumed != null) sweep.runInPlace(resumed, from);
      int workers = workers(todo);
      if (workers <= 1 && sideBySide.isEmpty()) {
        for (RunSpec run : todo) sweep.runInPlace(run, null);
      } else { // runs that were side by side go on so, whatever --parallel is now: their rows are in their files
        sweep.runSideBySide(todo, workers, sideBySide, runFiles);
      }
    } finally {
      progress.close();
    }
    writer.finish(loaded.name(), resolved);
    console.done(dir);
    if (!noReport) writeReport(dir);
    return 0;
  }

  /**
   * How many runs go on at once: --parallel, or (0) one per core; 1 when fewer than two runs are left, when a run
   * uses the real clock (its timing would depend on the other runs), or on a cluster.
   */
  private int workers(List<RunSpec> todo) {
    if (parallel < 0) throw new ScenarioException("--parallel must be >= 0 (0 = one run per core), got " + parallel);
    if (todo.stream().anyMatch(r -> r.scenario().timing().clock().mode() == ClockSettings.Mode.REAL)) return 1;
    if (runners != null) return 1; // a cluster's hospitals serve one run at a time
    int wanted = parallel > 0 ? parallel : Runtime.getRuntime().availableProcessors();
    return Math.max(1, Math.min(wanted, todo.size()));
  }

  /** Runs a sweep's runs and writes their results. */
  private record Sweep(ScenarioLoader.Loaded loaded, ResultsWriter writer, ConsoleReport console, Progress progress,
      ExperimentRunner runner, java.util.function.Consumer<RunEvent.RoundCompleted> afterRound) {

    /** One run, its rows written and checkpointed round by round (from a checkpoint when {@code from} is given). */
    void runInPlace(RunSpec run, Checkpoint from) {
      if (from != null) console.resuming(run, from.state().round(), progress);
      console.runStarting(run);
      progress.runStarted(run.label());
      Rounds rounds = new Rounds(run, writer, from, afterRound);
      ExperimentRunner.RunResult result = runner.run(run, rounds, from == null ? null : from.state());
      if (result.rounds().isEmpty()) { // resumed after its last round, and stopped at once (target ε)
        summaryFromCheckpoint(run, from, result.stopReason());
      } else {
        finished(run, result, rounds.tally, rounds.wallBefore + result.wallSeconds());
      }
      progress.runFinished(run.label());
    }

    /**
     * What is done after every round of a run: its rows and a checkpoint written to {@code rows} (after the external
     * rows, when there are external sites, so that a resume keeps them), its participation tallied, the round shown,
     * and handed to {@code after} (null: nothing).
     */
    private final class Rounds implements ExperimentRunner.RoundListener {
      private final RunRows rows;
      private final java.util.function.Consumer<RunEvent.RoundCompleted> after;
      private final double wallBefore;
      /** The run has external sites: its checkpoint follows their rows. */
      private final boolean external;
      private final long start = System.nanoTime();
      private ResultsWriter.Participation tally;

      Rounds(RunSpec run, RunRows rows, Checkpoint from, java.util.function.Consumer<RunEvent.RoundCompleted> after) {
        this.rows = rows;
        this.external = !run.scenario().partition().externalSites().isEmpty();
        this.after = after;
        this.tally = from == null ? ResultsWriter.Participation.NONE : from.participation();
        this.wallBefore = from == null ? 0 : from.wallSeconds();
      }

      @Override
      public void onRound(RunSpec spec, RunEvent.RoundCompleted round) {
        rows.round(spec.label(), round);
        tally = tally.plus(round);
        if (!external) checkpoint(spec, round);
        console.round(spec, round);
        progress.round(spec.label(), round.round(), round.rounds());
        if (!external && after != null) after.accept(round);
      }

      @Override
      public void onExternal(RunSpec spec, RunEvent.RoundCompleted round,
          List<ExperimentRunner.ExternalEvaluation> ext) {
        rows.external(spec.label(), round.round(), ext);
        checkpoint(spec, round);
        if (after != null) after.accept(round);
      }

      private void checkpoint(RunSpec spec, RunEvent.RoundCompleted round) {
        rows.checkpoint(loaded.name(), round, spec.label(), tally, wallBefore + (System.nanoTime() - start) / 1e9);
      }
    }

    /**
     * The summary of a run whose rounds are all in the checkpoint {@code from} (it was killed after its last round,
     * before its summary was written), with its baselines computed as the run would have.
     */
    void summaryFromCheckpoint(RunSpec run, Checkpoint from, String stopReason) {
      writer.runFinished(from.sofar().withPrivacy(run.scenario().privacy().delta(), ACCOUNTANT, stopReason)
          .withBaselines(runner.baselinesAfter(run, from.state().round(), from.state().global().values(),
              from.lastSites())));
    }

    private void finished(RunSpec run, ExperimentRunner.RunResult result, ResultsWriter.Participation tally,
        double wall) {
      writer.runFinished(ResultsWriter.RunSummary.of(run.label(), result.last(), tally, wall)
          .withPrivacy(run.scenario().privacy().delta(), ACCOUNTANT, result.stopReason())
          .withBaselines(result.baselines()));
      // the run with its summary (baselines included) among the finished: a resume skips it whole
      writer.checkpoint(loaded.name(), result.last(), run.label(), tally, wall);
      if (!result.stopReason().isEmpty()) progress.println("[" + run.label() + "] " + result.stopReason());
      progress.clear();
      console.runFinished(result);
    }

    /**
     * A run side by side, finished: its result (null when its checkpoint already held its last round), its rounds
     * held for {@code afterRound} (run here, not before a resume), its tally and wall time, and the checkpoint it went
     * on from (null: from round 1).
     */
    private record Outcome(ExperimentRunner.RunResult result, List<RunEvent.RoundCompleted> held,
        ResultsWriter.Participation tally, double wallSeconds, Checkpoint from) {}

    /**
     * {@code workers} runs at a time on their own threads (their hospitals share the training dispatcher), each
     * writing its rows and a checkpoint per round into its own files ({@code files}), and going on from its own
     * checkpoint in {@code from} when it has one. The rows of each are copied into metrics.csv.partial in sweep order
     * after it finishes, with checkpoint.json then listing it as finished, so a resumed sweep skips every run written
     * and goes on with the ones that were under way from their last rounds.
     */
    void runSideBySide(List<RunSpec> runs, int workers, java.util.Map<String, Checkpoint> from, RunCheckpoints files) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers, r -> {
        Thread t = new Thread(r, "fedsim-sweep");
        t.setDaemon(true);
        return t;
      });
      try {
        List<java.util.concurrent.Future<Outcome>> futures = new ArrayList<>();
        for (RunSpec run : runs) futures.add(pool.submit(() -> runHeld(run, from.get(run.label()), files)));
        for (int i = 0; i < runs.size(); i++) commit(runs.get(i), await(futures.get(i)), files);
      } finally {
        // after a failure the others stop at once (interrupted waiting for their next round), before the directory's
        // lock goes; bounded, so that a run stuck elsewhere cannot hold the error back for long
        pool.shutdownNow();
        try {
          if (!pool.awaitTermination(STOP_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
            progress.println("fedsim: runs side by side still going " + STOP_SECONDS + " s after the sweep stopped");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** How long a stopped sweep waits for its runs side by side to end. */
    private static final int STOP_SECONDS = 30;

    private Outcome runHeld(RunSpec run, Checkpoint from, RunCheckpoints files) {
      progress.runStarted(run.label());
      if (from != null) {
        console.resuming(run, from.state().round(), progress);
        // killed after its last round, before its turn: its rows file (cut back to that round) is copied whole
        if (from.state().round() >= run.scenario().rounds()) {
          progress.runFinished(run.label());
          return new Outcome(null, List.of(), from.participation(), from.wallSeconds(), from);
        }
      }
      List<RunEvent.RoundCompleted> held = new ArrayList<>();
      ExperimentRunner.RunResult result;
      Rounds rounds;
      try (RunCheckpoints.Writer rows = files.open(run.label(), from)) {
        rounds = new Rounds(run, rows, from, afterRound == null ? null : held::add);
        result = runner.run(run, rounds, from == null ? null : from.state());
      }
      progress.runFinished(run.label());
      return new Outcome(result, held, rounds.tally, rounds.wallBefore + result.wallSeconds(), from);
    }

    private void commit(RunSpec run, Outcome o, RunCheckpoints files) {
      writer.rowsFrom(files.rowsFile(run.label()));
      if (afterRound != null) o.held().forEach(afterRound);
      if (o.result() == null || o.result().rounds().isEmpty()) { // every round was in its checkpoint
        summaryFromCheckpoint(run, o.from(), o.result() == null ? "" : o.result().stopReason());
        writer.checkpoint(o.from());
      } else {
        finished(run, o.result(), o.tally(), o.wallSeconds());
      }
      files.remove(run.label());
    }

    private static Outcome await(java.util.concurrent.Future<Outcome> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new IllegalStateException(e.getCause());
      }
    }
  }
}
