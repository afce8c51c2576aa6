package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchResultsTest {
  private static WorkerResult worker(double wall, double cpu) {
    return new WorkerResult("seed-mimic", 1, 25, 2, wall, cpu, 30250, 175, 0.71, 0.78, 100, 3, 1, 0.1, 0.2,
        "17", List.of(), "1", 2, List.of(), "dl4j");
  }

  private static BenchResults.FedsimRow row(JvmConfig c, double... walls) {
    List<BenchResults.FedsimRep> reps = java.util.Arrays.stream(walls)
        .mapToObj(w -> new BenchResults.FedsimRep(w + 5, worker(w, 2 * w))).toList();
    return BenchResults.FedsimRow.of(c, reps);
  }

  private static BenchResults.PeerRow peer(double... times) {
    List<BenchResults.PeerRep> reps = java.util.Arrays.stream(times).mapToObj(t -> new BenchResults.PeerRep(t + 3,
        PeerOutput.parse(List.of(PeerOutputTest.SEED.get(0), PeerOutputTest.SEED.get(1),
            "eps=none seed=0 rounds=25 final_acc=0.7105 final_auc=0.7710 time=" + t + "s cpu=" + (t - 1) + "s (x)"))))
        .toList();
    return BenchResults.PeerRow.of("python3 fl_dp_baseline.py", reps, 25);
  }

  @Test
  void rowsReportMediansAndRatesAtTheMedian() {
    BenchResults.FedsimRow r = row(JvmConfig.tuned(), 12, 10, 30);
    assertEquals(12, r.wallSeconds(), 0);
    assertEquals(24, r.cpuSeconds(), 0);
    assertEquals(30250 / 12.0, r.stepsPerSecond(), 1e-9);
    assertEquals(175 / 12.0, r.updatesPerSecond(), 1e-9);
    assertEquals(17, r.processWallSeconds(), 0);
    BenchResults.PeerRow p = peer(17.3, 16.2, 22.7);
    assertTrue(p.available());
    assertEquals(17.3, p.wallSeconds(), 1e-12);
    assertEquals(1210 * 25 / 17.3, p.stepsPerSecond(), 1e-9);
  }

  @Test
  void ratiosAndTheGoalUseTheTunedConfig() {
    List<BenchResults.FedsimRow> rows = List.of(row(JvmConfig.untuned(), 20), row(JvmConfig.tuned(), 8));
    List<BenchResults.Ratio> ratios = BenchResults.ratios(rows, peer(17));
    assertEquals(2, ratios.size());
    assertEquals(0.85, ratios.get(0).ratio(), 1e-12);
    assertEquals(2.125, ratios.get(1).ratio(), 1e-12);
    BenchResults.Goal g = BenchResults.goal(ratios);
    assertEquals(JvmConfig.TUNED, g.config());
    assertTrue(g.met());
    assertFalse(BenchResults.goal(BenchResults.ratios(List.of(row(JvmConfig.tuned(), 9)), peer(17))).met());
    assertTrue(BenchResults.ratios(rows, BenchResults.PeerRow.unavailable("no torch", "x")).isEmpty());
    assertTrue(BenchResults.ratios(rows, null).isEmpty());
    assertNull(BenchResults.goal(List.of()));
  }

  @Test
  void writesJsonAtomicallyAndTheTableRenders(@TempDir Path dir) throws Exception {
    List<BenchResults.FedsimRow> rows = List.of(row(JvmConfig.tuned(), 8));
    BenchResults.PeerRow p = peer(17);
    List<BenchResults.Ratio> ratios = BenchResults.ratios(rows, p);
    BenchResults r = new BenchResults("2025-01-01T00:00Z", 2, "17", "/d.csv", 25, 1, rows, p, null, ratios,
        BenchResults.goal(ratios));
    Path file = r.writeTo(dir.resolve("out"));
    assertEquals(List.of(file), Files.list(file.getParent()).toList()); // no temp file left behind
    JsonNode json = Json.MAPPER.readTree(file.toFile());
    assertEquals("dl4j-tuned", json.get("fedsim").get(0).get("config").asText());
    assertEquals(2.125, json.get("goal").get("ratio").asDouble(), 1e-12);
    String text = String.join("\n", BenchTable.lines(r));
    assertTrue(text.contains("peer wall / fedsim wall = 2.13"), text);
    assertTrue(text.contains("goal: fedsim seed run ≥ 2× faster than the PyTorch peer: met"), text);
  }

  @Test
  void rowLabelsNameANonDl4jEngine() {
    assertEquals("dl4j-tuned", BenchTable.label("dl4j-tuned", worker(1, 1)));
    WorkerResult dense = new WorkerResult("s", 1, 25, 2, 1, 1, 1, 1, 0.7, 0.7, 1, 1, 1, 0, 0, "17", List.of(), "1", 2,
        List.of(), "dense");
    assertEquals("dl4j-tuned [dense]", BenchTable.label("dl4j-tuned", dense));
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
}
