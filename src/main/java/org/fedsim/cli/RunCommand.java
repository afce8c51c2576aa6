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
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedsim run SCENARIO}: run a scenario (every run of its sweep) and write its results. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run a scenario file (HOCON; every key and its default is in src/main/resources/reference.conf) "
            + "and write metrics.csv, summary.json and resolved.conf into the output directory.",
        "A sweep { key = [values] } block runs once per combination.",
        "Exit codes: 0 done, 2 bad input (scenario, data, flags), 1 failure."},
    footer = {"", "Examples:",
        "  fedsim run scenarios/seed-mimic.conf",
        "  fedsim run scenarios/seed-mimic.conf --set rounds=5 \\",
        "      --set privacy.mode=local --set privacy.epsilon=10",
        "  fedsim run scenarios/seed-mimic-eps-sweep.conf --out results/sweep",
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

  @Option(names = "--no-report", description = "do not write figures/*.png and report.html at the end "
      + "('fedsim report DIR' writes them later)")
  boolean noReport;

  @Override
  public Integer call() throws Exception {
    if (resume != null) return resume();
    if (scenario == null) throw new ScenarioException("missing SCENARIO (or --resume DIR): try 'fedsim run --help'");
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(scenario, sets, seed);
    Path dir = out != null ? out : Path.of("results",
        loaded.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (Files.exists(dir.resolve("metrics.csv")) || Files.exists(dir.resolve("metrics.csv.partial"))) {
      throw new ScenarioException("output directory " + dir + " already holds results; choose another --out");
    }
    try (ResultsWriter writer = new ResultsWriter(dir)) {
      return runAll(loaded, dir, writer, null);
    }
  }

  static final String ACCOUNTANT = "RDP (dp_accounting's 156 orders, exact series), improved conversion";

  /** Go on with an interrupted run from its last checkpoint, as it started (its resolved.conf). */
  private Integer resume() throws Exception {
    if (scenario != null || !sets.isEmpty() || seed != null || out != null) {
      throw new ScenarioException("--resume takes no SCENARIO, --set, --seed or --out: the run goes on as it started");
    }
    Path dir = resume;
    if (Files.exists(dir.resolve("metrics.csv"))) {
      throw new ScenarioException(dir + " holds a finished run (metrics.csv): nothing to resume");
    }
    if (!Files.exists(dir.resolve(Checkpoint.FILE)) || !Files.exists(dir.resolve("metrics.csv.partial"))) {
      throw new ScenarioException("nothing to resume in " + dir + ": no " + Checkpoint.FILE + " and metrics.csv.partial"
          + " (a run leaves them after its first round); start the scenario again");
    }
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(dir.resolve("resolved.conf"), List.of(), null);
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.readFrom(dir);
    } catch (java.io.IOException e) {
      throw new ScenarioException("cannot read " + dir.resolve(Checkpoint.FILE) + ": " + e.getMessage(), e);
    }
    try (ResultsWriter writer = ResultsWriter.resume(dir, checkpoint)) {
      return runAll(loaded, dir, writer, checkpoint);
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

  /** Every run of the scenario not finished yet; after each round, its rows and a checkpoint. */
  private Integer runAll(ScenarioLoader.Loaded loaded, Path dir, ResultsWriter writer, Checkpoint from) {
    ConsoleReport console = new ConsoleReport(System.out, quiet);
    console.header(loaded, dir);
    String resolved = "# fedsim resolved scenario: every key, defaults and overrides included\n" + loaded.render();
    writer.resolved(resolved);
    Set<String> done = new HashSet<>();
    for (ResultsWriter.RunSummary s : writer.finished()) done.add(s.run());
    try (ExperimentRunner runner = new ExperimentRunner(threads)) {
      for (RunSpec run : loaded.runs()) {
        if (done.contains(run.label())) continue;
        ServerState state = null;
        ResultsWriter.Participation before = ResultsWriter.Participation.NONE;
        double wallBefore = 0;
        if (from != null && run.label().equals(from.run())) {
          if (from.state().round() >= run.scenario().rounds()) { // it had finished; only its summary was missing
            writer.runFinished(from.sofar().withPrivacy(run.scenario().privacy().delta(), ACCOUNTANT, ""));
            continue;
          }
          state = from.state();
          before = from.participation();
          wallBefore = from.wallSeconds();
          console.resuming(run, state.round());
        }
        console.runStarting(run);
        ResultsWriter.Participation[] tally = {before};
        long start = System.nanoTime();
        double wall0 = wallBefore;
        boolean external = !run.scenario().partition().externalSites().isEmpty();
        ExperimentRunner.RunResult result = runner.run(run, new ExperimentRunner.RoundListener() {
          @Override
          public void onRound(RunSpec spec, RunEvent.RoundCompleted round) {
            writer.round(spec.label(), round);
            tally[0] = tally[0].plus(round);
            if (!external) checkpoint(spec, round);
            console.round(spec, round);
          }

          @Override
          public void onExternal(RunSpec spec, RunEvent.RoundCompleted round,
              List<ExperimentRunner.ExternalEvaluation> ext) {
            writer.external(spec.label(), round.round(), ext);
            checkpoint(spec, round); // after the external rows, so that a resume keeps them
          }

          private void checkpoint(RunSpec spec, RunEvent.RoundCompleted round) {
            writer.checkpoint(loaded.name(), round, spec.label(), tally[0], wall0 + (System.nanoTime() - start) / 1e9);
          }
        }, state);
        if (result.rounds().isEmpty()) { // resumed after its last round, and stopped at once (target ε)
          writer.runFinished(from.sofar().withPrivacy(run.scenario().privacy().delta(), ACCOUNTANT,
              result.stopReason()));
          continue;
        }
        writer.runFinished(ResultsWriter.RunSummary.of(run.label(), result.last(), tally[0],
            wallBefore + result.wallSeconds()).withPrivacy(run.scenario().privacy().delta(), ACCOUNTANT,
            result.stopReason()).withBaselines(result.baselines()));
        if (!result.stopReason().isEmpty()) System.out.println("[" + run.label() + "] " + result.stopReason());
        console.runFinished(result);
      }
    }
    writer.finish(loaded.name(), resolved);
    console.done(dir);
    if (!noReport) writeReport(dir);
    return 0;
  }

}
