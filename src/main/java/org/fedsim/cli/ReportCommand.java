package org.fedsim.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fedsim.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedsim report DIR}: rebuild a results directory's figures and report.html from its results files. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Rebuild the figures (DIR/figures/*.png) and the self-contained DIR/report.html of a finished results "
            + "directory from its files (metrics.csv, summary.json, resolved.conf, baselines.csv); "
            + "'fedsim run' writes them itself unless --no-report.",
        "Exit codes: 0 done, 2 bad input (no finished results in DIR), 1 failure."},
    footer = {"", "Example:", "  fedsim report results/seed-mimic-eps-sweep-20261123-140102"})
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "a results directory written by 'fedsim run'")
  Path dir;

  @Override
  public Integer call() {
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new org.fedsim.scenario.ScenarioException(dir + ": no such directory, so no finished results to report on");
    }
    Report.Written w;
    try (OutputDirectory lock = OutputDirectory.lock(dir, "DIR")) { // not while a run still writes there
      w = Report.write(dir);
    }
    System.out.println("fedsim: wrote " + w.html() + " and " + w.figures().size() + " figures in "
        + dir.resolve(Report.FIGURES));
    return 0;
  }
}
