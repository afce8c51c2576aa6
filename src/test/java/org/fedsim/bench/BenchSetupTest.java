package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedsim.data.CsvDatasetSettings;
import org.fedsim.scenario.DatasetSpec;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** Configurations, options and the worker's arguments: everything decided before a child starts. */
class BenchSetupTest {
  @Test
  void configsParseInOrderWithoutDuplicates() {
    List<JvmConfig> c = JvmConfig.parse(List.of("dl4j-untuned", "DL4J-TUNED,dl4j-untuned"));
    assertEquals(List.of(JvmConfig.UNTUNED, JvmConfig.TUNED), c.stream().map(JvmConfig::name).toList());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JvmConfig.parse(List.of("dl4j-fast")));
    assertTrue(e.getMessage().contains("dl4j-tuned"));
    assertThrows(IllegalArgumentException.class, () -> JvmConfig.parse(List.of(" , ")));
  }

  @Test
  void tunedSetsOmpAndUntunedRemovesIt() {
    Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", "1", "PATH", "/bin"));
    JvmConfig.untuned().applyTo(env);
    assertEquals(Map.of("PATH", "/bin"), env);
    JvmConfig.tuned().applyTo(env);
    assertEquals("1", env.get("OMP_NUM_THREADS"));
    assertEquals(List.of("-Xmx4g"), JvmConfig.untuned().jvmArgs());
    assertTrue(JvmConfig.tuned().jvmArgs().containsAll(List.of("-Xmx4g", "-XX:+UseParallelGC",
        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2")));
  }

  @Test
  void theOverridesLoadTheSeedScenarioOnTheCsv() {
    Path csv = Path.of("/tmp/some dir/mimic \"like\".csv");
    BenchOptions o = options(csv, 7);
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios", BenchOptions.SEED_SCENARIO),
        o.scenarioSets(), null);
    assertEquals(1, loaded.runs().size());
    RunSpec run = loaded.runs().get(0);
    assertEquals(7, run.scenario().rounds());
    assertFalse(run.scenario().preprocessing().balance());
    DatasetSpec.Csv spec = assertInstanceOf(DatasetSpec.Csv.class, run.scenario().dataset());
    CsvDatasetSettings s = spec.settings();
    assertEquals(csv, s.path());
    assertEquals(BenchOptions.FEATURES, s.features());
    assertEquals("label", s.label());
    assertEquals("site", s.site());
  }

  @Test
  void theSweepScenarioTakesTheSameOverrides() {
    BenchOptions o = options(Path.of("/tmp/x.csv"), 3);
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios", BenchOptions.SWEEP_SCENARIO),
        o.scenarioSets(), null);
    assertEquals(27, loaded.runs().size());
    assertTrue(loaded.runs().stream().allMatch(r -> r.scenario().rounds() == 3
        && r.scenario().dataset() instanceof DatasetSpec.Csv));
  }

  @Test
  void extraOverridesComeLastSoTheyWin() {
    BenchOptions o = new BenchOptions(Path.of("/d.csv"), Path.of("/s"), Path.of("/b"), Path.of("/usr/bin/python3"),
        5, 1, List.of(JvmConfig.tuned()), false, true, 0, Duration.ofMinutes(1), List.of("rounds=2", "seed=9"));
    List<String> sets = o.scenarioSets();
    assertEquals(List.of("rounds=5", "rounds=2", "seed=9"), sets.subList(sets.size() - 3, sets.size()));
  }

  @Test
  void optionsRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new BenchOptions(Path.of("/d.csv"), Path.of("/s"),
        Path.of("/b"), Path.of("/usr/bin/python3"), 0, 1, List.of(JvmConfig.tuned()), false, true, 0,
        Duration.ofMinutes(1), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new BenchOptions(Path.of("/d.csv"), Path.of("/s"),
        Path.of("/b"), Path.of("/usr/bin/python3"), 5, 0, List.of(JvmConfig.tuned()), false, true, 0,
        Duration.ofMinutes(1), List.of()));
  }

  @Test
  void peerCommandUsesItsFlags() {
    BenchOptions o = options(Path.of("/d/m.csv"), 25);
    PeerRunner p = new PeerRunner(o);
    List<String> seed = p.command(false, Path.of("/tmp/o.csv"));
    assertEquals(List.of("/usr/bin/python3", "/b/fl_dp_baseline.py", "--data", "/d/m.csv", "--threads", "1",
        "--rounds", "25", "--out", "/tmp/o.csv"), seed);
    List<String> sweep = p.command(true, Path.of("/tmp/o.csv"));
    assertTrue(String.join(" ", sweep).contains("--sweep --repeats 3"));
  }

  @Test
  void workerArguments() {
    BenchWorker.Args a = BenchWorker.Args.parse(new String[] {"--scenario", "s.conf", "--set", "rounds=3",
        "--set", "dataset.type=csv", "--threads", "2", "--warmup-rounds", "0"});
    assertEquals(Path.of("s.conf"), a.scenario());
    assertEquals(List.of("rounds=3", "dataset.type=csv"), a.sets());
    assertEquals(2, a.threads());
    assertEquals(0, a.warmupRounds());
    assertEquals(1, BenchWorker.Args.parse(new String[] {"--scenario", "s.conf"}).warmupRounds());
    assertThrows(IllegalArgumentException.class, () -> BenchWorker.Args.parse(new String[] {"--set", "a=1"}));
    assertThrows(IllegalArgumentException.class, () -> BenchWorker.Args.parse(new String[] {"--scenario"}));
    assertThrows(IllegalArgumentException.class,
        () -> BenchWorker.Args.parse(new String[] {"--scenario", "s", "--bogus", "1"}));
  }

  static BenchOptions options(Path csv, int rounds) {
    return new BenchOptions(csv, Path.of("scenarios").toAbsolutePath(), Path.of("/b"), Path.of("/usr/bin/python3"),
        rounds, 1, List.of(JvmConfig.tuned()), false, true, 0, Duration.ofMinutes(5), List.of());
  }
}
