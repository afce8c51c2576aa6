package org.fedsim.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.fedsim.metrics.SiteSummary;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;

/** What a person sees while a scenario runs: one line per round, a table per run. */
final class ConsoleReport {
  private final PrintStream out;
  private final boolean quiet;
  private long runStart = System.nanoTime();
  private volatile boolean perRoundLines = true;

  ConsoleReport(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  /** Which round a run goes on from, through {@code progress} (safe from runs' threads, clear of the bar); not -q. */
  void resuming(RunSpec run, int round, Progress progress) {
    if (!quiet) progress.println(String.format(Locale.ROOT, "[%s] resuming after round %d", run.label(), round));
  }

  /** Call before a run starts, so that its elapsed time counts from its own start. */
  void runStarting(RunSpec run) {
    runStart = System.nanoTime();
  }

  void header(ScenarioLoader.Loaded loaded, Path dir) {
    out.printf(Locale.ROOT, "fedsim: scenario %s, %d run(s), results in %s%n", loaded.name(), loaded.runs().size(), dir);
    runStart = System.nanoTime();
  }

  /** Whether each round prints a line (not when a progress bar shows the rounds). */
  void perRoundLines(boolean on) {
    perRoundLines = on;
  }

  void round(RunSpec run, RunEvent.RoundCompleted r) {
    if (quiet || !perRoundLines) return;
    SiteSummary all = SiteSummary.of(r.sites());
    out.printf(Locale.ROOT, "[%s] round %d/%d  participants %d/%d  weighted acc %.4f  auc %.4f  elapsed %.1fs%n",
        run.label(), r.round(), r.rounds(), r.accepted(), r.selected(), all.accuracy(), all.auc(),
        (System.nanoTime() - runStart) / 1e9);
  }

  void runFinished(ExperimentRunner.RunResult result) {
    RunEvent.RoundCompleted last = result.last();
    int w = Math.max(16, last.sites().stream().mapToInt(s -> s.site().length()).max().orElse(0));
    String row = "  %-" + w + "s %7s %6s %9s %7s  %s%n";
    out.printf(Locale.ROOT, "%n[%s] final round %d, %.1f s%n", result.run().label(), last.round(), result.wallSeconds());
    out.printf(Locale.ROOT, row, "site", "n_train", "n_val", "accuracy", "auc", "status");
    for (SiteRound s : last.sites()) {
      out.printf(Locale.ROOT, row, s.site(), s.numTrain(), s.numValidation(), fmt(s.accuracy()), fmt(s.auc()),
          s.statusLabel());
    }
    SiteSummary all = SiteSummary.of(last.sites());
    out.printf(Locale.ROOT, row, "ALL (weighted)", all.numTrain(), all.numValidation(), fmt(all.accuracy()),
        fmt(all.auc()), "min site acc " + fmt(SiteSummary.minSiteAccuracy(last.sites())));
    out.println();
  }

  void done(Path dir) {
    out.println("fedsim: wrote " + dir.resolve("metrics.csv") + ", summary.json, fairness.csv, resolved.conf"
        + (java.nio.file.Files.exists(dir.resolve("baselines.csv")) ? ", baselines.csv" : ""));
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
