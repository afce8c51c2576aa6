package org.fedsim.cluster;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.scenario.ClusterRunSettings;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunGuardian;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.Scenario;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.server.FlServer;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import org.fedsim.timing.TimingModel;

/**
 * One run on a cluster, on the server node: waits until hospital nodes offer every site the run needs (Receptionist
 * keys {@link ClusterProtocol#siteKey}), or the join timeout; sends each node the run's settings; gets back its
 * hospitals' actor references and row counts; then runs the {@link FlServer} against those remote actors, exactly as
 * a single JVM does. While the run goes on, a site whose node was lost and comes back is started again on the new
 * node and rejoins the run. The server node holds no patient data.
 */
public final class ClusterRunGuardian {
  private ClusterRunGuardian() {}

  private record JoinTimeout() implements NoSerializationVerificationNeeded {}

  private record PrepareTimeout() implements NoSerializationVerificationNeeded {}

  private record RetryRejoin() implements NoSerializationVerificationNeeded {}

  private record ExternalTimeout(int round) implements NoSerializationVerificationNeeded {}

  private record RecheckOffers() implements NoSerializationVerificationNeeded {}

  private static final Object JOIN_TIMER = "join";
  private static final Object PREPARE_TIMER = "prepare";
  private static final Object REJOIN_TIMER = "rejoin";
  private static final Object EXTERNAL_TIMER = "external";
  private static final Object RECHECK_TIMER = "recheck";

  private static final Duration REJOIN_RETRY = Duration.ofMillis(500);


  /**
   * How an {@link ExperimentRunner} on a server node runs each run: under this guardian, with run ids {@code
   * prefix-1}, {@code prefix-2}, ..., and a first round that may wait for the nodes to join and load their data.
   */
  public static ExperimentRunner.Launcher launcher(String prefix) {
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    return new ExperimentRunner.Launcher() {
      @Override
      public Behavior<?> guardian(RunSpec spec, ServerState resumeFrom, Consumer<Object> sink) {
        return create(spec, prefix + "-" + runs.incrementAndGet(), resumeFrom, sink);
      }

      /** Join plus data loading (each up to cluster.join-timeout); bad settings are the guardian's to report. */
      @Override
      public Duration startup(RunSpec spec) {
        try {
          return ClusterRunSettings.of(spec).joinTimeout().multipliedBy(2);
        } catch (RuntimeException e) {
          return Duration.ZERO;
        }
      }
    };
  }

  public static Behavior<Object> create(RunSpec spec, String runId, ServerState resumeFrom, Consumer<Object> sink) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ClusterRunSettings settings;
      try {
        settings = ClusterRunSettings.of(spec);
      } catch (RuntimeException e) {
        sink.accept(e);
        return Behaviors.stopped();
      }
      return new Run(ctx, timers, spec, runId, settings, resumeFrom, sink).waitForSites();
    }));
  }

  private static final class Run {
    private final ActorContext<Object> ctx;
    private final TimerScheduler<Object> timers;
    private final RunSpec spec;
    private final String runId;
    private final ClusterRunSettings settings;
    private final ServerState resumeFrom;
    private final Consumer<Object> sink;
    /** Each needed site's key, and the hosts currently offering it. */
    private final Map<ServiceKey<ClusterProtocol.HostCommand>, String> siteOfKey = new HashMap<>();
    private final Map<String, Set<ActorRef<ClusterProtocol.HostCommand>>> offers = new TreeMap<>();
    /** The host serving each site in this run. */
    private final Map<String, ActorRef<ClusterProtocol.HostCommand>> hostOf = new LinkedHashMap<>();
    private final Set<ActorRef<ClusterProtocol.HostCommand>> pending = new LinkedHashSet<>();
    private final List<ClusterProtocol.SiteInfo> ready = new ArrayList<>();
    private final Set<ActorRef<ClusterProtocol.HostCommand>> used = new LinkedHashSet<>();
    /** The actor serving each site now, and the sites whose actor is gone (their node was lost). */
    private final Map<ActorRef<?>, String> served = new HashMap<>();
    private final Set<String> gone = new LinkedHashSet<>();
    private int numFeatures = -1;
    /** The external sites the nodes hold for this run, by position among the dataset's external sites. */
    private final Map<Integer, ClusterProtocol.ExternalInfo> externalSites = new java.util.TreeMap<>();
    /** The server's events waiting for the round under way to be scored on the external sites. */
    private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();
    /** The round being scored on the external sites, and the scores in so far (by position). */
    private RunEvent.RoundCompleted scoring;
    /** The nodes asked to score the round under way that have not answered yet. */
    private final Set<ActorRef<ClusterProtocol.HostCommand>> scoringHosts = new LinkedHashSet<>();
    /** Each site's host, for the server's recover (which runs on the server actor's thread, not this one). */
    private final Map<String, ActorRef<ClusterProtocol.HostCommand>> currentHost =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, ExperimentRunner.ExternalEvaluation> scored = new java.util.TreeMap<>();
    private ActorRef<org.fedsim.protocol.ServerProtocol.Command> server;
    private int recovered;

    Run(ActorContext<Object> ctx, TimerScheduler<Object> timers, RunSpec spec, String runId,
        ClusterRunSettings settings, ServerState resumeFrom, Consumer<Object> sink) {
      this.ctx = ctx;
      this.timers = timers;
      this.spec = spec;
      this.runId = runId;
      this.settings = settings;
      this.resumeFrom = resumeFrom;
      this.sink = sink;
    }

    // ---- 1. waiting for hospital nodes ----

    Behavior<Object> waitForSites() {
      for (String site : settings.sites()) {
        ServiceKey<ClusterProtocol.HostCommand> key = ClusterProtocol.siteKey(site);
        siteOfKey.put(key, site);
        offers.put(site, new LinkedHashSet<>());
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(key, ctx.getSelf().narrow()));
      }
      timers.startSingleTimer(JOIN_TIMER, new JoinTimeout(), settings.joinTimeout());
      ctx.getLog().info("run {}: waiting up to {} for hospital nodes offering {}", spec.label(),
          settings.joinTimeout(), settings.sites());
      return Behaviors.receive(Object.class)
          .onMessage(Receptionist.Listing.class, l -> {
            onListing(l);
            return offersComplete();
          })
          .onMessage(RecheckOffers.class, t -> offersComplete())
          .onMessage(JoinTimeout.class, t -> {
            List<String> missing = missing();
            if (!settings.proceedWithout() || missing.size() == settings.sites().size()) {
              return fail(new ScenarioException("run " + spec.label() + ": no hospital node offered " + missing
                  + " within cluster.join-timeout = " + settings.joinTimeout()
                  + (settings.proceedWithout() ? "" : " (cluster.missing-sites = fail)") + "; this server node is "
                  + membership()));
            }
            ctx.getLog().warn("run {}: join timeout; going on without {}", spec.label(), missing);
            return prepare();
          })
          .build();
    }

    private void onListing(Receptionist.Listing l) {
      @SuppressWarnings("unchecked")
      ServiceKey<ClusterProtocol.HostCommand> key = (ServiceKey<ClusterProtocol.HostCommand>) l.getKey();
      String site = siteOfKey.get(key);
      if (site != null) offers.put(site, new LinkedHashSet<>(l.getServiceInstances(key)));
    }

    /** This node's membership, for messages: a server that never joined blames no hospital. */
    private String membership() {
      Cluster cluster = Cluster.get(ctx.getSystem());
      int members = 0;
      for (Member m : cluster.state().getMembers()) members++;
      return cluster.selfMember().status() + " in a cluster of " + members + " member(s)";
    }

    /**
     * Every site is offered by a node that is Up: prepare them. A listing can come while the offering node is still
     * joining, and a watch on an actor of a node that is not yet a member is dropped (no crash would ever be seen),
     * so until the node is Up, look again shortly.
     */
    private Behavior<Object> offersComplete() {
      if (missing().isEmpty()) return prepare();
      if (offers.values().stream().anyMatch(hosts -> !hosts.isEmpty() && usable(hosts).isEmpty())) {
        timers.startSingleTimer(RECHECK_TIMER, new RecheckOffers(), REJOIN_RETRY);
      }
      return Behaviors.same();
    }

    /** The sites that no Up node offers. */
    private List<String> missing() {
      return offers.entrySet().stream().filter(e -> usable(e.getValue()).isEmpty()).map(Map.Entry::getKey).toList();
    }

    /** Those of {@code hosts} whose node is an Up, reachable member (see {@link #settled}). */
    private Set<ActorRef<ClusterProtocol.HostCommand>> usable(Set<ActorRef<ClusterProtocol.HostCommand>> hosts) {
      Set<ActorRef<ClusterProtocol.HostCommand>> out = new LinkedHashSet<>();
      for (ActorRef<ClusterProtocol.HostCommand> h : hosts) if (settled(h)) out.add(h);
      return out;
    }

    // ---- 2. each node starts its sites ----

    private Behavior<Object> prepare() {
      timers.cancel(JOIN_TIMER);
      timers.cancel(RECHECK_TIMER);
      Map<ActorRef<ClusterProtocol.HostCommand>, List<String>> bySite = new LinkedHashMap<>();
      for (Map.Entry<String, Set<ActorRef<ClusterProtocol.HostCommand>>> e : offers.entrySet()) {
        Set<ActorRef<ClusterProtocol.HostCommand>> up = usable(e.getValue());
        if (up.isEmpty()) continue;
        ActorRef<ClusterProtocol.HostCommand> host = first(up);
        if (up.size() > 1) {
          ctx.getLog().warn("site {} is offered by {} nodes; using {}", e.getKey(), up.size(), host.path());
        }
        hostOf.put(e.getKey(), host);
        currentHost.put(e.getKey(), host);
        bySite.computeIfAbsent(host, h -> new ArrayList<>()).add(e.getKey());
      }
      for (Map.Entry<ActorRef<ClusterProtocol.HostCommand>, List<String>> e : bySite.entrySet()) {
        e.getKey().tell(prepareSites(e.getValue()));
        pending.add(e.getKey());
        used.add(e.getKey());
        ctx.watch(e.getKey()); // a node lost while it loads its data fails the run at once, naming it
      }
      timers.startSingleTimer(PREPARE_TIMER, new PrepareTimeout(), settings.joinTimeout());
      return Behaviors.receive(Object.class)
          .onMessage(ClusterProtocol.SitesReady.class, r -> {
            if (!r.runId().equals(runId)) return Behaviors.same();
            String refused = r.notFromAHospital(ctx.getSystem());
            if (refused != null) return fail(new ScenarioException("run " + spec.label() + ": " + refused));
            pending.removeIf(h -> r.sites().stream().anyMatch(s -> h.equals(hostOf.get(s.site())))
                || r.external().stream().anyMatch(x -> h.equals(hostOf.get(x.site()))));
            r.external().forEach(x -> externalSites.put(x.index(), x));
            if (numFeatures >= 0 && numFeatures != r.numFeatures()) {
              return fail(new ScenarioException("hospital node " + r.host() + " has " + r.numFeatures()
                  + " features, others " + numFeatures + ": the nodes' datasets differ"));
            }
            numFeatures = r.numFeatures();
            ready.addAll(onAskedNodes(r.sites()));
            return pending.isEmpty() ? start() : Behaviors.same();
          })
          .onMessage(ClusterProtocol.PrepareFailed.class, f -> f.runId().equals(runId)
              ? fail(new ScenarioException("run " + spec.label() + ": " + f.reason())) : Behaviors.same())
          .onMessage(PrepareTimeout.class, t -> fail(new IllegalStateException("run " + spec.label()
              + ": hospital node(s) " + pending.stream().map(h -> h.path().address().toString()).toList()
              + " did not start their sites within cluster.join-timeout = " + settings.joinTimeout())))
          .onSignal(Terminated.class, t -> pending.contains(t.getRef())
              ? fail(new IllegalStateException("run " + spec.label() + ": hospital node "
                  + t.getRef().path().address() + " was lost while it started its sites; start it again and rerun"))
              : Behaviors.same())
          .onMessage(Receptionist.Listing.class, l -> {
            onListing(l);
            return Behaviors.same();
          })
          .build();
    }

    private static ActorRef<ClusterProtocol.HostCommand> first(Set<ActorRef<ClusterProtocol.HostCommand>> refs) {
      return refs.stream().min(Comparator.comparing(r -> r.path().toString())).orElseThrow();
    }

    // ---- 3. the run ----

    private Behavior<Object> start() {
      timers.cancel(PREPARE_TIMER);
      for (ActorRef<ClusterProtocol.HostCommand> host : used) ctx.unwatch(host);
      // the nodes of external sites stay watched: one lost while it scores a round must not hold the run back
      for (ClusterProtocol.ExternalInfo x : externalSites.values()) ctx.watch(hostOf.get(x.site()));
      Scenario s = spec.scenario();
      // the order a single JVM would give them: the position of each site in the dataset
      ready.sort(Comparator.comparingInt(ClusterProtocol.SiteInfo::index).thenComparing(ClusterProtocol.SiteInfo::site));
      Map<String, Integer> trainRows = new LinkedHashMap<>();
      for (ClusterProtocol.SiteInfo site : ready) trainRows.put(site.site(), site.numTrain());
      try {
        RunGuardian.checkSites(s, List.copyOf(trainRows.keySet()));
      } catch (RuntimeException e) {
        return fail(e);
      }
      ExperimentRunner.warnIfDeltaTooLarge(s, trainRows);
      ServerState from = resumeFrom != null ? afterRestart(resumeFrom, s)
          : ServerState.initial(ExperimentRunner.initialWeights(s, numFeatures));
      ModelWeights initial = from.global();
      TimingModel timing = RunGuardian.timing(s);
      Map<String, Double> expected = new HashMap<>();
      List<FlServer.Site> sites = new ArrayList<>();
      long frame = ctx.getSystem().settings().config().getBytes("akka.remote.artery.advanced.maximum-frame-size");
      long needed = 5L * initial.size() + 65_536; // CBOR: 5 bytes a float, plus the envelope
      if (needed > frame) {
        return fail(new ScenarioException("the model has " + initial.size() + " parameters (~" + needed / 1024
            + " KiB on the wire), more than fedsim.node.maximum-frame-size = " + frame / 1024 + " KiB: raise it on "
            + "every node"));
      }
      for (ClusterProtocol.SiteInfo site : ready) {
        expected.put(site.site(), timing.expectedMillis(site.site(), site.numTrain(), s.model().localEpochs(),
            initial.size()));
        sites.add(new FlServer.Site(site.site(), site.ref()));
        served.put(site.ref(), site.site());
        ctx.watch(site.ref()); // a site is moved to another node only once its actor is really gone
      }
      ctx.getLog().info("run {}: {} site(s) on {} hospital node(s); starting", spec.label(), sites.size(), used.size());
      try {
        server = ctx.spawn(FlServer.create(RunGuardian.serverSettings(s, RunGuardian.mechanism(s, trainRows)), sites,
            from, RunGuardian.strategy(s, sites.size()), ctx.getSelf().narrow(), expected, s.events().schedule(),
            this::recover), "server");
      } catch (RuntimeException e) {
        return fail(e);
      }
      ctx.watch(server);
      return running();
    }

    /**
     * A scripted recover: the site's node starts a new hospital for it; the server talks to a stand-in (its own
     * child) until the node answers.
     */
    private ActorRef<org.fedsim.protocol.HospitalProtocol.Command> recover(String site, int round,
        ActorContext<org.fedsim.protocol.ServerProtocol.Command> serverContext) {
      return serverContext.spawn(RecoveredSite.create(runId, spec.hocon(), site, currentHost.get(site)),
          "recovered-" + round + "-" + (++recovered)).narrow();
    }

    /**
     * A resumed run starts every site's hospital afresh on the nodes: a site that was down because its node was
     * lost is back; one that crashed by script stays down until its scripted recover, as in one JVM.
     */
    private static ServerState afterRestart(ServerState state, Scenario s) {
      List<String> down = new ArrayList<>();
      for (String site : state.down()) {
        for (int r = 1; r <= state.round(); r++) {
          if (s.events().schedule().crashesAt(site, r)) {
            down.add(site);
            break;
          }
        }
      }
      return state.withDown(down);
    }

    private Behavior<Object> running() {
      return Behaviors.receive(Object.class)
          .onMessage(RunEvent.RoundCompleted.class, e -> {
            held.add(e);
            return next();
          })
          .onMessage(RunEvent.RunFinished.class, e -> {
            held.add(e);
            return next();
          })
          .onMessage(ClusterProtocol.ExternalScores.class, x -> {
            if (!x.runId().equals(runId) || scoring == null || x.round() != scoring.round()
                || !scoringHosts.remove(x.from())) {
              return Behaviors.same();
            }
            for (ClusterProtocol.ExternalScore score : x.scores()) { // only the sites that node holds
              ClusterProtocol.ExternalInfo info = externalSites.get(score.index());
              if (info != null && x.from().equals(hostOf.get(info.site()))) scored.put(score.index(), score.evaluation());
            }
            return scoringHosts.isEmpty() ? scoredRound() : Behaviors.same();
          })
          .onMessage(ExternalTimeout.class, t -> {
            if (scoring == null || t.round() != scoring.round()) return Behaviors.same();
            ctx.getLog().warn("run {}: round {}: no score from the node(s) of external site(s) {} within {}",
                spec.label(), t.round(), externalSites.entrySet().stream().filter(e -> !scored.containsKey(e.getKey()))
                    .map(e -> e.getValue().site()).toList(), spec.scenario().evaluationTimeout());
            return scoredRound();
          })
          .onMessage(Receptionist.Listing.class, l -> {
            onListing(l);
            rejoinNewHosts();
            return Behaviors.same();
          })
          .onMessage(RetryRejoin.class, r -> {
            rejoinNewHosts();
            return Behaviors.same();
          })
          .onMessage(ClusterProtocol.SitesReady.class, r -> {
            if (!r.runId().equals(runId)) return Behaviors.same();
            String refused = r.notFromAHospital(ctx.getSystem());
            if (refused == null && r.numFeatures() != numFeatures) {
              refused = "returning node " + r.host() + " has " + r.numFeatures() + " features, the run " + numFeatures;
            }
            if (refused != null) {
              ctx.getLog().error("run {}: {}; its sites stay out", spec.label(), refused);
              r.sites().forEach(site -> gone.add(site.site()));
              return Behaviors.same();
            }
            for (ClusterProtocol.ExternalInfo x : r.external()) externalSites.put(x.index(), x);
            for (ClusterProtocol.SiteInfo site : onAskedNodes(r.sites())) {
              served.put(site.ref(), site.site());
              ctx.watch(site.ref());
              server.tell(new FlServer.SiteRejoined(site.site(), site.ref()));
            }
            return Behaviors.same();
          })
          .onMessage(ClusterProtocol.PrepareFailed.class, f -> {
            if (!f.runId().equals(runId)) return Behaviors.same();
            // the sites stay away; another node offering them may take them (not this one again)
            ctx.getLog().error("run {}: node {} could not start {} again: {}", spec.label(), f.host(), f.sites(),
                f.reason());
            gone.addAll(f.sites());
            return Behaviors.same();
          })
          .onSignal(ChildFailed.class, failed -> fail(new IllegalStateException("the server failed: "
              + failed.getCause().getMessage(), failed.getCause())))
          .onSignal(Terminated.class, t -> {
            String site = served.remove(t.getRef());
            if (site != null) {
              gone.add(site);
              rejoinNewHosts();
            }
            boolean externalHost = false;
            for (ClusterProtocol.ExternalInfo x : List.copyOf(externalSites.values())) {
              if (t.getRef().equals(hostOf.get(x.site()))) { // its node is lost: scored NaN until a node offers it
                externalHost = true;
                gone.add(x.site());
              }
            }
            if (externalHost) {
              rejoinNewHosts();
              if (scoringHosts.remove(t.getRef()) && scoringHosts.isEmpty()) return scoredRound();
            }
            return Behaviors.same();
          })
          .build();
    }

    /**
     * Passes the server's events on in order; a finished round first has the external sites scored by the nodes
     * that hold them (all at once, each node its own), and only then goes out, followed by its external scores.
     */
    private Behavior<Object> next() {
      while (scoring == null && !held.isEmpty()) {
        Object e = held.poll();
        if (e instanceof RunEvent.RunFinished) {
              sink.accept(e);
          return Behaviors.stopped();
        }
        RunEvent.RoundCompleted rc = (RunEvent.RoundCompleted) e;
        if (settings.external().isEmpty()) {
          sink.accept(rc);
          continue;
        }
        scoring = rc;
        scored.clear();
        scoringHosts.clear();
        for (ClusterProtocol.ExternalInfo x : externalSites.values()) {
          if (!gone.contains(x.site())) scoringHosts.add(hostOf.get(x.site()));
        }
        // none to ask: no node offered them (cluster.missing-sites = proceed), or their nodes are lost
        if (scoringHosts.isEmpty()) return scoredRound();
        for (ActorRef<ClusterProtocol.HostCommand> host : scoringHosts) {
          host.tell(new ClusterProtocol.EvaluateExternal(runId, rc.round(), rc.global(), ctx.getSelf().narrow()));
        }
        timers.startSingleTimer(EXTERNAL_TIMER, new ExternalTimeout(rc.round()),
            spec.scenario().evaluationTimeout().plusSeconds(30));
      }
      return Behaviors.same();
    }

    /**
     * The round being scored goes out with its external scores, in the dataset's order: NaN for a site whose node did
     * not answer, and for one no node offered (0 rows, last).
     */
    private Behavior<Object> scoredRound() {
      timers.cancel(EXTERNAL_TIMER);
      List<ExperimentRunner.ExternalEvaluation> scores = new ArrayList<>();
      Set<String> present = new LinkedHashSet<>();
      for (Map.Entry<Integer, ClusterProtocol.ExternalInfo> x : externalSites.entrySet()) {
        present.add(x.getValue().site());
        scores.add(scored.getOrDefault(x.getKey(), new ExperimentRunner.ExternalEvaluation(x.getValue().site(),
            x.getValue().rows(), Double.NaN, Double.NaN, Double.NaN)));
      }
      for (String site : settings.external()) {
        if (!present.contains(site)) {
          scores.add(new ExperimentRunner.ExternalEvaluation(site, 0, Double.NaN, Double.NaN, Double.NaN));
        }
      }
      sink.accept(scoring);
      sink.accept(new ExperimentRunner.ExternalScored(scoring.round(), scores));
      scoring = null;
      return next();
    }

    private boolean isExternal(String site) {
      return settings.external().contains(site);
    }

    /**
     * The sites of a node's answer whose actors live on a node this guardian asked for them (an answer is not
     * signed: a site's actor elsewhere is not taken).
     */
    private List<ClusterProtocol.SiteInfo> onAskedNodes(List<ClusterProtocol.SiteInfo> infos) {
      List<ClusterProtocol.SiteInfo> out = new ArrayList<>();
      for (ClusterProtocol.SiteInfo info : infos) {
        ActorRef<ClusterProtocol.HostCommand> asked = hostOf.get(info.site());
        if (asked != null && asked.path().address().equals(info.ref().path().address())) {
          out.add(info);
        } else {
          ctx.getLog().warn("run {}: ignored site {} at {}: not on the node asked for it", spec.label(), info.site(),
              info.ref().path());
        }
      }
      return out;
    }

    /** A site whose host is gone and that a new node offers: start it there; the server takes it back. */
    private void rejoinNewHosts() {
      for (Map.Entry<String, ActorRef<ClusterProtocol.HostCommand>> e : hostOf.entrySet()) {
        if (!gone.contains(e.getKey())) continue; // its actor is alive: no failover on a passing unreachability
        Set<ActorRef<ClusterProtocol.HostCommand>> now = new LinkedHashSet<>(offers.getOrDefault(e.getKey(), Set.of()));
        now.remove(e.getValue());
        if (now.isEmpty()) continue;
        ActorRef<ClusterProtocol.HostCommand> host = first(now);
        if (!settled(host)) { // the lost incarnation of the node is still a member: wait until it is removed
          timers.startSingleTimer(REJOIN_TIMER, new RetryRejoin(), REJOIN_RETRY);
          continue;
        }
        ctx.getLog().info("run {}: site {} is offered again by {}; starting it there", spec.label(), e.getKey(),
            host.path());
        e.setValue(host);
        currentHost.put(e.getKey(), host);
        gone.remove(e.getKey());
        if (isExternal(e.getKey())) ctx.watch(host); // its scores: a node lost while scoring ends the wait
        used.add(host);
        host.tell(prepareSites(List.of(e.getKey())));
      }
    }

    /** A request for the hospitals of {@code sites}, signed with this server node's key. */
    private ClusterProtocol.PrepareSites prepareSites(List<String> sites) {
      return ClusterProtocol.PrepareSites.signed(ctx.getSystem(), runId, spec.hocon(), sites, ctx.getSelf().narrow());
    }

    /**
     * The node of {@code host} is Up and reachable, and no other incarnation at its address is still a member. Until
     * then a watch on the new node's actors could fire when the old incarnation is removed (removal terminates every
     * watch at that address).
     */
    private boolean settled(ActorRef<ClusterProtocol.HostCommand> host) {
      akka.actor.Address address = host.path().address();
      if (!address.hasGlobalScope()) address = Cluster.get(ctx.getSystem()).selfMember().address(); // this node
      ClusterEvent.CurrentClusterState state = Cluster.get(ctx.getSystem()).state();
      int members = 0;
      boolean up = false;
      for (Member m : state.getMembers()) {
        if (!m.address().equals(address)) continue;
        members++;
        up = m.status().equals(MemberStatus.up()) && !state.getUnreachable().contains(m);
      }
      return members == 1 && up;
    }

    private Behavior<Object> fail(Throwable t) {
      sink.accept(t);
      return Behaviors.stopped();
    }
  }
}
