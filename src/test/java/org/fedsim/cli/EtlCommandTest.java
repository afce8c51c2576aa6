package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.fedsim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedsim etl ...} driven in-process: generator, extraction, benchmark, flag errors, the scenario. */
class EtlCommandTest extends InProcessCli {
  static final String DEMO = "../shared/data/mimic-iv-demo-2.2";

  @TempDir Path dir;


  static List<String> gunzipLines(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void makeChartEventsThenExtractWritesTheCohortAndItsFunnelAndTheScenarioRunsIt() throws IOException {
    Path root = dir.resolve("root");
    assertEquals(0, execute("etl", "make-chartevents", "--demo", DEMO, "--out", root.toString()), err::toString);
    assertTrue(out.toString().startsWith("wrote " + root.resolve("icu/chartevents.csv") + ": "), out::toString);
    Path cohort = dir.resolve("data/cohort.csv");
    assertEquals(0, execute("etl", "mimic-iv", "--root", root.toString(), "--out", cohort.toString(), "--balance",
        "--seed", "3", "--nbp-fallback"), err::toString);
    assertTrue(out.toString().contains("MIMIC-IV ICU-mortality cohort funnel"), out::toString);
    assertTrue(out.toString().contains("balanced (seed 3)"), out::toString);
    assertTrue(Files.exists(dir.resolve("data/cohort.funnel.json")));
    assertTrue(Files.exists(dir.resolve("data/cohort.funnel.txt")));
    List<String> rows = Files.readAllLines(cohort);
    long deaths = rows.stream().skip(1).filter(r -> r.endsWith(",1," + r.substring(r.lastIndexOf(',') + 1))).count();
    assertEquals(rows.size() - 1, 2 * deaths, "balanced 50/50");
    assertEquals("", err.toString());

    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios/mimic-iv.conf"),
        List.of("dataset.csv.path=" + cohort, "model.engine=dense", "rounds=2"), null);
    assertEquals("mimic-iv", loaded.name());
    assertEquals(0, execute("run", "scenarios/mimic-iv.conf", "--set", "dataset.csv.path=" + cohort, "--set",
        "model.engine=dense", "--set", "rounds=2", "--set", "preprocessing.balance=false", "--out",
        dir.resolve("run").toString(), "-q"), err::toString);
    assertTrue(Files.readString(dir.resolve("run/metrics.csv")).lines().count() > 2);
  }

  @Test
  void targetSizeRepeatsTheStaysWithNewIdsAndCopiesTheirAdmissions() throws IOException {
    Path root = dir.resolve("big");
    assertEquals(0, execute("etl", "make-chartevents", "--demo", DEMO, "--out", root.toString(), "--target-gb",
        "0.02", "--gzip"), err::toString);
    assertTrue(out.toString().contains("140 stays x 2 copies (200 subjects)"), out::toString);
    List<String> admissions = gunzipLines(root.resolve("hosp/admissions.csv.gz"));
    assertEquals(1 + 2 * 275, admissions.size());
    assertTrue(admissions.get(276).startsWith("1000010"), admissions.get(276)); // replica 1: 100000000 + 1000 + i
    assertEquals(1 + 2 * 100, gunzipLines(root.resolve("hosp/patients.csv.gz")).size());
    assertEquals(1 + 2 * 140, gunzipLines(root.resolve("icu/icustays.csv.gz")).size());
    assertFalse(Files.exists(root.resolve("icu/chartevents.csv")));
    Path cohort = dir.resolve("c.csv");
    assertEquals(0, execute("etl", "mimic-iv", "--root", root.toString(), "--out", cohort.toString(), "-q"),
        err::toString);
    List<String> rows = Files.readAllLines(cohort);
    int n = rows.size() - 1;
    assertEquals(0, n % 2, "every demo patient in the cohort has a copy");
    // the copies (ids above 100000000, after the demo's in id order) have the originals' means: same rows, new ids
    List<String> originals = rows.subList(1, 1 + n / 2).stream().map(r -> r.substring(r.indexOf(','))).sorted()
        .toList();
    List<String> copies = rows.subList(1 + n / 2, 1 + n).stream().map(r -> r.substring(r.indexOf(','))).sorted()
        .toList();
    assertTrue(rows.get(1 + n / 2).startsWith("1000010"), rows.get(1 + n / 2));
    assertEquals(originals, copies);
  }

  @Test
  void benchPrintsThroughputHeapAndTheExtrapolation() {
    Path root = dir.resolve("root");
    assertEquals(0, execute("etl", "make-chartevents", "--demo", DEMO, "--out", root.toString()), err::toString);
    assertEquals(0, execute("etl", "bench", "--root", root.toString()), err::toString);
    String o = out.toString();
    assertTrue(o.matches("(?s).*pass 1: .* MB/s .*peak heap used [0-9.]+ MB.*"), o);
    assertTrue(o.matches("(?s).*the full 42 GB chartevents would take [0-9.]+ min.*"), o);
    assertTrue(o.contains("load before: "), o);
  }

  @Test
  void badFlagsAndBadFilesExit2WithOneLine() throws IOException {
    Path root = dir.resolve("root");
    assertEquals(0, execute("etl", "make-chartevents", "--demo", DEMO, "--out", root.toString()), err::toString);
    String[][] cases = {
        {"--on-bad-row", "ignore"}, {"--itemids", "pulse=220045"}, {"--itemids", "heart_rate=HR"},
        {"--itemids", "heart_rate"}, {"--chartevents", dir.resolve("nope.csv").toString()},
    };
    String[] messages = {
        "--on-bad-row must be 'fail' or 'skip', got 'ignore'", "unknown feature 'pulse' in --itemids",
        "--itemids heart_rate=HR: 'HR' is not an itemid", "--itemids expects FEATURE=ID[,ID...], got 'heart_rate'",
        "--chartevents " + dir.resolve("nope.csv") + ": no such file"};
    for (int i = 0; i < cases.length; i++) {
      err.getBuffer().setLength(0);
      String[] args = {"etl", "mimic-iv", "--root", root.toString(), "--out", dir.resolve("c.csv").toString(),
          cases[i][0], cases[i][1]};
      assertEquals(ErrorHandler.BAD_INPUT, execute(args), String.join(" ", cases[i]));
      assertEquals(1, err.toString().strip().lines().count(), err::toString);
      assertTrue(err.toString().contains(messages[i]), err::toString);
    }
    err.getBuffer().setLength(0);
    assertEquals(ErrorHandler.BAD_INPUT, execute("etl", "mimic-iv", "--root", dir.resolve("none").toString(), "--out",
        "x.csv"));
    assertEquals("fedsim: --root " + dir.resolve("none") + ": not a directory", err.toString().strip());
    err.getBuffer().setLength(0);
    assertEquals(ErrorHandler.BAD_INPUT, execute("etl", "make-chartevents", "--demo", DEMO, "--out", "x",
        "--target-gb", "-1"));
    assertTrue(err.toString().contains("--target-gb must be in [0, 1000], got -1.0"), err::toString);
    assertEquals(2, execute("etl"));
    assertFalse(Files.exists(dir.resolve("c.csv")));
    // make-chartevents never overwrites a root: not the one it wrote, not the demo, not a missing demo
    byte[] before = Files.readAllBytes(root.resolve("icu/chartevents.csv"));
    for (String[] c : new String[][] {{DEMO, root.toString(), "is not empty"}, {DEMO, DEMO, "lies inside --demo"},
        {dir.resolve("nodemo").toString(), dir.resolve("new").toString(), "--demo " + dir.resolve("nodemo")
            + ": not a directory"}}) {
      err.getBuffer().setLength(0);
      assertEquals(ErrorHandler.BAD_INPUT, execute("etl", "make-chartevents", "--demo", c[0], "--out", c[1]));
      assertTrue(err.toString().contains(c[2]), err::toString);
    }
    assertArrayEquals(before, Files.readAllBytes(root.resolve("icu/chartevents.csv")));
  }
}
