package org.fedsim.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fedsim.cluster.DevCertificates;
import org.fedsim.cluster.NodeConfig;
import org.fedsim.cluster.NodeProcess;
import org.fedsim.scenario.ClusterRunSettings;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.server.RunEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedsim cluster-demo}: a server node (this JVM) and three hospital nodes (child JVMs) on this machine over
 * mutual TLS, running a scenario; optionally a hospital node killed with SIGKILL mid-run and restarted, and a
 * comparison with the same scenario in one JVM (the cluster's overhead).
 */
@Command(
    name = "cluster-demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run a scenario on a cluster on this machine: certificates for a development CA, three hospital nodes as "
            + "child JVMs (their logs in DIR/logs), and the server node in this JVM (results in DIR/results).",
        "--kill-at-round N kills one hospital node (SIGKILL) after round N: its sites are dropped, the split brain "
            + "resolver downs the node, and the rounds go on; --restart-after K starts it again K rounds later, and "
            + "its sites take part again.",
        "--compare also runs the scenario in one JVM and prints both times and whether metrics.csv is identical "
            + "(it is, on the virtual clock, when no node is killed)."},
    footer = {"", "Examples:",
        "  fedsim cluster-demo                           # scenarios/cluster-demo.conf",
        "  fedsim cluster-demo --kill-at-round 5 --restart-after 3",
        "  # the overhead benchmark:",
        "  fedsim cluster-demo --scenario scenarios/seed-mimic.conf --compare"})
final class ClusterDemoCommand implements Callable<Integer> {
  @Option(names = "--scenario", paramLabel = "FILE", defaultValue = "scenarios/cluster-demo.conf",
      description = "the scenario (default: ${DEFAULT-VALUE})")
  Path scenario;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a scenario key; repeatable")
  List<String> sets = new ArrayList<>();

  @Option(names = "--dir", paramLabel = "DIR",
      description = "working directory: certs/, logs/, results/ (default: results/cluster-demo-<timestamp>)")
  Path dir;

  @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "0",
      description = "the server's port; hospitals take the next three (default: free ports)")
  int basePort;

  @Option(names = "--kill-at-round", paramLabel = "N", defaultValue = "0",
      description = "SIGKILL the second hospital node after round N (0: never)")
  int killAtRound;

  @Option(names = "--restart-after", paramLabel = "K", defaultValue = "0",
      description = "start the killed node again K rounds after the kill (0: never)")
  int restartAfter;

  @Option(names = "--compare", description = "also run the scenario in one JVM; print both times")
  boolean compare;

  @Option(names = "--no-tls", description = "plain TCP between the nodes")
  boolean noTls;

  @Option(names = {"-q", "--quiet"}, description = "no per-round progress lines")
  boolean quiet;

  static final int HOSPITALS = 3;

  /** The scenario's sites dealt round-robin over the hospital nodes h1, h2, h3 (a node without sites is left out). */
  static java.util.Map<String, List<String>> deal(List<String> sites) {
    java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < sites.size(); i++) {
      out.computeIfAbsent("h" + (i % HOSPITALS + 1), k -> new ArrayList<>()).add(sites.get(i));
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    if (killAtRound < 0 || restartAfter < 0) throw new ScenarioException("--kill-at-round and --restart-after: >= 0");
    if (restartAfter > 0 && killAtRound == 0) throw new ScenarioException("--restart-after needs --kill-at-round");
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(scenario, sets, null);
    List<String> sites = ClusterRunSettings.of(loaded.runs().get(0)).sites();
    Path work = dir != null ? dir : Path.of("results",
        "cluster-demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    OutputDirectory.check(work, dir != null ? "--dir" : "working directory");
    Path certs = work.resolve("certs");
    java.util.Map<String, List<String>> dealt = deal(sites);
    if (!noTls && !Files.exists(DevCertificates.keyStore(certs, "server"))) { // each hospital bound to its sites
      DevCertificates.create(certs, List.of("server", "h1", "h2", "h3"), List.of("server"), dealt);
    }
    int[] ports = ports();
    List<String> seeds = new ArrayList<>();
    for (int p : ports) seeds.add("127.0.0.1:" + p);
    List<NodeProcess> hospitals = new ArrayList<>();
    for (java.util.Map.Entry<String, List<String>> node : dealt.entrySet()) {
      int port = ports[hospitals.size() + 1];
      hospitals.add(new NodeProcess(node.getKey(), work, nodeArgs(node.getKey(), port, seeds, certs,
          List.of("--role", NodeConfig.ROLE_HOSPITAL, "--sites", String.join(",", node.getValue())))));
    }
    System.out.println("fedsim cluster-demo: server (this JVM) on port " + ports[0] + "; hospital nodes:");
    for (int h = 0; h < hospitals.size(); h++) {
      System.out.println("  " + hospitals.get(h).name() + " on port " + ports[h + 1] + ", log " + hospitals.get(h).log());
    }
    Path clusterOut = work.resolve("results").resolve("cluster");
    long t0 = System.nanoTime();
    double clusterWall;
    RoundTimes clusterTimes = new RoundTimes();
    try {
      for (NodeProcess h : hospitals) h.start();
      NodeCommand server = new NodeCommand();
      server.role = NodeConfig.ROLE_SERVER;
      server.name = "server";
      server.port = ports[0];
      server.seedNodes = seeds;
      server.certs = certs;
      server.noTls = noTls;
      server.scenario = scenario;
      server.sets = sets;
      server.out = clusterOut;
      server.quiet = quiet;
      NodeProcess victim = hospitals.size() > 1 ? hospitals.get(1) : hospitals.get(0);
      server.afterRound = round -> {
        clusterTimes.mark(round);
        try {
          if (round.round() == killAtRound) {
            System.out.println("fedsim cluster-demo: killing " + victim.name() + " (SIGKILL) after round "
                + round.round());
            victim.kill();
          } else if (restartAfter > 0 && round.round() == killAtRound + restartAfter) {
            System.out.println("fedsim cluster-demo: starting " + victim.name() + " again after round " + round.round());
            victim.start();
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException("cannot kill or restart " + victim.name() + ": " + e.getMessage(), e);
        }
      };
      int code = server.call();
      if (code != 0) return code;
      clusterWall = (System.nanoTime() - t0) / 1e9; // the hospital nodes' shutdown is not the run's
    } finally {
      NodeProcess.closeAll(hospitals);
    }
    System.out.printf(Locale.ROOT, "fedsim cluster-demo: 1 server + %d hospital JVMs: %.1f s in all (JVM starts and "
        + "joins included), %s%n", hospitals.size(), clusterWall, clusterTimes.describe());
    if (compare) compareWithOneJvm(clusterOut, work.resolve("results").resolve("single-jvm"), clusterWall, clusterTimes);
    return 0;
  }

  private void compareWithOneJvm(Path clusterOut, Path singleOut, double clusterWall, RoundTimes clusterTimes)
      throws Exception {
    RunCommand single = new RunCommand();
    single.scenario = scenario;
    single.sets = sets;
    single.out = singleOut;
    single.quiet = true;
    RoundTimes singleTimes = new RoundTimes();
    single.afterRound = singleTimes::mark;
    long t0 = System.nanoTime();
    single.call();
    double singleWall = (System.nanoTime() - t0) / 1e9;
    boolean same = Arrays.equals(Files.readAllBytes(clusterOut.resolve("metrics.csv")),
        Files.readAllBytes(singleOut.resolve("metrics.csv")));
    System.out.printf(Locale.ROOT, "fedsim cluster-demo: 1 JVM: %.1f s in all, %s%n", singleWall, singleTimes.describe());
    System.out.printf(Locale.ROOT, "fedsim cluster-demo: overhead: %.2fx in all, %.2fx per round; metrics.csv %s%n",
        clusterWall / singleWall, clusterTimes.perRound() / singleTimes.perRound(),
        same ? "identical" : "differs (expected on the real clock or after a kill)");
  }

  private List<String> nodeArgs(String name, int port, List<String> seeds, Path certs, List<String> more) {
    List<String> args = new ArrayList<>(more);
    args.addAll(List.of("--name", name, "--port", "" + port, "--seed-nodes", String.join(",", seeds)));
    if (noTls) {
      args.add("--no-tls");
    } else {
      args.addAll(List.of("--certs", certs.toAbsolutePath().toString()));
    }
    return args;
  }

  private int[] ports() throws IOException {
    int[] ports = new int[HOSPITALS + 1];
    for (int i = 0; i < ports.length; i++) ports[i] = basePort > 0 ? basePort + i : freePort();
    return ports;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Wall time between the first and the last round's results: the rounds' pace without start-up. */
  static final class RoundTimes {
    private long first;
    private long last;
    private int firstRound;
    private int lastRound;

    void mark(RunEvent.RoundCompleted round) {
      long now = System.nanoTime();
      if (first == 0) {
        first = now;
        firstRound = round.round();
      }
      last = now;
      lastRound = round.round();
    }

    double perRound() {
      return lastRound > firstRound ? (last - first) / 1e9 / (lastRound - firstRound) : Double.NaN;
    }

    String describe() {
      return String.format(Locale.ROOT, "%.3f s per round (rounds %d-%d)", perRound(), firstRound, lastRound);
    }
  }
}
