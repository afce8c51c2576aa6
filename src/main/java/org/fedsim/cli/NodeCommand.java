package org.fedsim.cli;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedsim.cluster.ClusterRunGuardian;
import org.fedsim.cluster.NodeConfig;
import org.fedsim.cluster.SiteHost;
import org.fedsim.model.ModelFactory;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunGuardian;
import org.fedsim.scenario.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedsim node}: a member of an Akka cluster: the server (runs a scenario) or a hospital node (holds sites). */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
        "Start a cluster node. A hospital node holds the data of its --sites (loaded from a path local to it when the "
            + "server asks) and runs their hospitals; the server node runs a scenario against the hospitals the "
            + "cluster offers, holding no patient data, and writes the same results as 'fedsim run'.",
        "Nodes talk Artery over TLS 1.3 with mutual authentication; create the certificates with 'fedsim certs'. "
            + "Settings: the fedsim.node block of reference.conf, a --config FILE over it, flags over both.",
        "Exit codes: 0 done, 2 bad input (scenario, config, flags), 1 failure."},
    footer = {"", "Examples (one terminal each, in any order; every node lists every node as a",
        "seed node, so a restarted server joins the hospitals' cluster):",
        "  fedsim certs --out certs --nodes server,h1,h2,h3",
        "  S=127.0.0.1:25520,127.0.0.1:25521,127.0.0.1:25522,127.0.0.1:25523",
        "  fedsim node --role server --name server --port 25520 --seed-nodes $S \\",
        "      --scenario scenarios/cluster-demo.conf",
        "  fedsim node --role hospital --name h1 --port 25521 --seed-nodes $S \\",
        "      --sites WHITE,ASIAN,UNKNOWN",
        "  fedsim node --role hospital --name h2 --port 25522 --seed-nodes $S \\",
        "      --sites BLACK,NATIVE",
        "  fedsim node --role hospital --name h3 --port 25523 --seed-nodes $S \\",
        "      --sites HISPANIC/LATINO,OTHER",
        "Or all at once on this machine: fedsim cluster-demo"})
final class NodeCommand implements Callable<Integer> {
  @Option(names = "--role", required = true, paramLabel = "ROLE", description = "server or hospital")
  String role;

  @Option(names = "--sites", split = ",", paramLabel = "SITE",
      description = "hospital: the sites this node holds, comma-separated (e.g. WHITE,BLACK); default: those its "
          + "certificate binds (fedsim certs --sites)")
  List<String> sites = new ArrayList<>();

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON over the defaults: fedsim.node.*, akka.*")
  Path config;

  @Option(names = "--name", paramLabel = "NAME",
      description = "this node's name: its keystore in the certs directory (default: the role, or the first site)")
  String name;

  @Option(names = "--hostname", paramLabel = "HOST", description = "this node's address (fedsim.node.hostname)")
  String hostname;

  @Option(names = "--port", paramLabel = "PORT", description = "this node's port, 0 = any (fedsim.node.port)")
  Integer port;

  @Option(names = "--seed-nodes", split = ",", paramLabel = "HOST:PORT",
      description = "the nodes to join through (fedsim.node.seed-nodes)")
  List<String> seedNodes;

  @Option(names = "--certs", paramLabel = "DIR", description = "what 'fedsim certs' wrote (fedsim.node.tls.certs-dir)")
  Path certs;

  @Option(names = "--no-tls", description = "plain TCP instead of mutual TLS (a closed test network only)")
  boolean noTls;

  @Option(names = "--data", paramLabel = "PATH",
      description = "hospital: this node's copy of a CSV dataset, replacing the scenario's dataset.csv.path")
  Path data;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "hospital: threads that train this node's models (default: one per core)")
  int threads;

  @Option(names = "--scenario", paramLabel = "FILE", description = "server: the scenario to run")
  Path scenario;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "server: go on with a run from its last checkpoint (after the server node was lost)")
  Path resume;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "server: override a scenario key; repeatable")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "server: output directory (as 'fedsim run')")
  Path out;

  @Option(names = "--seed", paramLabel = "N", description = "server: override the scenario's master seed")
  Long seed;

  @Option(names = {"-q", "--quiet"}, description = "server: no per-round progress lines")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    boolean server = NodeConfig.ROLE_SERVER.equals(role);
    if (!server && !NodeConfig.ROLE_HOSPITAL.equals(role)) {
      throw new ScenarioException("--role: expected server or hospital, got '" + role + "'");
    }
    if (server && !sites.isEmpty()) throw new ScenarioException("--sites is for hospital nodes; the server holds none");
    if (!server && sites.isEmpty() && name == null) {
      throw new ScenarioException("a hospital node needs --sites A,B,... (or --name NAME, whose certificate binds its "
          + "sites)");
    }
    if (!server && (scenario != null || resume != null || out != null || !sets.isEmpty() || seed != null)) {
      throw new ScenarioException("--scenario, --resume, --set, --out and --seed are for the server node");
    }
    if (server && scenario == null && resume == null) {
      throw new ScenarioException("the server node needs --scenario FILE (or --resume DIR)");
    }
    if (data != null && !java.nio.file.Files.isRegularFile(data)) {
      throw new ScenarioException("--data " + data + ": no such file (this node's copy of the dataset's CSV)");
    }
    Config base = NodeConfig.load(config);
    if (hostname != null) base = NodeConfig.with(base, "hostname", hostname);
    if (port != null) base = NodeConfig.with(base, "port", port);
    if (seedNodes != null) base = NodeConfig.with(base, "seed-nodes", seedNodes);
    if (certs != null) base = NodeConfig.with(base, "tls.certs-dir", certs.toString());
    if (noTls) base = NodeConfig.with(base, "tls.enabled", false);
    if (name != null) base = NodeConfig.with(base, "tls.name", name);
    if (data != null) base = NodeConfig.with(base, "data-path", data.toAbsolutePath().toString());
    String nodeName = name != null ? name : server ? NodeConfig.ROLE_SERVER : safe(sites.get(0));
    int trainingThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    Config full = NodeConfig.build(base, role, nodeName)
        .withValue("fedsim.training-dispatcher.thread-pool-executor.fixed-pool-size",
            com.typesafe.config.ConfigValueFactory.fromAnyRef(trainingThreads));
    org.fedsim.cluster.NodeIdentity identity = org.fedsim.cluster.NodeIdentity.of(full);
    identity.requireRole(role);
    if (!server) sites = sitesFor(identity, sites);
    ModelFactory.warmUpInBackground();
    if (!server) return runHospital(full, nodeName);
    ActorSystem<Void> system = start(full);
    try {
      return runServer(system);
    } finally {
      // coordinated shutdown: the node leaves the cluster gracefully, so no hospital node sees it as lost
      org.fedsim.cluster.NodeStop.stop(system);
    }
  }

  /**
   * The sites a hospital node holds: those given ({@code --sites}), which its certificate must bind when it binds
   * any, or else the sites its certificate binds.
   */
  static List<String> sitesFor(org.fedsim.cluster.NodeIdentity identity, List<String> given) {
    if (!given.isEmpty()) {
      identity.requireSites(given);
      return given;
    }
    List<String> bound = identity.sites();
    if (bound.isEmpty()) {
      throw new ScenarioException("a hospital node needs --sites A,B,...: " + (identity.certified()
          ? "its certificate binds none (fedsim certs --sites NAME=A,B binds them)" : "there is no certificate to "
          + "take them from"));
    }
    return bound;
  }

  /** Called after every round (on the caller's thread), server only: what cluster-demo and tests use to kill nodes. */
  java.util.function.Consumer<org.fedsim.server.RunEvent.RoundCompleted> afterRound;

  private Integer runServer(ActorSystem<Void> system) throws Exception {
    System.out.println("fedsim node: server at " + Cluster.get(system).selfMember().address());
    String incarnation = Long.toHexString(System.nanoTime());
    RunCommand run = new RunCommand();
    run.scenario = scenario;
    run.resume = resume;
    run.sets = sets;
    run.out = out;
    run.seed = seed;
    run.quiet = quiet;
    run.parallel = 1; // one run at a time: its hospitals already train in parallel on their nodes
    run.afterRound = afterRound;
    run.runners = () -> new ExperimentRunner(system, ClusterRunGuardian.launcher(incarnation));
    return run.call();
  }

  /**
   * Until the JVM is stopped: a hospital node that the cluster downed (the split brain resolver, after it was
   * unreachable) starts its actor system again and rejoins, so its sites can take part again.
   */
  private Integer runHospital(Config full, String nodeName) throws Exception {
    String csv = full.getString("fedsim.node.data-path");
    while (true) {
      ActorSystem<Void> system = start(full);
      akka.cluster.Cluster.get(akka.actor.typed.javadsl.Adapter.toClassic(system)).registerOnMemberUp(() ->
          System.out.println("fedsim node: hospital " + nodeName + " is Up in the cluster"));
      system.systemActorOf(SiteHost.create(nodeName, sites, csv.isBlank() ? null : csv), "site-host",
          DispatcherSelector.fromConfig(RunGuardian.TRAINING_DISPATCHER));
      System.out.println("fedsim node: hospital " + nodeName + " at " + Cluster.get(system).selfMember().address()
          + " holding " + sites + "; joining " + full.getStringList("akka.cluster.seed-nodes") + " (Ctrl-C to stop)");
      boolean stopped = org.fedsim.cluster.NodeStop.await(system);
      boolean downed = CoordinatedShutdown.get(system).getShutdownReason()
          .filter(r -> r.equals(CoordinatedShutdown.clusterDowningReason())).isPresent();
      if (!downed) return 0;
      if (!stopped) { // its port may still be held: a new actor system here could not bind it
        System.out.println("fedsim node: hospital " + nodeName + " was downed by the cluster and its actor system did "
            + "not finish stopping; exiting so that it can be started again");
        return 1;
      }
      System.out.println("fedsim node: hospital " + nodeName + " was downed by the cluster; joining again");
      Thread.sleep(2000);
    }
  }

  /** The node's actor system; a port in use is bad input, said plainly. */
  private static ActorSystem<Void> start(Config full) {
    try {
      return ActorSystem.create(Behaviors.empty(), full.getString("fedsim.node.system-name"), full);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      if (root instanceof java.net.BindException) {
        throw new ScenarioException("cannot listen on " + full.getString("fedsim.node.hostname") + ":"
            + full.getInt("fedsim.node.port") + ": " + root.getMessage() + " (another node or program uses it? set "
            + "--port)", e);
      }
      throw e;
    }
  }

  /** A site name as a node name: HISPANIC/LATINO → HISPANIC_LATINO. */
  private static String safe(String site) {
    return site.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
