package org.fedsim.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedsim.metrics.ResultsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small scenario through the whole stack (synthetic cohort → hospitals → DP filters → server → results files),
 * with every message serialized (src/test/resources/application.conf).
 */
class EndToEndRunTest extends WithRunner {
  static ScenarioLoader.Loaded small(String... extra) {
    return smallScenario("e2e", 2, extra);
  }

  static byte[] runInto(ScenarioLoader.Loaded loaded, Path dir) throws Exception {
    return runInto(runner, loaded, dir);
  }

  /** Runs every run of {@code loaded} with {@code runner}, writing the results into {@code dir}; metrics.csv. */
  static byte[] runInto(ExperimentRunner runner, ScenarioLoader.Loaded loaded, Path dir) throws Exception {
    try (ResultsWriter writer = new ResultsWriter(dir)) {
      for (RunSpec run : loaded.runs()) {
        ExperimentRunner.RunResult r = runner.run(run, (spec, round) -> writer.round(spec.label(), round));
        writer.runFinished(ResultsWriter.RunSummary.of(run.label(), r.rounds(), r.wallSeconds()));
      }
      writer.finish(loaded.name(), loaded.render());
    }
    return Files.readAllBytes(dir.resolve("metrics.csv"));
  }

  @Test
  void theSameScenarioAndSeedGiveByteIdenticalMetrics(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = small("privacy.mode = local", "sweep { privacy.epsilon = [50, none] }");
    byte[] first = runInto(loaded, tmp.resolve("a"));
    byte[] second = runInto(loaded, tmp.resolve("b"));
    assertArrayEquals(first, second);
    byte[] otherSeed = runInto(small("privacy.mode = local", "sweep { privacy.epsilon = [50, none] }", "seed = 2"),
        tmp.resolve("c"));
    assertFalse(java.util.Arrays.equals(first, otherSeed), "another seed, other numbers");
  }

  @Test
  void metricsHaveOneRowPerSitePerRoundPlusTheWeightedAll(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = small("privacy.mode = local", "privacy.epsilon = 10");
    runInto(loaded, tmp);
    List<String> lines = Files.readAllLines(tmp.resolve("metrics.csv"));
    assertTrue(lines.get(0).startsWith("run,round,site,participated,n_train,n_val,accuracy,auc,loss,epsilon"));
    assertEquals(1 + 2 * 8, lines.size(), "header + 2 rounds x (7 sites + ALL)");
    String all = lines.stream().filter(l -> l.startsWith("seed=1,2,ALL,")).findFirst().orElseThrow();
    String[] f = all.split(",", -1);
    assertEquals("7", f[3], "7 participants");
    // the epsilon column is cumulative: 2 releases of the classic Gaussian at per-round ε = 10, composed in RDP
    double z = org.fedsim.privacy.GaussianCalibration.sigmaClassic(10, 1e-5, 1.0);
    double expected = org.fedsim.privacy.RdpAccountant.compose(1.0, z, 2).epsilon(1e-5).epsilon();
    assertEquals(expected, Double.parseDouble(f[9]), 1e-9 * expected, "cumulative epsilon after 2 rounds");
    assertTrue(expected > 10 && expected < 20, "RDP composes to less than 2 x 10: " + expected);
    double acc = Double.parseDouble(f[6]);
    assertTrue(acc > 0.3 && acc < 1, "weighted accuracy " + acc);
    assertTrue(Files.exists(tmp.resolve("summary.json")));
    assertTrue(Files.readString(tmp.resolve("resolved.conf")).contains("epsilon"));
    assertFalse(Files.exists(tmp.resolve("metrics.csv.partial")));
  }

  @Test
  void theStragglersScenarioIsReproducibleAndItsSlowSitesAreMostlyLate(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios/stragglers.conf"),
        List.of("model.engine=dense"), null);
    byte[] first = runInto(loaded, tmp.resolve("a"));
    assertArrayEquals(first, runInto(loaded, tmp.resolve("b")));
    List<String> lines = Files.readAllLines(tmp.resolve("a/metrics.csv"));
    assertEquals(1 + 25 * 8, lines.size(), "every round completes");
    for (String slow : List.of("BLACK", "OTHER")) {
      long late = lines.stream().filter(l -> l.contains("," + slow + ",") && l.contains(",late,")).count();
      assertTrue(late > 12, slow + " late in " + late + " of 25 rounds");
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains(",crashed,")), "10 % crashes show up");
    String summary = Files.readString(tmp.resolve("a/summary.json"));
    assertTrue(summary.contains("\"participation\"") && summary.contains("\"simulated_clock_ms\""), summary);
  }

  @Test
  void theOutageScenarioShowsTheCrashTheRecoveryAndTheLateJoinerRoundByRound(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios/hospital-outage.conf"),
        List.of("model.engine=dense", "rounds=13"), null);
    runInto(loaded, tmp);
    List<String> lines = Files.readAllLines(tmp.resolve("metrics.csv"));
    for (int round = 1; round <= 13; round++) {
      String black = status(lines, round, "BLACK");
      String asian = status(lines, round, "ASIAN");
      assertEquals(round >= 5 && round <= 8 ? "crashed" : "trained", black, "BLACK, round " + round);
      assertEquals(round < 12 ? "not_joined" : "trained", asian, "ASIAN, round " + round);
    }
  }

  static String status(List<String> lines, int round, String site) {
    String row = lines.stream().filter(l -> l.startsWith("seed=1," + round + "," + site + ",")).findFirst().orElseThrow();
    return row.split(",", -1)[10];
  }

  @Test
  void aTargetEpsilonStopsTheRunBeforeTheRoundThatWouldExceedIt() {
    ScenarioLoader.Loaded loaded = small("rounds = 6", "model.engine = dense", "privacy.mode = local",
        "privacy.epsilon = 1", "privacy.target-epsilon = 1.5");
    double z = org.fedsim.privacy.GaussianCalibration.sigmaClassic(1, 1e-5, 1.0);
    int allowed = 0;
    while (org.fedsim.privacy.RdpAccountant.compose(1.0, z, allowed + 1).epsilon(1e-5).epsilon() <= 1.5) allowed++;
    assertTrue(allowed >= 1 && allowed < 6, "rounds within the target: " + allowed);
    ExperimentRunner.RunResult r = runner.run(loaded.runs().get(0), (spec, round) -> { });
    assertEquals(allowed, r.rounds().size());
    assertTrue(r.stopReason().contains("target"), r.stopReason());
    assertTrue(org.fedsim.metrics.SiteSummary.of(r.last().sites()).epsilon() <= 1.5);
  }

  @Test
  void centralDpGivesEverySiteTheSameAccountedEpsilon() {
    ScenarioLoader.Loaded loaded = small("rounds = 3", "model.engine = dense", "privacy.mode = central",
        "privacy.noise-multiplier = 2.0");
    ExperimentRunner.RunResult r = runner.run(loaded.runs().get(0), (spec, round) -> { });
    double expected = org.fedsim.privacy.RdpAccountant.compose(1.0, 2.0, 3).epsilon(1e-5).epsilon();
    for (var site : r.last().sites()) assertEquals(expected, site.epsilon(), 1e-9 * expected, site.site());
  }
  @Test
  void externalSitesAreNeverTrainedAndAreScoredEveryRound(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = small("model.engine = dense", "dataset.partition { type = dirichlet, clients = 4 }",
        "dataset.external-sites = [ASIAN, NATIVE]");
    Path dir = tmp.resolve("ext");
    try (ResultsWriter writer = new ResultsWriter(dir)) {
      RunSpec run = loaded.runs().get(0);
      runner.run(run, new ExperimentRunner.RoundListener() {
        @Override
        public void onRound(RunSpec spec, org.fedsim.server.RunEvent.RoundCompleted round) {
          writer.round(spec.label(), round);
          assertEquals(List.of("client-001", "client-002", "client-003", "client-004"),
              round.sites().stream().map(org.fedsim.server.SiteRound::site).toList());
        }

        @Override
        public void onExternal(RunSpec spec, org.fedsim.server.RunEvent.RoundCompleted round,
            List<ExperimentRunner.ExternalEvaluation> external) {
          writer.external(spec.label(), round.round(), external);
        }
      });
      writer.finish(loaded.name(), loaded.render());
    }
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    List<String> ext = lines.stream().filter(l -> l.contains(",external,")).toList();
    assertEquals(4, ext.size(), "two external sites, two rounds: " + lines);
    for (String l : ext) {
      String[] f = l.split(",", -1);
      assertTrue(f[2].equals("ASIAN") || f[2].equals("NATIVE"), l);
      assertEquals("0", f[3], "never participates: " + l);
      assertEquals("0", f[4], "no training rows: " + l);
      assertTrue(Integer.parseInt(f[5]) > 0, l);
      assertFalse(f[6].isEmpty(), "scored: " + l);
    }
  }
}
