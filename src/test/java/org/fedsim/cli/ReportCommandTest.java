package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fedsim.report.Report;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A small dense sweep (local DP at two ε and without, two seeds, baselines) written with its report; the report is
 * checked as files, rebuilt by {@code fedsim report}, and opened in headless Chromium.
 */
class ReportCommandTest {
  @TempDir static Path tmp;
  static Path results;

  static final String SCENARIO = String.join("\n",
      "rounds = 3", "model.engine = dense", "model.local-epochs = 1", "dataset.synthetic.patients = 6000",
      "privacy { mode = local, delta = 1e-5 }", "baselines = [local, centralized]",
      "sweep { privacy.epsilon = [1, 50, none], seed = [1, 2] }");

  static int execute(StringWriter err, String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @BeforeAll
  static void runTheSweep() throws IOException {
    Path scenario = Files.writeString(tmp.resolve("r.conf"), SCENARIO);
    results = tmp.resolve("out");
    StringWriter err = new StringWriter();
    assertEquals(0, execute(err, "run", scenario.toString(), "--out", results.toString(), "-q"), err::toString);
  }

  static List<String> images(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<img [^>]*src=\"([^\"]*)\"").matcher(html);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  @Test
  void aRunWritesEveryFigureAndASelfContainedReport() throws IOException {
    String html = Files.readString(results.resolve(Report.HTML));
    List<String> figures;
    try (var files = Files.list(results.resolve(Report.FIGURES))) {
      figures = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // seed-1 runs (3) get per-site and participation maps; ε figure; a baselines chart per ε; ε against round
    for (String f : List.of("site-accuracy-01.png", "site-accuracy-03.png", "participation-03.png",
        "accuracy-vs-epsilon.png", "epsilon-vs-round.png", "baselines-epsilon=1.png", "baselines-epsilon=none.png")) {
      assertTrue(figures.contains(f), () -> f + " not in " + figures);
    }
    for (String f : figures) {
      byte[] png = Files.readAllBytes(results.resolve(Report.FIGURES).resolve(f));
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), f);
    }
    List<String> img = images(html);
    assertEquals(figures.size(), img.size(), "every figure is embedded");
    assertTrue(img.stream().allMatch(s -> s.startsWith("data:image/png;base64,")), "embedded, not linked");
    assertFalse(html.contains("http://") || html.contains("https://"), "no external resource");
    for (String id : List.of("about", "runs", "baselines", "fairness", "scenario")) {
      assertTrue(html.contains("id=\"" + id + "\""), id);
    }
    assertTrue(html.contains("epsilon=50,seed=2"), "every run is in the runs table");
    assertTrue(html.contains("JFreeChart") && html.contains("master seeds"), "versions and seeds");
  }

  @Test
  void fedsimReportRebuildsTheSameReportFromTheFiles() throws IOException {
    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    for (String f : List.of("metrics.csv", "summary.json", "resolved.conf", "baselines.csv", "fairness.csv")) {
      Files.copy(results.resolve(f), copy.resolve(f));
    }
    StringWriter err = new StringWriter();
    assertEquals(0, execute(err, "report", copy.toString()), err::toString);
    String original = Files.readString(results.resolve(Report.HTML));
    String rebuilt = Files.readString(copy.resolve(Report.HTML));
    assertEquals(original.replace(results.toAbsolutePath().toString(), "DIR"),
        rebuilt.replace(copy.toAbsolutePath().toString(), "DIR"));
  }

  @Test
  void reportOnADirectoryWithoutResultsExits2() {
    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, execute(err, "report", tmp.resolve("nothing").toString()));
    assertTrue(err.toString().contains("no finished results"), err::toString);
  }

  @Test
  void aDamagedResultsFileIsNamedWithItsLine() throws IOException {
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    for (String f : List.of("metrics.csv", "summary.json", "resolved.conf")) Files.copy(results.resolve(f), bad.resolve(f));
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(bad.resolve("metrics.csv")));
    String[] header = lines.get(0).split(",");
    String[] row = new String[header.length];
    java.util.Arrays.fill(row, "0");
    row[1] = "three"; // the round column
    lines.add(String.join(",", row));
    Files.write(bad.resolve("metrics.csv"), lines);
    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, execute(err, "report", bad.toString()));
    assertTrue(err.toString().contains("cannot read " + bad.resolve("metrics.csv") + ":" + lines.size() + ": not a number"), err::toString);
    Files.copy(results.resolve("metrics.csv"), bad.resolve("metrics.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(bad.resolve("summary.json"), "{\"runs\": [oops]}");
    err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, execute(err, "report", bad.toString()));
    assertTrue(err.toString().contains("cannot read " + bad.resolve("summary.json") + ": "), err::toString);
  }

  /** What two processes writing one metrics.csv leave (rows cut short, rounds twice or missing) is refused, not drawn. */
  @Test
  void aMetricsFileWithCutRowsRepeatedOrMissingRoundsIsRefused() throws IOException {
    Path bad = tmp.resolve("damaged");
    Files.createDirectories(bad);
    for (String f : List.of("metrics.csv", "summary.json", "resolved.conf")) Files.copy(results.resolve(f), bad.resolve(f));
    List<String> lines = Files.readAllLines(results.resolve("metrics.csv"));
    String metrics = bad.resolve("metrics.csv").toString();

    List<String> cut = new ArrayList<>(lines);
    cut.set(5, cut.get(5).substring(0, cut.get(5).lastIndexOf(',')));
    Files.write(bad.resolve("metrics.csv"), cut);
    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, execute(err, "report", bad.toString()));
    assertTrue(err.toString().contains(metrics + ":6: expected " + lines.get(0).split(",").length + " columns, got "),
        err::toString);

    List<String> twice = new ArrayList<>(lines);
    twice.add(lines.get(3));
    Files.write(bad.resolve("metrics.csv"), twice);
    err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, execute(err, "report", bad.toString()));
    assertTrue(err.toString().contains(metrics + ":" + twice.size() + ": run ") && err.toString().contains(
        "again (first at line 4)"), err::toString);

    String runField = lines.get(1).substring(0, lines.get(1).indexOf(",1,")); // the first run (quoted: commas)
    String run = runField.replace("\"", "");
    List<String> gap = lines.stream().filter(l -> !l.startsWith(runField + ",2,")).toList(); // drop its round 2
    Files.write(bad.resolve("metrics.csv"), gap);
    err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, execute(err, "report", bad.toString()));
    assertTrue(err.toString().contains("run " + run + " has no rows for round 2 (the file is damaged)"), err::toString);
  }

  // ---- in a browser ----

  /** Chromium's path; installs Debian's package when missing and we are root (as .ci/run does). */
  static String chromium() throws Exception {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
      }
    }
    if ("root".equals(System.getProperty("user.name"))) {
      Process p = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium "
          + "|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0 && Files.isExecutable(Path.of("/usr/bin/chromium"))) {
        return "/usr/bin/chromium";
      }
    }
    return null;
  }

  static final String PROBE = "<script>window.addEventListener('load',function(){var imgs=Array.from(document.images);"
      + "var ok=imgs.filter(function(i){return i.complete&&i.naturalWidth>0;}).length;"
      + "var d=document.createElement('div');d.id='fedsim-probe';d.textContent='images='+imgs.length+' loaded='+ok"
      + "+' tables='+document.querySelectorAll('table').length+' rows='+document.querySelectorAll('#runs tr').length;"
      + "document.body.appendChild(d);});</script>";

  /** Opens {@code html} (with a probe script added) in headless Chromium and returns what the probe saw. */
  static String probe(String chromium, String html, Path file) throws Exception {
    Files.writeString(file, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
    String profile = tmp.resolve("chromium-profile-" + file.getFileName()).toString();
    Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--no-zygote", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-crash-reporter", "--disable-breakpad", "--user-data-dir=" + profile,
        "--virtual-time-budget=10000", "--dump-dom", file.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium finished");
    } finally {
      reap(p, profile);
    }
    Matcher m = Pattern.compile("id=\"fedsim-probe\">([^<]*)<").matcher(new String(out, StandardCharsets.UTF_8));
    assertTrue(m.find(), () -> "no probe result in chromium's DOM (exit " + p.exitValue() + ")");
    return m.group(1);
  }

  /**
   * Chromium leaves helper processes behind for a moment after it exits (reparented, so not its descendants any
   * more): stop every process of this profile and wait for them, so that nothing of the browser outlives the test.
   */
  static void reap(Process p, String profile) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> left = ProcessHandle.allProcesses()
          .filter(h -> h.info().commandLine().map(c -> c.contains(profile)).orElse(false)).toList();
      if (left.isEmpty()) return;
      left.forEach(ProcessHandle::destroyForcibly);
      Thread.sleep(100); // polling the OS process table; no logic waits on this
    }
  }

  @Test
  void inHeadlessChromiumEveryFigureLoadsAndTheTablesArePresent() throws Exception {
    String chromium = chromium();
    // CI (.ci/run sets FEDSIM_REQUIRE_CHROMIUM) must run this test; elsewhere a machine without Chromium skips it
    if (System.getenv("FEDSIM_REQUIRE_CHROMIUM") != null) {
      assertTrue(chromium != null, "chromium is required here (FEDSIM_REQUIRE_CHROMIUM) but not installed");
    }
    assumeTrue(chromium != null, "chromium is not installed and cannot be installed here (.ci/run installs it)");
    String html = Files.readString(results.resolve(Report.HTML));
    int images = images(html).size();
    int runs = 6;
    assertEquals("images=" + images + " loaded=" + images + " tables=4 rows=" + (runs + 1),
        probe(chromium, html, tmp.resolve("report-probe.html")));
    // the probe sees a broken figure: one image's data cut short does not load
    String first = images(html).get(0);
    String broken = html.replace(first, first.substring(0, 64));
    assertEquals("images=" + images + " loaded=" + (images - 1) + " tables=4 rows=" + (runs + 1),
        probe(chromium, broken, tmp.resolve("broken-probe.html")));
  }
}
