package org.fedsim.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.fedsim.data.Dataset;
import org.fedsim.data.Preprocessor;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.LocalModel;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunGuardian;
import org.fedsim.scenario.Scenario;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.timing.TimingModel;

/**
 * A hospital node's host: offers its sites under their Receptionist keys, and for each run the server asks of it
 * loads the dataset the run describes from this node's own path, keeps the rows of its sites, and starts their
 * hospitals (with a DP filter in front when privacy is local). The rows never leave this node; only actor references
 * and row counts go back. Loading blocks, so spawn it on the training dispatcher.
 */
public final class SiteHost extends AbstractBehavior<ClusterProtocol.HostCommand> {

  /**
   * @param host this node's name (in logs and replies)
   * @param sites the sites this node holds
   * @param csvPath this node's copy of a CSV dataset (replaces the scenario's {@code dataset.csv.path}); null: as sent
   */
  public static Behavior<ClusterProtocol.HostCommand> create(String host, List<String> sites, String csvPath) {
    return Behaviors.setup(ctx -> new SiteHost(ctx, host, sites, csvPath));
  }

  /** This node's sites' rows of one dataset (the other sites' rows are dropped once split), in dataset order. */
  private record Prepared(int numFeatures, List<SiteSplit> splits, List<Integer> indices, List<String> allSites) {}

  private final String host;
  private final Set<String> sites;
  private final String csvPath;
  private final Map<List<Object>, Prepared> cache = new HashMap<>();
  /** The actor-name suffixes of each run's sites (a hospital, and a DP filter when privacy is local). */
  private final Map<String, List<String>> runs = new HashMap<>();
  private int spawned;
  private final java.security.SecureRandom random = new java.security.SecureRandom();

  private SiteHost(ActorContext<ClusterProtocol.HostCommand> context, String host, List<String> sites, String csvPath) {
    super(context);
    this.host = host;
    this.sites = new LinkedHashSet<>(sites);
    this.csvPath = csvPath;
    for (String site : this.sites) {
      context.getSystem().receptionist().tell(Receptionist.register(ClusterProtocol.siteKey(site), context.getSelf()));
    }
    context.getLog().info("hospital node {} offers sites {}", host, this.sites);
  }

  @Override
  public Receive<ClusterProtocol.HostCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ClusterProtocol.PrepareSites.class, this::prepare)
        .onMessage(ClusterProtocol.EndRun.class, this::end)
        .onSignal(ChildFailed.class, f -> {
          getContext().getLog().error("hospital actor {} failed: {}", f.getRef().path().name(), f.getCause().toString());
          return this;
        })
        .onSignal(Terminated.class, t -> this) // a scripted crash, or the end of a run: the server counts it
        .build();
  }

  private Behavior<ClusterProtocol.HostCommand> prepare(ClusterProtocol.PrepareSites p) {
    String refusal = notFromAServer(p);
    if (refusal != null) {
      getContext().getLog().warn("run {}: refused a request for sites {}: {}", p.runId(), p.sites(), refusal);
      p.replyTo().tell(new ClusterProtocol.PrepareFailed(p.runId(), host, p.sites(), host + ": " + refusal));
      return this;
    }
    // the run's hospitals end with it, however it ends (its guardian stops, or its node is lost)
    if (!runs.containsKey(p.runId())) getContext().watchWith(p.replyTo(), new ClusterProtocol.EndRun(p.runId()));
    try {
      p.replyTo().tell(start(p));
    } catch (RuntimeException e) { // bad settings or data: the server fails the run with this reason
      getContext().getLog().error("run {}: cannot start sites {}: {}", p.runId(), p.sites(), e.getMessage());
      p.replyTo().tell(new ClusterProtocol.PrepareFailed(p.runId(), host, p.sites(), host + ": " + e.getMessage()));
    }
    return this;
  }

  /**
   * Only a server may ask for a run's hospitals (null: a server asks): a member with the server role and, with TLS,
   * a request signed by a server certificate of this cluster's CA (a role is only claimed; the certificate is
   * issued).
   */
  private String notFromAServer(ClusterProtocol.PrepareSites p) {
    akka.actor.Address address = p.replyTo().path().address();
    if (!address.hasGlobalScope()) return null; // this node's own system (a single-JVM test)
    String signed = ClusterProtocol.PrepareSites.signedText(p.runId(), p.scenarioHocon(), p.sites(),
        akka.actor.typed.ActorRefResolver.get(getContext().getSystem()).toSerializationFormat(p.replyTo()));
    String forged = NodeIdentity.get(getContext().getSystem()).notAServer(signed, p.credential());
    if (forged != null) return "the request from " + address + " is not a server's: " + forged;
    for (akka.cluster.Member m : akka.cluster.typed.Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (m.address().equals(address)) {
        return m.hasRole(NodeConfig.ROLE_SERVER) ? null : "the requesting node " + address + " is not a server";
      }
    }
    return "the requesting node " + address + " is not a member of this cluster";
  }

  private ClusterProtocol.SitesReady start(ClusterProtocol.PrepareSites p) {
    for (String site : p.sites()) {
      if (!sites.contains(site)) throw new IllegalArgumentException("site " + site + " is not held here " + sites);
    }
    Scenario s = ScenarioLoader.scenarioOf(p.scenarioHocon(), csvPath);
    List<Object> key = List.of(s.dataset(), s.preprocessing(), s.partition());
    if (!cache.containsKey(key)) cache.clear(); // one dataset at a time: a sweep's runs share it
    Prepared data = cache.computeIfAbsent(key, k -> {
      Dataset ds = s.dataset().load();
      List<SiteSplit> all = Preprocessor.prepare(ds, s.preprocessing(), s.partition()).sites();
      List<SiteSplit> mine = new ArrayList<>();
      List<Integer> indices = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (sites.contains(all.get(i).site())) {
          mine.add(all.get(i));
          indices.add(i);
        }
      }
      return new Prepared(ds.numFeatures(), mine, indices, all.stream().map(SiteSplit::site).toList());
    });
    int inputs = data.numFeatures();
    ModelWeights initial = ExperimentRunner.initialWeights(s, inputs);
    Supplier<LocalModel> models = RunGuardian.models(s, inputs, initial);
    TimingModel timing = RunGuardian.timing(s);
    List<ClusterProtocol.SiteInfo> infos = new ArrayList<>();
    List<String> suffixes = runs.computeIfAbsent(p.runId(), id -> new ArrayList<>());
    for (String site : p.sites()) {
      int mine = indexOf(data, site);
      SiteSplit split = data.splits().get(mine);
      int index = data.indices().get(mine);
      // unguessable actor names: only the server that asked learns where this run's hospitals are
      String suffix = (++spawned) + "-" + Long.toHexString(random.nextLong());
      ActorRef<HospitalProtocol.Command> ref = RunGuardian.spawnSite(getContext(), s, split, models, timing, suffix);
      suffixes.add(suffix);
      infos.add(new ClusterProtocol.SiteInfo(site, index, split.train().size(), split.validation().size(), ref));
    }
    getContext().getLog().info("run {}: started sites {} ({} features)", p.runId(), p.sites(), inputs);
    return new ClusterProtocol.SitesReady(p.runId(), host, inputs, infos);
  }

  private static int indexOf(Prepared data, String site) {
    for (int i = 0; i < data.splits().size(); i++) if (data.splits().get(i).site().equals(site)) return i;
    throw new IllegalArgumentException("site " + site + " has no rows in this node's dataset (its sites: "
        + data.allSites() + ")");
  }

  private Behavior<ClusterProtocol.HostCommand> end(ClusterProtocol.EndRun e) {
    List<String> suffixes = runs.remove(e.runId());
    if (suffixes == null) return this;
    for (String suffix : suffixes) {
      for (String prefix : List.of(RunGuardian.DP_FILTER_PREFIX, RunGuardian.HOSPITAL_PREFIX)) {
        getContext().getChild(prefix + suffix).ifPresent(child -> getContext().stop(child));
      }
    }
    getContext().getLog().info("run {} over: stopped the hospitals of its {} site(s)", e.runId(), suffixes.size());
    return this;
  }
}
