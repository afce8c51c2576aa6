package org.fedsim.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code fedsim bench} runs, every path already absolute.
 *
 * @param data the CSV both fedsim and the peer read
 * @param scenarioDir holds seed-mimic.conf and seed-mimic-eps-sweep.conf
 * @param benchDir holds the peer's fl_dp_baseline.py
 * @param python the interpreter with torch (Debian's /usr/bin/python3)
 * @param repeat fresh child JVMs (and peer processes) per configuration; the table reports medians
 * @param threads fedsim training threads (0 = one per core)
 * @param timeout per child process
 * @param extraSets further scenario overrides (KEY=VALUE) for every fedsim child, applied after the bench's own
 *     and the configuration's
 * @param warmupRounds rounds of the untimed warm-up run in every fedsim child; null = the default of
 *     {@link #warmupRounds(JvmConfig, boolean)}
 * @param idleHeap also measure heap per idle model and per idle hospital, one child JVM per engine
 */
public record BenchOptions(
    Path data,
    Path scenarioDir,
    Path benchDir,
    Path python,
    int rounds,
    int repeat,
    List<JvmConfig> configs,
    boolean sweep,
    boolean peer,
    int threads,
    Duration timeout,
    List<String> extraSets,
    Integer warmupRounds,
    boolean idleHeap) {
  public static final String SEED_SCENARIO = "seed-mimic.conf";
  public static final String SWEEP_SCENARIO = "seed-mimic-eps-sweep.conf";
  public static final String PEER_SCRIPT = "fl_dp_baseline.py";
  public static final List<String> FEATURES =
      List.of("abp_diastolic", "abp_systolic", "glucose", "heart_rate", "resp_rate", "temperature");

  public BenchOptions {
    configs = List.copyOf(configs);
    extraSets = List.copyOf(extraSets);
    if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
    if (repeat < 1) throw new IllegalArgumentException("--repeat must be >= 1, got " + repeat);
    if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
    if (configs.isEmpty()) throw new IllegalArgumentException("--configs: choose at least one configuration");
    if (warmupRounds != null && warmupRounds < 0) {
      throw new IllegalArgumentException("--warmup-rounds must be >= 0, got " + warmupRounds);
    }
  }

  /**
   * The warm-up rounds of one child: {@code --warmup-rounds} when given; otherwise, for the seed run, a full
   * untimed run of the scenario ({@link #rounds}) on the dense engine, whose JIT is not warm after one round, and
   * one round on DL4J (whose time goes into native code); for the sweep, one round on every engine (27 runs
   * amortise the JIT).
   */
  public int warmupRounds(JvmConfig config, boolean sweepRun) {
    if (warmupRounds != null) return warmupRounds;
    return !sweepRun && engine(config).equals(JvmConfig.DENSE) ? rounds : 1;
  }

  /**
   * How many untimed warm-up runs a seed-run child makes before the timed one: ten on the dense engine, whose JIT
   * reaches steady state only after a few runs (measured here for 25 rounds: 0.12 s after one warm-up run, 0.087 s
   * after ten; the first warm-up run is reported as the cold run), one on DL4J.
   */
  public int warmupRuns(JvmConfig config) {
    return warmupRounds == null && engine(config).equals(JvmConfig.DENSE) ? 10 : 1;
  }

  /** The engine a child of {@code config} will run: the configuration's, unless a --set overrides it. */
  public String engine(JvmConfig config) {
    List<String> sets = new java.util.ArrayList<>(config.scenarioSets());
    sets.addAll(extraSets);
    return JvmConfig.engineIn(sets);
  }

  /** Every override of one child of {@code config}: the bench's own, the configuration's, then the user's. */
  public List<String> scenarioSets(JvmConfig config) {
    List<String> sets = new java.util.ArrayList<>(scenarioSets());
    int user = sets.size() - extraSets.size();
    sets.addAll(user, config.scenarioSets());
    return sets;
  }

  /** The scenario overrides that point fedsim's CSV loader at {@link #data} (plus the rounds). */
  public List<String> scenarioSets() {
    List<String> sets = new java.util.ArrayList<>(List.of(
        "dataset.type=csv",
        "dataset.csv.path=" + com.typesafe.config.ConfigUtil.quoteString(data.toString()),
        "dataset.csv.features=[" + String.join(",", FEATURES) + "]",
        "dataset.csv.label=label",
        "dataset.csv.site=site",
        "preprocessing.balance=false",
        "rounds=" + rounds));
    sets.addAll(extraSets);
    return sets;
  }

  public Path seedScenario() {
    return scenarioDir.resolve(SEED_SCENARIO);
  }

  public Path sweepScenario() {
    return scenarioDir.resolve(SWEEP_SCENARIO);
  }

  public Path peerScript() {
    return benchDir.resolve(PEER_SCRIPT);
  }
}
