package org.fedsim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedsim.metrics.ResultsWriter;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.scenario.ScenarioLoader;
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
        "  fedsim run scenarios/seed-mimic-eps-sweep.conf --out results/sweep"})
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "the scenario file, e.g. scenarios/seed-mimic.conf")
  Path scenario;

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

  @Override
  public Integer call() throws Exception {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(scenario, sets, seed);
    Path dir = out != null ? out : Path.of("results",
        loaded.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (Files.exists(dir.resolve("metrics.csv")) || Files.exists(dir.resolve("metrics.csv.partial"))) {
      throw new ScenarioException("output directory " + dir + " already holds results; choose another --out");
    }
    ConsoleReport console = new ConsoleReport(System.out, quiet);
    console.header(loaded, dir);
    try (ExperimentRunner runner = new ExperimentRunner(threads); ResultsWriter writer = new ResultsWriter(dir)) {
      for (var run : loaded.runs()) {
        console.runStarting(run);
        var result = runner.run(run, (spec, round) -> {
          writer.round(spec.label(), round);
          console.round(spec, round);
        });
        writer.runFinished(ConsoleReport.summary(result));
        console.runFinished(result);
      }
      writer.finish(loaded.name(), "# fedsim resolved scenario: every key, defaults and overrides included\n"
          + loaded.render());
    }
    console.done(dir);
    return 0;
  }
}
