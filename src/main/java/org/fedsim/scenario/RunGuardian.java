package org.fedsim.scenario;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fedsim.aggregation.AggregationStrategy;
import org.fedsim.aggregation.DpFedAvg;
import org.fedsim.aggregation.StrategySettings;
import org.fedsim.aggregation.Weighting;
import org.fedsim.data.SiteSplit;
import org.fedsim.hospital.Conduct;
import org.fedsim.hospital.DpFilter;
import org.fedsim.hospital.Hospital;
import org.fedsim.model.LocalModel;
import org.fedsim.model.DpSgd;
import org.fedsim.model.ModelFactory;
import org.fedsim.privacy.LocalDp;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.server.FlServer;
import org.fedsim.server.ParticipantSelector;
import org.fedsim.server.PrivacyLedger;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerSettings;
import org.fedsim.server.ServerState;
import org.fedsim.timing.TimingModel;

/**
 * Wires one run together: a {@link Hospital} per site on the training dispatcher, a {@link DpFilter} in front of
 * each when privacy is local, and the {@link FlServer}. Forwards the server's events to {@code sink}; a failing
 * child fails the run (the sink receives the cause) instead of leaving it to a deadline.
 */
public final class RunGuardian {
  public static final String TRAINING_DISPATCHER = "fedsim.training-dispatcher";
  /** Actor names of a site's hospital and DP filter: the prefix and a suffix unique among their siblings. */
  public static final String HOSPITAL_PREFIX = "hospital-";
  public static final String DP_FILTER_PREFIX = "dp-filter-";

  private RunGuardian() {}

  static Behavior<RunEvent> create(Scenario s, List<SiteSplit> splits, int inputs, ServerState from,
      Consumer<Object> sink) {
    return Behaviors.setup(ctx -> {
      try {
        return wire(ctx, s, splits, inputs, from, sink);
      } catch (RuntimeException e) { // bad settings found while wiring: fail the run now, not at a deadline
        sink.accept(e);
        return Behaviors.stopped();
      }
    });
  }

  private static Behavior<RunEvent> wire(ActorContext<RunEvent> ctx, Scenario s, List<SiteSplit> splits, int inputs,
      ServerState from, Consumer<Object> sink) {
    {
      ModelWeights initial = from.global();
      // every hospital's model starts from the run's initial global weights (it is sent them before any work)
      Supplier<LocalModel> models = models(s, inputs, initial);
      List<FlServer.Site> sites = new ArrayList<>();
      checkSites(s, splits.stream().map(SiteSplit::site).toList());
      TimingModel timing = timing(s);
      Map<String, Double> expected = new HashMap<>();
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < splits.size(); i++) {
        SiteSplit split = splits.get(i);
        index.put(split.site(), i);
        expected.put(split.site(), timing.expectedMillis(split.site(), split.train().size(), s.model().localEpochs(),
            initial.size()));
        sites.add(new FlServer.Site(split.site(), spawnSite(ctx, s, split, models, timing, "" + i)));
      }
      // a scripted recover: the server restarts the site (with its data) as its own child
      FlServer.Restarter restarter = (site, round, serverContext) -> {
        int i = index.get(site);
        return spawnSite(serverContext, s, splits.get(i), models, timing, i + "-r" + round);
      };
      ServerSettings settings = serverSettings(s, mechanism(s, trainRows(splits)));
      ctx.watch(ctx.spawn(FlServer.create(settings, sites, from, strategy(s, splits.size()), ctx.getSelf(),
          expected, s.events().schedule(), restarter), "server"));
      return forwarding(sink);
    }
  }

  /** Each site's number of training rows, in site order. */
  static Map<String, Integer> trainRows(List<SiteSplit> splits) {
    Map<String, Integer> rows = new java.util.LinkedHashMap<>();
    for (SiteSplit split : splits) rows.put(split.site(), split.train().size());
    return rows;
  }

  /** The models every hospital of the run starts from ({@code initial}), with DP-SGD when the scenario asks. */
  public static Supplier<LocalModel> models(Scenario s, int inputs, ModelWeights initial) {
    return ModelFactory.models(s.engine(), s.model(), inputs, initial.values(),
        s.privacy().dpSgd() ? new DpSgd(s.privacy().clippingNorm(), s.privacy().noiseMultiplier(), s.seed()) : null,
        s.strategy().mu());
  }

  /** The run's simulated durations, availability and scripted events. */
  public static TimingModel timing(Scenario s) {
    return new TimingModel(s.timing().defaults(), s.timing().sites(), s.seed(), s.events().schedule());
  }

  /** The server's settings of a run, given how privacy is accounted. */
  public static ServerSettings serverSettings(Scenario s, PrivacyLedger.Mechanism mechanism) {
    return new ServerSettings(s.rounds(), s.fraction(), s.minParticipants(), s.roundTimeout(),
        s.evaluationTimeout(), s.model().localEpochs(), s.model().batchSize(), s.seed(), s.policy(),
        s.timing().clock(), mechanism, s.privacy().targetEpsilon(), s.strategy().maxUpdateNorm());
  }

  /**
   * A guardian's behaviour once its server runs: forwards the server's events to {@code sink}; a failing child fails
   * the run (the sink receives the cause) instead of leaving it to a deadline.
   */
  public static Behavior<RunEvent> forwarding(Consumer<Object> sink) {
    {
      return Behaviors.receive(RunEvent.class)
          .onMessage(RunEvent.RoundCompleted.class, e -> {
            sink.accept(e);
            return Behaviors.same();
          })
          .onMessage(RunEvent.RunFinished.class, e -> {
            sink.accept(e);
            return Behaviors.stopped();
          })
          .onSignal(ChildFailed.class, failed -> {
            sink.accept(new IllegalStateException("actor " + failed.getRef().path().name() + " failed: "
                + failed.getCause().getMessage(), failed.getCause()));
            return Behaviors.stopped();
          })
          .onSignal(Terminated.class, stopped -> Behaviors.same()) // a scripted crash: the server counts it
          .build();
    }
  }

  /** How a round costs privacy: a Gaussian release per site (local), or one subsampled Gaussian (central). */
  public static PrivacyLedger.Mechanism mechanism(Scenario s, Map<String, Integer> trainRows) {
    int sites = trainRows.size();
    PrivacySettings p = s.privacy();
    return switch (p.mode()) {
      case NONE -> PrivacyLedger.Mechanism.none();
      case LOCAL -> new PrivacyLedger.Mechanism(PrivacyLedger.Kind.LOCAL,
          new LocalDp(p.clippingNorm(), p.sensitivity(), p.epsilon(), p.delta(), p.calibration()).sigma()
              / p.sensitivity(), 1.0, p.delta());
      case CENTRAL -> new PrivacyLedger.Mechanism(PrivacyLedger.Kind.CENTRAL, p.noiseMultiplier(),
          expectedParticipants(s, sites) / (double) sites, p.delta());
      case DP_SGD -> {
        yield PrivacyLedger.Mechanism.dpSgd(p.noiseMultiplier(), p.delta(), Map.copyOf(trainRows), s.model().batchSize(),
            s.model().localEpochs());
      }
    };
  }

  static int expectedParticipants(Scenario s, int sites) {
    return ParticipantSelector.count(sites, s.fraction(), s.minParticipants());
  }

  /**
   * What can only be checked once the run's sites are known: the sites named by events, attacks and timing.sites,
   * and whether a round can ever have the updates the strategy and the quorum need.
   */
  public static void checkSites(Scenario s, List<String> sites) {
    s.events().checkSites(sites);
    s.attacks().checkSites(sites);
    s.timing().checkSites(sites);
    checkEnoughParticipants(s, sites.size());
    checkQuorum(s, sites);
  }

  /**
   * A quorum larger than the updates a round aggregates (at most the participants it selects) would skip every
   * round: refuse it now, naming its key.
   */
  static void checkQuorum(Scenario s, List<String> sites) {
    int quorum = s.policy().quorum();
    int participants = expectedParticipants(s, sites.size());
    if (quorum > participants) {
      throw new ScenarioException("key 'round-policy.quorum': quorum = " + quorum + " needs " + quorum
          + " on-time updates a round, but a round aggregates at most the " + participants + " sites it selects of "
          + "the " + sites.size() + " sites " + sites + " (selection.fraction, selection.min-participants), so "
          + "every round would be skipped: expected round-policy.quorum <= " + participants);
    }
  }

  /**
   * A robust rule that needs more updates than a round can ever have (Krum: 2f + 3) would skip every round: refuse
   * it now, naming its key.
   */
  /**
   * {@link #checkSites}, and the strategy can be built for that many sites: what a runner checks before anything is
   * written (when the run starts, building its strategy checks the rest).
   */
  public static void checkRun(Scenario s, List<String> sites) {
    checkSites(s, sites);
    strategy(s, sites.size());
  }

  public static void checkEnoughParticipants(Scenario s, int sites) {
    int need = s.strategy().minUpdates();
    int participants = expectedParticipants(s, sites);
    if (need <= participants) return;
    int f = s.strategy().f();
    int m = s.strategy().m();
    String selects = "a round selects " + participants + " of " + sites
        + " sites (selection.fraction, selection.min-participants)";
    StrategySettings.Name name = s.strategy().name();
    if (name == StrategySettings.Name.MULTI_KRUM && 2 * f + 3 <= participants) { // m + f is what exceeds
      throw new ScenarioException("key 'strategy.multi-krum.m': strategy.name = multi-krum with m = " + m + ", f = "
          + f + " needs at least " + need + " updates a round (m + f), but " + selects + ": lower "
          + "strategy.multi-krum.m to at most " + (participants - f) + (f > 0 ? " (or strategy.krum.f)" : ""));
    }
    boolean bulyan = name == StrategySettings.Name.BULYAN;
    String key = bulyan ? "strategy.bulyan.f" : "strategy.krum.f";
    int maxF = Math.floorDiv(participants - 3, bulyan ? 4 : 2);
    String advice = maxF < 0 ? "no f will do: select more sites a round (at least 3)"
        : "lower " + key + " to at most " + maxF
            + (name == StrategySettings.Name.MULTI_KRUM && m + maxF > participants
                ? " and strategy.multi-krum.m to at most " + (participants - maxF) : "");
    throw new ScenarioException("key '" + key + "': strategy.name = " + name.key() + " with f = " + f
        + (name == StrategySettings.Name.MULTI_KRUM ? ", m = " + m : "") + " needs at least "
        + (bulyan ? 4 * f + 3 : 2 * f + 3) + " updates a round (" + (bulyan ? "4f + 3" : "2f + 3") + "), but "
        + selects + ": " + advice);
  }

  /** The scenario's strategy, or DP-FedAvg when privacy is central (its denominator: the participants a round expects). */
  public static AggregationStrategy strategy(Scenario s, int sites) {
    PrivacySettings p = s.privacy();
    if (p.mode() != PrivacySettings.Mode.CENTRAL) return s.strategy().create();
    return new DpFedAvg(p.clippingNorm(), p.noiseMultiplier(), expectedParticipants(s, sites), s.seed(), p.adaptive());
  }

  /**
   * A hospital on the training dispatcher and, when privacy is local, a DP filter in front of it: the actor the
   * server talks to for this site. Spawned (and watched) by whoever restarts it.
   */
  public static ActorRef<HospitalProtocol.Command> spawnSite(ActorContext<?> ctx, Scenario s, SiteSplit split,
      Supplier<LocalModel> models, TimingModel timing, String suffix) {
    ActorRef<HospitalProtocol.Command> hospital = ctx.spawn(
        Hospital.create(split.site(), split, models, timing, s.timing().clock(),
            new Conduct(s.attacks().attacks(), s.seed(), s.strategy().weighting() == Weighting.QUALITY)),
        HOSPITAL_PREFIX + suffix, DispatcherSelector.fromConfig(TRAINING_DISPATCHER));
    ctx.watch(hospital);
    if (!s.privacy().local()) return hospital;
    PrivacySettings p = s.privacy();
    LocalDp mechanism = new LocalDp(p.clippingNorm(), p.sensitivity(), p.epsilon(), p.delta(), p.calibration());
    ActorRef<HospitalProtocol.Command> filter =
        ctx.spawn(DpFilter.create(split.site(), hospital, mechanism, p.epsilon(), s.seed()), DP_FILTER_PREFIX + suffix);
    ctx.watch(filter);
    return filter;
  }

}
