package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchResultsTest {
  private static WorkerResult worker(double wall, double cpu) {
    return worker("dl4j", wall, cpu, 1, 2.5);
  }

  /** A seed-run worker of {@code engine}: 25 rounds, a warm-up of {@code warmupRounds} taking {@code warmupRun} s. */
  private static WorkerResult worker(String engine, double wall, double cpu, int warmupRounds, double warmupRun) {
    return new WorkerResult("seed-mimic", 1, 25, 2, wall, cpu, 30250, 175, 0.71, 0.78, 100, 3, 1, 0.1, 0.2,
        "17", List.of(), "1", 2, List.of(), engine, warmupRounds, warmupRun, 0.705);
  }

  private static BenchResults.FedsimRow row(JvmConfig c, double... walls) {
    List<BenchResults.FedsimRep> reps = java.util.Arrays.stream(walls)
        .mapToObj(w -> new BenchResults.FedsimRep(w + 5, worker(w, 2 * w))).toList();
    return BenchResults.FedsimRow.of(c, reps);
  }

  private static BenchResults.FedsimRow denseRow(double wall, double cold) {
    return BenchResults.FedsimRow.of(JvmConfig.dense(),
        List.of(new BenchResults.FedsimRep(4, worker("dense", wall, wall * 1.5, 25, cold))));
  }

  private static BenchResults.PeerRow peer(double... times) {
    List<BenchResults.PeerRep> reps = java.util.Arrays.stream(times).mapToObj(t -> new BenchResults.PeerRep(t + 3,
        PeerOutput.parse(List.of(PeerOutputTest.SEED.get(0), PeerOutputTest.SEED.get(1),
            "eps=none seed=0 rounds=25 final_acc=0.7105 final_auc=0.7710 time=" + t + "s cpu=" + (t - 1) + "s (x)"))))
        .toList();
    return BenchResults.PeerRow.of("python3 fl_dp_baseline.py", reps, 25);
  }

  private static BenchResults results(List<BenchResults.FedsimRow> rows, BenchResults.PeerRow p,
      BenchResults.SweepResult sweep, List<BenchResults.IdleHeapRow> idle) {
    return new BenchResults("2025-01-01T00:00Z", 2, "17", "/d.csv", 25, 1, rows, p, sweep, idle,
        BenchResults.ratios(rows, p), BenchResults.goals(rows, p, sweep, idle));
  }

  @Test
  void rowsReportMediansAndRatesAtTheMedian() {
    BenchResults.FedsimRow r = row(JvmConfig.tuned(), 12, 10, 30);
    assertEquals(12, r.wallSeconds(), 0);
    assertEquals(24, r.cpuSeconds(), 0);
    assertEquals(30250 / 12.0, r.stepsPerSecond(), 1e-9);
    assertEquals(175 / 12.0, r.updatesPerSecond(), 1e-9);
    assertEquals(17, r.processWallSeconds(), 0);
    assertEquals("dl4j", r.engine());
    assertTrue(Double.isNaN(r.coldRunSeconds()), "a 1-round warm-up is no cold run of the scenario");
    BenchResults.PeerRow p = peer(17.3, 16.2, 22.7);
    assertTrue(p.available());
    assertEquals(17.3, p.wallSeconds(), 1e-12);
    assertEquals(1210 * 25 / 17.3, p.stepsPerSecond(), 1e-9);
  }

  @Test
  void aFullWarmUpIsReportedAsTheColdRun() {
    BenchResults.FedsimRow d = denseRow(0.1, 0.4);
    assertEquals("dense", d.engine());
    assertEquals(25, d.warmupRounds());
    assertEquals(0.4, d.coldRunSeconds(), 0);
    assertEquals(0.705, d.coldFinalAccuracy(), 0);
    BenchResults.Ratio r = BenchResults.ratios(List.of(d), peer(17)).get(0);
    assertEquals(170, r.ratio(), 1e-9);
    assertEquals(42.5, r.coldRatio(), 1e-9);
  }

  @Test
  void ratiosAndTheIssue2GoalUseTheTunedConfig() {
    List<BenchResults.FedsimRow> rows = List.of(row(JvmConfig.untuned(), 20), row(JvmConfig.tuned(), 8));
    List<BenchResults.Ratio> ratios = BenchResults.ratios(rows, peer(17));
    assertEquals(2, ratios.size());
    assertEquals(0.85, ratios.get(0).ratio(), 1e-12);
    assertEquals(2.125, ratios.get(1).ratio(), 1e-12);
    List<BenchResults.Goal> goals = BenchResults.goals(rows, peer(17), null, List.of());
    assertEquals(1, goals.size(), "no dense config, no sweep, no idle heap: only issue 2's goal");
    assertEquals(JvmConfig.TUNED, goals.get(0).config());
    assertEquals(Boolean.TRUE, goals.get(0).met());
    assertEquals(Boolean.FALSE,
        BenchResults.goals(List.of(row(JvmConfig.tuned(), 9)), peer(17), null, List.of()).get(0).met());
    assertTrue(BenchResults.ratios(rows, BenchResults.PeerRow.unavailable("no torch", "x")).isEmpty());
    assertTrue(BenchResults.ratios(rows, null).isEmpty());
    assertNull(BenchResults.goals(rows, null, null, List.of()).get(0).met(), "unknown without a peer");
  }

  @Test
  void theIssue2GoalIsNeverJudgedOnTheDenseEngine() {
    List<BenchResults.Goal> goals = BenchResults.goals(List.of(denseRow(0.1, 0.4), row(JvmConfig.untuned(), 20)),
        peer(17), null, List.of());
    assertEquals(JvmConfig.UNTUNED, goals.get(0).config(), "the first DL4J config when dl4j-tuned did not run");
    List<BenchResults.Goal> denseOnly = BenchResults.goals(List.of(denseRow(0.1, 0.4)), peer(17), null, List.of());
    assertNull(denseOnly.get(0).met());
    assertEquals("goal: fedsim seed run ≥ 2× faster than the PyTorch peer: unknown (no DL4J configuration in "
        + "--configs)", BenchTable.goalLine(denseOnly.get(0)));
  }

  @Test
  void theDenseSpeedGoalIsJudgedWarmAndShowsTheColdRatio() {
    BenchResults.Goal met = BenchResults.goals(List.of(denseRow(0.1, 0.4)), peer(17), null, List.of()).get(1);
    assertEquals(Boolean.TRUE, met.met());
    assertEquals(170, met.measured(), 1e-9);
    assertEquals("goal: dense seed run ≥ 100× faster than the PyTorch peer: met (dense: 170.0× on the timed run "
        + "after untimed warm-up runs of 25 rounds; the first (cold) run in a fresh JVM: 42.5×, not met)",
        BenchTable.goalLine(met));
    BenchResults.Goal notMet = BenchResults.goals(List.of(denseRow(0.2, 0.4)), peer(17), null, List.of()).get(1);
    assertEquals(Boolean.FALSE, notMet.met());
    assertTrue(BenchTable.goalLine(notMet).startsWith("goal: dense seed run ≥ 100× faster than the PyTorch peer: "
        + "not met (dense: 85.0×"), BenchTable.goalLine(notMet));
    BenchResults.Goal noPeer = BenchResults.goals(List.of(denseRow(0.1, 0.4)), null, null, List.of()).get(1);
    assertNull(noPeer.met());
  }

  @Test
  void theSweepAndIdleHeapGoalsAppearOnlyWhenMeasured() {
    BenchResults.SweepResult sweep = new BenchResults.SweepResult(List.of(
        sweepRun("dense", "dense", 4.2, 0.70), sweepRun(JvmConfig.TUNED, "dl4j", 900, 0.70)), null);
    List<BenchResults.IdleHeapRow> idle = List.of(idleRow("dense", 1480), idleRow("dl4j", 41_000));
    List<BenchResults.Goal> goals = BenchResults.goals(List.of(denseRow(0.1, 0.4)), peer(17), sweep, idle);
    assertEquals(4, goals.size());
    assertEquals("goal: dense ε sweep (27 runs) < 10 s: met (dense: 27 timed runs 4.20 s; the whole child JVM, "
        + "start-up and 1-round warm-up included, 9.20 s)", BenchTable.goalLine(goals.get(2)));
    assertEquals("goal: heap per idle hospital (dense) < 4 KB: met (1,480 B per idle hospital actor with its model, "
        + "20,000 hospitals; < 4,000 B required)", BenchTable.goalLine(goals.get(3)));
    BenchResults.SweepResult slow = new BenchResults.SweepResult(List.of(sweepRun("dense", "dense", 12, 0.7)), null);
    assertEquals(Boolean.FALSE, BenchResults.goals(List.of(), null, slow, List.of(idleRow("dense", 4000))).get(1).met());
    assertEquals(Boolean.FALSE, BenchResults.goals(List.of(), null, null, List.of(idleRow("dense", 4000))).get(1).met());
    BenchResults.SweepResult dl4jOnly =
        new BenchResults.SweepResult(List.of(sweepRun(JvmConfig.TUNED, "dl4j", 900, 0.7)), null);
    assertEquals(1, BenchResults.goals(List.of(), null, dl4jOnly, List.of(idleRow("dl4j", 41_000))).size());
  }

  @Test
  void theTableHasAnEngineColumnAndBothDenseRatios() {
    List<BenchResults.FedsimRow> rows = List.of(denseRow(0.1, 0.4), row(JvmConfig.tuned(), 8));
    String text = String.join("\n", BenchTable.lines(results(rows, peer(17), null, List.of())));
    assertTrue(text.contains("config         | engine |   wall s |    cpu s |    steps/s | updates/s | final acc | "
        + "peak heap MB"), text);
    assertTrue(text.contains("dense          | dense  |    0.100 |    0.150 |   302500.0 |   1750.00 |    0.7100 |"),
        text);
    assertTrue(text.contains("dl4j-tuned     | dl4j   |    8.000 |   16.000 |     3781.3 |     21.88 |    0.7100 |"),
        text);
    assertTrue(text.contains("pytorch-peer   | torch  |   17.000 |   16.000 |"), text);
    assertTrue(text.contains("peer wall / fedsim wall = 170.0  (dense, engine dense, timed run after untimed full "
        + "warm-up runs: 17.00 s / 0.100 s; X > 1 means fedsim is faster)"), text);
    assertTrue(text.contains("peer wall / fedsim wall = 42.5  (dense, engine dense, first (cold) run in a fresh JVM: "
        + "17.00 s / 0.400 s)"), text);
    assertTrue(text.contains("peer wall / fedsim wall = 2.13  (dl4j-tuned, engine dl4j: 17.00 s / 8.000 s;"), text);
    assertTrue(text.contains("warm-up: untimed full runs (25 rounds each), the first (cold) run in this fresh JVM: "
        + "0.400 s, acc 0.7050"), text);
    assertTrue(text.contains("goal: fedsim seed run ≥ 2× faster than the PyTorch peer: met (dl4j-tuned: 2.13×)"), text);
    assertTrue(text.contains("goal: dense seed run ≥ 100× faster than the PyTorch peer: met"), text);
    assertFalse(text.contains("ε sweep"), text);
    assertFalse(text.contains("idle hospital"), text);
  }

  @Test
  void theSweepTablePutsConfigsAndThePeerSideBySide() {
    PeerOutput po = PeerOutput.parse(List.of(PeerOutputTest.SEED.get(0), PeerOutputTest.SEED.get(1),
        "eps=0.1 seed=0 rounds=25 final_acc=0.5000 final_auc=0.5 time=16.0s cpu=15.0s (x)",
        "eps=0.1 seed=1 rounds=25 final_acc=0.5200 final_auc=0.5 time=16.0s cpu=15.0s (x)",
        "eps=None seed=0 rounds=25 final_acc=0.7100 final_auc=0.77 time=17.0s cpu=16.0s (x)",
        "eps=100.0 seed=0 rounds=25 final_acc=0.6900 final_auc=0.7 time=17.0s cpu=16.0s (x)",
        "total wall time 66.00s for 4 run(s) x 25 rounds = 0.66 s/round"));
    BenchResults.SweepResult s = new BenchResults.SweepResult(List.of(
        sweepRun("dense", "dense", 4.2, 0.60), sweepRun(JvmConfig.TUNED, "dl4j", 900, 0.61)),
        new BenchResults.PeerSweep(true, "", "python3 x --sweep", 70, po));
    BenchTable.SweepAccuracy acc = BenchTable.sweepAccuracy(s);
    assertEquals(List.of("dense", "dl4j-tuned", "pytorch-peer"), acc.columns());
    assertEquals(List.of("0.1", "0.5", "1", "2", "5", "10", "50", "100", "none"),
        acc.rows().stream().map(BenchTable.SweepAccuracy.Row::epsilon).toList());
    BenchTable.SweepAccuracy.Row first = acc.rows().get(0);
    assertEquals(0.60, first.means().get(0), 1e-12); // runs at 0.59, 0.60, 0.61
    assertEquals(0.61, first.means().get(1), 1e-12);
    assertEquals(0.51, first.means().get(2), 1e-12);
    assertEquals(List.of(3, 3, 2), first.counts());
    BenchTable.SweepAccuracy.Row one = acc.rows().get(2);
    assertEquals(List.of(3, 3, 0), one.counts(), "the peer has no eps=1 here");
    assertTrue(Double.isNaN(one.means().get(2)));
    assertEquals(List.of(3, 3, 1), acc.rows().get(7).counts(), "100.0 and 100 are one epsilon");
    assertEquals(List.of(3, 3, 1), acc.rows().get(8).counts(), "None and none are one epsilon");

    String text = String.join("\n", BenchTable.sweepLines(s, 25));
    assertTrue(text.contains("dense          | dense  |   27 |         4.20 |    0.156 |"), text);
    assertTrue(text.contains("dl4j-tuned     | dl4j   |   27 |       900.00 |   33.333 |"), text);
    assertTrue(text.contains("pytorch-peer   | torch  |    4 |        66.00 |   16.500 |"), text);
    assertTrue(text.contains("peer total / fedsim total = 15.7  (dense, engine dense: 66.0 s / 4.20 s;"), text);
    assertTrue(text.contains("epsilon  | dense          | dl4j-tuned     | pytorch-peer"), text);
    assertTrue(text.contains("0.1      | 0.6000         | 0.6100         | 0.5100 [2]"), text);
    assertTrue(text.contains("1        | 0.6000         | 0.6100         | -"), text);
    assertTrue(text.contains("none     | 0.6000         | 0.6100         | 0.7100 [1]"), text);
  }

  @Test
  void theIdleHeapTableShowsBothEngines() {
    List<String> lines = BenchTable.idleHeapLines(List.of(idleRow("dense", 1480), idleRow("dl4j", 41_000)));
    String text = String.join("\n", lines);
    assertTrue(text.contains("engine | JVM flags of | params |    models | B/idle model | hospitals | B/idle hospital"),
        text);
    assertTrue(text.contains("dense  | dense        |     41 |    20,000 |          500 |    20,000 |           1,480"),
        text);
    assertTrue(text.contains("dl4j   | dl4j-tuned   |     41 |     1,000 |          500 |     1,000 |          41,000"),
        text);
  }

  @Test
  void writesJsonAtomicallyWithEveryPart(@TempDir Path dir) throws Exception {
    List<BenchResults.FedsimRow> rows = List.of(denseRow(0.1, 0.4), row(JvmConfig.tuned(), 8));
    BenchResults.SweepResult sweep = new BenchResults.SweepResult(List.of(sweepRun("dense", "dense", 4.2, 0.6)),
        null);
    BenchResults r = results(rows, peer(17), sweep, List.of(idleRow("dense", 1480)));
    Path file = r.writeTo(dir.resolve("out"));
    assertEquals(List.of(file), Files.list(file.getParent()).toList()); // no temp file left behind
    JsonNode json = Json.MAPPER.readTree(file.toFile());
    assertEquals("dense", json.get("fedsim").get(0).get("engine").asText());
    assertEquals(0.4, json.get("fedsim").get(0).get("coldRunSeconds").asDouble(), 1e-12);
    assertEquals(2.125, json.get("ratios").get(1).get("ratio").asDouble(), 1e-12);
    assertEquals(4, json.get("goals").size());
    assertTrue(json.get("goals").get(3).get("met").asBoolean());
    assertEquals(1480, json.get("idleHeap").get(0).get("result").get("bytesPerHospital").asLong());
    assertEquals("dense", json.get("sweep").get("fedsim").get(0).get("engine").asText());
    BenchResults back = Json.MAPPER.readValue(file.toFile(), BenchResults.class);
    assertEquals(r.goals(), back.goals());
    assertEquals(r.idleHeap(), back.idleHeap());
  }

  @Test
  void epsilonSpellingsMeetInOneKey() {
    assertEquals("1", BenchTable.epsilonKey("1.0"));
    assertEquals("1", BenchTable.epsilonKey("1"));
    assertEquals("0.1", BenchTable.epsilonKey("0.10"));
    assertEquals("50", BenchTable.epsilonKey("50.0"));
    assertEquals("none", BenchTable.epsilonKey("None"));
    assertEquals("0.5", BenchTable.labelValue("epsilon=0.5,seed=2", "epsilon"));
    assertEquals("2", BenchTable.labelValue("epsilon=0.5,seed=2", "seed"));
    assertEquals("", BenchTable.labelValue("seed=2", "epsilon"));
  }

  /** 27 runs over 9 epsilons × seeds 1-3, final accuracy {@code acc - 0.01, acc, acc + 0.01} per epsilon. */
  static BenchResults.SweepRun sweepRun(String config, String engine, double wall, double acc) {
    List<WorkerResult.RunOutcome> runs = new ArrayList<>();
    for (String eps : List.of("0.1", "0.5", "1", "2", "5", "10", "50", "100", "none")) {
      for (int seed = 1; seed <= 3; seed++) {
        runs.add(new WorkerResult.RunOutcome("epsilon=" + eps + ",seed=" + seed, 25, wall / 27, 1210 * 25, 175,
            acc + 0.01 * (seed - 2), 0.7));
      }
    }
    WorkerResult w = new WorkerResult("seed-mimic-eps-sweep", 27, 25, 2, wall, wall, 27L * 1210 * 25, 27 * 175,
        acc, 0.7, 100, 3, 1, 0.1, 0.2, "17", List.of(), "1", 2, runs, engine, 1, 0.5, 0.6);
    return new BenchResults.SweepRun(config, engine, new BenchResults.FedsimRep(wall + 5, w));
  }

  static BenchResults.IdleHeapRow idleRow(String engine, long perHospital) {
    boolean dense = engine.equals("dense");
    return new BenchResults.IdleHeapRow(dense ? "dense" : JvmConfig.TUNED, 12.5, new IdleHeap.Result(engine,
        "6-4-2-1", 41, 164, dense ? 20_000 : 1_000, 500, dense ? 20_000 : 1_000, perHospital, 30, 10,
        List.of("-Xmx4g")));
  }
}
