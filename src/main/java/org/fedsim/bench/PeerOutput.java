package org.fedsim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the PyTorch peer ({@code fl_dp_baseline.py}) printed, parsed from its stdout:
 * <pre>
 * clients: ASIAN(train=150,val=38), BLACK(train=376,val=94), ...
 * torch 1.13.0a0, threads=1, loader=manual
 * eps=none seed=0 rounds=25 final_acc=0.7105 final_auc=0.7710 time=17.30s cpu=15.60s (0.692 s/round; ...)
 * total wall time 17.31s for 1 run(s) x 25 rounds = 0.692 s/round; csv -> out.csv
 * </pre>
 *
 * @param sites the clients and their split sizes (from the {@code clients:} line)
 * @param runs one entry per summary line, in order
 * @param totalWallSeconds the script's own total over all runs (excludes interpreter start, imports, data load); NaN
 *     if the line is missing
 * @param torchVersion as printed, or "" if missing
 */
public record PeerOutput(List<Site> sites, List<Run> runs, double totalWallSeconds, String torchVersion,
    int torchThreads) {
  /** The peer's fixed training settings (its argparse defaults, which the bench does not change). */
  public static final int BATCH_SIZE = 32;
  public static final int LOCAL_EPOCHS = 10;

  private static final String NUM = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|nan|NaN)";
  private static final Pattern RUN = Pattern.compile("^eps=(\\S+) seed=(-?\\d+) rounds=(\\d+) final_acc=" + NUM
      + " final_auc=" + NUM + " time=" + NUM + "s cpu=" + NUM + "s");
  private static final Pattern CLIENT = Pattern.compile("([^,\\s(][^,(]*)\\(train=(\\d+),val=(\\d+)\\)");
  private static final Pattern TOTAL = Pattern.compile("^total wall time " + NUM + "s for (\\d+) run\\(s\\)");
  private static final Pattern TORCH = Pattern.compile("^torch (\\S+), threads=(\\d+)");

  public PeerOutput {
    sites = List.copyOf(sites);
    runs = List.copyOf(runs);
  }

  /** One client of the peer. */
  public record Site(String name, int numTrain, int numValidation) {}

  /**
   * One run's summary line.
   *
   * @param epsilon as printed ({@code none} = no DP)
   * @param seconds the run's own wall time (model init to last evaluation; no start-up, no data load)
   * @param cpuSeconds {@code time.process_time()} over the same span
   */
  public record Run(String epsilon, int seed, int rounds, double finalAccuracy, double finalAuc, double seconds,
      double cpuSeconds) {}

  public static PeerOutput parse(List<String> lines) {
    List<Site> sites = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    double total = Double.NaN;
    String torch = "";
    int threads = 0;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("clients:")) {
        sites.clear();
        Matcher m = CLIENT.matcher(line.substring("clients:".length()));
        while (m.find()) {
          sites.add(new Site(m.group(1).trim(), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        }
        continue;
      }
      Matcher m = RUN.matcher(line);
      if (m.find()) {
        runs.add(new Run(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), num(m.group(4)),
            num(m.group(5)), num(m.group(6)), num(m.group(7))));
        continue;
      }
      m = TOTAL.matcher(line);
      if (m.find()) {
        total = num(m.group(1));
        continue;
      }
      m = TORCH.matcher(line);
      if (m.find()) {
        torch = m.group(1);
        threads = Integer.parseInt(m.group(2));
      }
    }
    return new PeerOutput(sites, runs, total, torch, threads);
  }

  /** Minibatch steps one run takes: every client trains every round, ceil(n_train/32) × 10 epochs. */
  public long stepsPerRun(int rounds) {
    long perRound = 0;
    for (Site s : sites) perRound += StepCounter.stepsPerRound(s.numTrain(), BATCH_SIZE, LOCAL_EPOCHS);
    return perRound * rounds;
  }

  /** Client updates one run aggregates: every client, every round. */
  public long updatesPerRun(int rounds) {
    return (long) sites.size() * rounds;
  }

  /** Sum of the runs' own times. */
  public double runSeconds() {
    return runs.stream().mapToDouble(Run::seconds).sum();
  }

  /** Sum of the runs' own CPU times. */
  public double runCpuSeconds() {
    return runs.stream().mapToDouble(Run::cpuSeconds).sum();
  }

  private static double num(String s) {
    return s.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(s.toLowerCase(Locale.ROOT));
  }
}
