package org.fedsim.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedsim.bench.BenchOptions;
import org.fedsim.bench.BenchResults;
import org.fedsim.bench.BenchRunner;
import org.fedsim.bench.BenchTable;
import org.fedsim.bench.JvmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedsim bench}: the seed experiment on the peer's CSV, each fedsim configuration (engine and JVM settings) in a
 * fresh child JVM, against the bare-PyTorch peer ({@code ../shared/bench/fl_dp_baseline.py}); optionally the ε sweep
 * per configuration and heap per idle hospital per engine; prints tables, the ratios and the goal lines.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Benchmark fedsim against the bare-PyTorch peer on the same CSV: the seed experiment (7 sites, FedAvg, "
            + "no DP).",
        "The peer: ../shared/bench/fl_dp_baseline.py (--bench-dir). Each fedsim configuration (engine + JVM settings) runs in a fresh child JVM (its own flags, environment "
            + "and heap): an untimed warm-up run, then the timed run. Warm-up by default: a full untimed run of the "
            + "scenario for the dense engine (whose JIT is not warm after one round; its time is reported as the "
            + "cold run), 1 round for DL4J; 1 round before every sweep.",
        "Exit codes: 0 done (also when the peer is unavailable), 2 bad input, 1 failure."},
    footer = {"", "Examples:",
        "  fedsim bench",
        "  fedsim bench --rounds 25 --configs dense,dl4j-tuned --idle-heap",
        "  # dense sweep (seconds) + peer sweep (~8 min):",
        "  fedsim bench --configs dense --sweep",
        "  fedsim bench --rounds 25 --repeat 3 --configs dl4j-tuned",
        "  # ~15 min:",
        "  fedsim bench --configs dl4j-tuned --sweep --no-peer --out results/bench"})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "CSV", defaultValue = "../shared/bench/data/mimic_like.csv",
      description = "the CSV both sides read (default: ${DEFAULT-VALUE}, relative to the working directory)")
  Path data;

  @Option(names = "--bench-dir", paramLabel = "DIR", defaultValue = "../shared/bench",
      description = "where the peer's fl_dp_baseline.py lives (default: ${DEFAULT-VALUE})")
  Path benchDir;

  @Option(names = "--scenarios", paramLabel = "DIR", defaultValue = "scenarios",
      description = "holds seed-mimic.conf and seed-mimic-eps-sweep.conf (default: ${DEFAULT-VALUE})")
  Path scenarios;

  @Option(names = "--python", paramLabel = "PATH", defaultValue = "/usr/bin/python3",
      description = "interpreter with torch, numpy, sklearn (default: ${DEFAULT-VALUE})")
  Path python;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "25", description = "federated rounds (default: 25)")
  int rounds;

  @Option(names = "--repeat", paramLabel = "K", defaultValue = "1",
      description = "fresh runs per configuration (and of the peer); the table shows medians (default: 1)")
  int repeat;

  @Option(names = "--configs", paramLabel = "LIST", split = ",", defaultValue = "dense,dl4j-tuned,dl4j-untuned",
      description = "fedsim configurations to run: dense (model.engine=dense, tuned flags), dl4j-tuned, "
          + "dl4j-untuned (default: ${DEFAULT-VALUE})")
  List<String> configs = new ArrayList<>();

  @Option(names = "--sweep",
      description = "also run the 27-run epsilon sweep: each config in its own fresh JVM (dense: seconds; each dl4j "
          + "config: ~15 min), and the peer's (--sweep --repeats 3; ~8 min)")
  boolean sweep;

  @Option(names = "--warmup-rounds", paramLabel = "N",
      description = "rounds of the untimed warm-up run in every fedsim child (default: the full --rounds for the "
          + "dense seed run, 1 otherwise)")
  Integer warmupRounds;

  @Option(names = "--idle-heap",
      description = "also measure heap per idle model and per idle hospital, one fresh JVM per engine (20,000 dense, "
          + "1,000 dl4j instances)")
  boolean idleHeap;

  @Option(names = "--no-peer", description = "do not run the PyTorch peer")
  boolean noPeer;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "fedsim training threads (default: one per core)")
  int threads;

  @Option(names = "--timeout-minutes", paramLabel = "M", defaultValue = "120",
      description = "give up on a child process after this long (default: 120)")
  long timeoutMinutes;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "extra scenario override for every fedsim run (e.g. --set model.engine=dense); repeatable")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "also write bench-results.json into DIR")
  Path out;

  @Override
  public Integer call() throws Exception {
    Path csv = data.toAbsolutePath().normalize();
    if (!Files.isRegularFile(csv)) {
      throw new IllegalArgumentException("data file not found: " + csv + " (--data; the peer's generated CSV is "
          + "../shared/bench/data/mimic_like.csv, made by its make_mimic_like.py)");
    }
    Path scenarioDir = scenarios.toAbsolutePath().normalize();
    for (String f : sweep ? List.of(BenchOptions.SEED_SCENARIO, BenchOptions.SWEEP_SCENARIO)
        : List.of(BenchOptions.SEED_SCENARIO)) {
      if (!Files.isRegularFile(scenarioDir.resolve(f))) {
        throw new IllegalArgumentException("scenario file not found: " + scenarioDir.resolve(f)
            + " (--scenarios; run from the project root)");
      }
    }
    if (timeoutMinutes < 1) throw new IllegalArgumentException("--timeout-minutes must be >= 1");
    if (out != null) OutputDirectory.check(out, "--out"); // before the benchmark, not after it
    BenchOptions options = new BenchOptions(csv, scenarioDir, benchDir.toAbsolutePath().normalize(), python,
        rounds, repeat, JvmConfig.parse(configs), sweep, !noPeer, threads, Duration.ofMinutes(timeoutMinutes), sets,
        warmupRounds, idleHeap);

    PrintStream console = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BenchRunner runner = new BenchRunner(options, BenchRunner.currentJava(),
        BenchRunner.classpathOf(BenchCommand.class), line -> console.println("bench: " + line));
    BenchResults results = runner.run();
    BenchTable.lines(results).forEach(console::println);
    if (out != null) {
      console.println();
      console.println("bench: wrote " + results.writeTo(out));
    }
    console.flush();
    return 0;
  }
}
