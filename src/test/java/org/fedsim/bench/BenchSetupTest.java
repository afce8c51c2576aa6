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
    List<JvmConfig> c = JvmConfig.parse(List.of("dl4j-untuned", "DL4J-TUNED,dl4j-untuned", " Dense "));
    assertEquals(List.of(JvmConfig.UNTUNED, JvmConfig.TUNED, JvmConfig.DENSE),
        c.stream().map(JvmConfig::name).toList());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JvmConfig.parse(List.of("dl4j-fast")));
    assertTrue(e.getMessage().contains("dense, dl4j-tuned, dl4j-untuned"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JvmConfig.parse(List.of(" , ")));
  }

  @Test
  void theDefaultSelectionRunsDenseFirst() {
    assertEquals(List.of("dense", "dl4j-tuned", "dl4j-untuned"),
        JvmConfig.parse(JvmConfig.DEFAULT_NAMES).stream().map(JvmConfig::name).toList());
  }

  @Test
  void denseIsTheTunedJvmWithTheDenseEngine() {
    JvmConfig dense = JvmConfig.dense();
    assertEquals(JvmConfig.tuned().jvmArgs(), dense.jvmArgs());
    assertEquals(JvmConfig.tuned().envSet(), dense.envSet());
    assertEquals(List.of("model.engine=dense"), dense.scenarioSets());
    assertEquals("dense", dense.engine());
    assertEquals("dl4j", JvmConfig.tuned().engine());
    assertEquals("dl4j", JvmConfig.untuned().engine());
    assertEquals("dl4j", JvmConfig.engineIn(List.of()));
    assertEquals("dense", JvmConfig.engineIn(List.of("model.engine = \"DENSE\"")));
    assertEquals("dl4j", JvmConfig.engineIn(List.of("model.engine=dense", "model.engine=dl4j")));
  }

  @Test
  void theConfigsOverridesComeBetweenTheBenchsAndTheUsers() {
    BenchOptions o = new BenchOptions(Path.of("/d.csv"), Path.of("/s"), Path.of("/b"), Path.of("/usr/bin/python3"),
        5, 1, List.of(JvmConfig.tuned()), false, true, 0, Duration.ofMinutes(1), List.of("seed=9"), null, false);
    List<String> sets = o.scenarioSets(JvmConfig.dense());
    assertEquals(List.of("rounds=5", "model.engine=dense", "seed=9"), sets.subList(sets.size() - 3, sets.size()));
    assertEquals("dense", o.engine(JvmConfig.dense()));
    BenchOptions user = new BenchOptions(Path.of("/d.csv"), Path.of("/s"), Path.of("/b"), Path.of("/p"), 5, 1,
        List.of(JvmConfig.tuned()), false, true, 0, Duration.ofMinutes(1), List.of("model.engine=dense"), null, false);
    assertEquals("dense", user.engine(JvmConfig.tuned()), "a user's --set wins over the config's engine");
  }

  @Test
  void denseSeedRunsWarmUpWithAFullRunUnlessToldOtherwise() {
    BenchOptions auto = new BenchOptions(Path.of("/d.csv"), Path.of("/s"), Path.of("/b"), Path.of("/p"), 25, 1,
        List.of(JvmConfig.dense()), true, true, 0, Duration.ofMinutes(1), List.of(), null, false);
    assertEquals(25, auto.warmupRounds(JvmConfig.dense(), false));
    assertEquals(10, auto.warmupRuns(JvmConfig.dense()), "ten warm-up runs bring the dense JIT to steady state");
    assertEquals(1, auto.warmupRuns(JvmConfig.tuned()));
    assertEquals(1, auto.warmupRounds(JvmConfig.dense(), true), "a sweep warms up with one round");
    assertEquals(1, auto.warmupRounds(JvmConfig.tuned(), false));
    assertEquals(1, auto.warmupRounds(JvmConfig.untuned(), true));
    BenchOptions three = new BenchOptions(Path.of("/d.csv"), Path.of("/s"), Path.of("/b"), Path.of("/p"), 25, 1,
        List.of(JvmConfig.dense()), true, true, 0, Duration.ofMinutes(1), List.of(), 3, false);
    assertEquals(3, three.warmupRounds(JvmConfig.dense(), false));
    assertEquals(3, three.warmupRounds(JvmConfig.tuned(), true));
    assertThrows(IllegalArgumentException.class, () -> new BenchOptions(Path.of("/d.csv"), Path.of("/s"),
        Path.of("/b"), Path.of("/p"), 25, 1, List.of(JvmConfig.dense()), true, true, 0, Duration.ofMinutes(1),
        List.of(), -1, false));
  }

  @Test
  void workerCommandCarriesFlagsWarmupAndOverrides() {
    BenchOptions o = options(Path.of("/d/m.csv"), 25);
    BenchRunner runner = new BenchRunner(o, "/jdk/bin/java", "/x/fedsim.jar", line -> { });
    List<String> cmd = runner.workerCommand(JvmConfig.dense(), Path.of("/s/seed-mimic.conf"), 25);
    String line = String.join(" ", cmd);
    assertEquals("/jdk/bin/java", cmd.get(0));
    assertTrue(line.contains("-XX:+UseParallelGC"), line);
    assertTrue(line.contains("-cp /x/fedsim.jar " + BenchRunner.WORKER_CLASS), line);
    assertTrue(line.contains("--warmup-rounds 25"), line);
    assertTrue(line.endsWith("--set rounds=25 --set model.engine=dense"), line);
  }

  @Test
  void idleHeapRunsOneChildPerEngineWithTheFirstConfigsFlags() {
    BenchOptions o = new BenchOptions(Path.of("/d.csv"), Path.of("/s"), Path.of("/b"), Path.of("/p"), 25, 1,
        JvmConfig.parse(List.of("dl4j-untuned,dense,dl4j-tuned")), false, true, 0, Duration.ofMinutes(1), List.of(),
        null, true);
    Map<String, JvmConfig> engines = BenchRunner.enginesOf(o);
    assertEquals(List.of("dl4j", "dense"), List.copyOf(engines.keySet()));
    assertEquals(JvmConfig.UNTUNED, engines.get("dl4j").name());
    assertEquals(JvmConfig.DENSE, engines.get("dense").name());
  }

  @Test
  void theSeedScenarioLoadsWithTheDenseConfigsOverrides() {
    BenchOptions o = options(Path.of("/tmp/x.csv"), 3);
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios", BenchOptions.SEED_SCENARIO),
        o.scenarioSets(JvmConfig.dense()), null);
    assertEquals("dense", BenchWorker.engine(loaded));
    assertEquals("dl4j", BenchWorker.engine(ScenarioLoader.load(Path.of("scenarios", BenchOptions.SEED_SCENARIO),
        o.scenarioSets(JvmConfig.tuned()), null)));
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
        5, 1, List.of(JvmConfig.tuned()), false, true, 0, Duration.ofMinutes(1), List.of("rounds=2", "seed=9"), null,
        false);
    List<String> sets = o.scenarioSets();
    assertEquals(List.of("rounds=5", "rounds=2", "seed=9"), sets.subList(sets.size() - 3, sets.size()));
  }

  @Test
  void optionsRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new BenchOptions(Path.of("/d.csv"), Path.of("/s"),
        Path.of("/b"), Path.of("/usr/bin/python3"), 0, 1, List.of(JvmConfig.tuned()), false, true, 0,
        Duration.ofMinutes(1), List.of(), null, false));
    assertThrows(IllegalArgumentException.class, () -> new BenchOptions(Path.of("/d.csv"), Path.of("/s"),
        Path.of("/b"), Path.of("/usr/bin/python3"), 5, 0, List.of(JvmConfig.tuned()), false, true, 0,
        Duration.ofMinutes(1), List.of(), null, false));
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
        rounds, 1, List.of(JvmConfig.tuned()), false, true, 0, Duration.ofMinutes(5), List.of(), null, false);
  }
}
