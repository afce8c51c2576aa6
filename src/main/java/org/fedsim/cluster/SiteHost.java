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
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.LocalModel;
import org.fedsim.model.ModelFactory;
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

  /**
   * This node's sites' rows of one dataset (the other sites' rows are dropped once split), in dataset order, and the
   * external (held-out) sites among them, with their positions among the dataset's external sites.
   */
  private record Prepared(int numFeatures, List<SiteSplit> splits, List<Integer> indices, List<String> allSites,
      List<SiteData> external, List<Integer> externalIndices) {}

  /**
   * One run's state on this node: who asked (the only actor it answers), its settings, the actor-name suffixes of
   * its sites (a hospital, and a DP filter when privacy is local), its external sites' rows by position, and the
   * model that scores them (made when first needed).
   */
  private static final class RunState {
    final ActorRef<ClusterProtocol.HostReply> server;
    final String hocon;
    final Scenario scenario;
    final int numFeatures;
    final List<String> suffixes = new ArrayList<>();
    final Map<Integer, SiteData> external = new java.util.TreeMap<>();
    LocalModel scorer;

    RunState(ActorRef<ClusterProtocol.HostReply> server, String hocon, Scenario scenario, int numFeatures) {
      this.server = server;
      this.hocon = hocon;
      this.scenario = scenario;
      this.numFeatures = numFeatures;
    }
  }

  /** The actor that started a run has stopped (the run is over, or its node was lost): a watch, never a message. */
  private record RunOver(String runId) implements ClusterProtocol.HostCommand,
      akka.actor.NoSerializationVerificationNeeded {}

  private final String host;
  private final Set<String> sites;
  private final String csvPath;
  private final Map<List<Object>, Prepared> cache = new HashMap<>();
  private final Map<String, RunState> runs = new HashMap<>();
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
        .onMessage(RunOver.class, this::end)
        .onMessage(ClusterProtocol.EvaluateExternal.class, this::evaluateExternal)
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
    RunState known = runs.get(p.runId());
    if (known != null && !known.hocon.equals(p.scenarioHocon())) { // a run's settings are those it started with
      String why = "run " + p.runId() + " is already under way here with other settings";
      getContext().getLog().warn("refused a request for sites {}: {}", p.sites(), why);
      p.replyTo().tell(new ClusterProtocol.PrepareFailed(p.runId(), host, p.sites(), host + ": " + why));
      return this;
    }
    // the run's hospitals end with it, however it ends (its guardian stops, or its node is lost): only this watch
    // ends a run here, so no other member can stop a run's hospitals by message
    if (known == null) getContext().watchWith(p.replyTo(), new RunOver(p.runId()));
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
    NodeIdentity identity = NodeIdentity.get(getContext().getSystem());
    // a reply-to on this node's own system: allowed only without certificates (a single-JVM test); with them a
    // remote member could otherwise name a local actor and skip the signature
    if (!address.hasGlobalScope()) {
      if (!identity.certified()) return null;
      address = akka.cluster.typed.Cluster.get(getContext().getSystem()).selfMember().address();
    }
    String signed = ClusterProtocol.PrepareSites.signedText(p.runId(), p.scenarioHocon(), p.sites(),
        akka.actor.typed.ActorRefResolver.get(getContext().getSystem()).toSerializationFormat(p.replyTo()));
    String forged = identity.notAServer(signed, p.credential());
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
      Preprocessor.Prepared prepared = Preprocessor.prepare(ds, s.preprocessing(), s.partition());
      List<SiteSplit> all = prepared.sites();
      List<SiteSplit> mine = new ArrayList<>();
      List<Integer> indices = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (sites.contains(all.get(i).site())) {
          mine.add(all.get(i));
          indices.add(i);
        }
      }
      List<SiteData> external = new ArrayList<>();
      List<Integer> externalIndices = new ArrayList<>();
      for (int i = 0; i < prepared.external().size(); i++) {
        if (sites.contains(prepared.external().get(i).site())) {
          external.add(prepared.external().get(i));
          externalIndices.add(i);
        }
      }
      List<String> names = new ArrayList<>(all.stream().map(SiteSplit::site).toList());
      prepared.external().forEach(e -> names.add(e.site()));
      return new Prepared(ds.numFeatures(), mine, indices, names, external, externalIndices);
    });
    int inputs = data.numFeatures();
    ModelWeights initial = ExperimentRunner.initialWeights(s, inputs);
    Supplier<LocalModel> models = RunGuardian.models(s, inputs, initial);
    TimingModel timing = RunGuardian.timing(s);
    List<ClusterProtocol.SiteInfo> infos = new ArrayList<>();
    List<ClusterProtocol.ExternalInfo> externals = new ArrayList<>();
    RunState run = runs.computeIfAbsent(p.runId(), id -> new RunState(p.replyTo(), p.scenarioHocon(), s, inputs));
    for (String site : p.sites()) {
      int ext = externalIndexOf(data, site);
      if (ext >= 0) { // held out: scored each round, never trained
        SiteData rows = data.external().get(ext);
        run.external.put(data.externalIndices().get(ext), rows);
        externals.add(new ClusterProtocol.ExternalInfo(site, data.externalIndices().get(ext), rows.size()));
        continue;
      }
      int mine = indexOf(data, site);
      SiteSplit split = data.splits().get(mine);
      int index = data.indices().get(mine);
      // unguessable actor names: only the server that asked learns where this run's hospitals are
      String suffix = (++spawned) + "-" + Long.toHexString(random.nextLong());
      ActorRef<HospitalProtocol.Command> ref = RunGuardian.spawnSite(getContext(), s, split, models, timing, suffix);
      run.suffixes.add(suffix);
      infos.add(new ClusterProtocol.SiteInfo(site, index, split.train().size(), split.validation().size(), ref));
    }
    getContext().getLog().info("run {}: started sites {} ({} features)", p.runId(), p.sites(), inputs);
    return ClusterProtocol.SitesReady.signed(getContext().getSystem(), p.runId(), host, inputs, infos, externals);
  }

  private static int externalIndexOf(Prepared data, String site) {
    for (int i = 0; i < data.external().size(); i++) if (data.external().get(i).site().equals(site)) return i;
    return -1;
  }

  /** Scores a round's global model on every row of this node's external sites of the run, for its server only. */
  private Behavior<ClusterProtocol.HostCommand> evaluateExternal(ClusterProtocol.EvaluateExternal e) {
    RunState run = runs.get(e.runId());
    if (run == null || !run.server.equals(e.replyTo())) {
      getContext().getLog().warn("run {}: refused to score external sites for {}: {}", e.runId(),
          e.replyTo().path().address(), run == null ? "no such run here" : "not the actor that started the run");
      // no scores, said at once: the asker does not wait for them (a refusal gives nothing away)
      e.replyTo().tell(new ClusterProtocol.ExternalScores(e.runId(), e.round(), host, getContext().getSelf(), List.of()));
      return this;
    }
    List<ClusterProtocol.ExternalScore> scores = new ArrayList<>();
    try {
      if (run.scorer == null) {
        run.scorer = ModelFactory.models(run.scenario.engine(), run.scenario.model(), run.numFeatures,
            ExperimentRunner.initialWeights(run.scenario, run.numFeatures).values()).get();
      }
      run.scorer.setParams(e.global().values());
      for (Map.Entry<Integer, SiteData> ext : run.external.entrySet()) {
        scores.add(new ClusterProtocol.ExternalScore(ext.getKey(),
            ExperimentRunner.ExternalEvaluation.of(run.scorer, ext.getValue())));
      }
    } catch (RuntimeException bad) { // a model of the wrong size, say: the server writes NaN, this node goes on
      getContext().getLog().error("run {}: round {}: cannot score the external sites: {}", e.runId(), e.round(),
          bad.toString());
      scores.clear();
    }
    e.replyTo().tell(new ClusterProtocol.ExternalScores(e.runId(), e.round(), host, getContext().getSelf(), scores));
    return this;
  }

  private static int indexOf(Prepared data, String site) {
    for (int i = 0; i < data.splits().size(); i++) if (data.splits().get(i).site().equals(site)) return i;
    throw new IllegalArgumentException("site " + site + " has no rows in this node's dataset (its sites: "
        + data.allSites() + ")");
  }

  private Behavior<ClusterProtocol.HostCommand> end(RunOver e) {
    RunState run = runs.remove(e.runId());
    if (run == null) return this;
    List<String> suffixes = run.suffixes;
    for (String suffix : suffixes) {
      for (String prefix : List.of(RunGuardian.DP_FILTER_PREFIX, RunGuardian.HOSPITAL_PREFIX)) {
        getContext().getChild(prefix + suffix).ifPresent(child -> getContext().stop(child));
      }
    }
    getContext().getLog().info("run {} over: stopped the hospitals of its {} site(s)", e.runId(), suffixes.size());
    return this;
  }
}
