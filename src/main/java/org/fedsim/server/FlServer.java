package org.fedsim.server;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedsim.aggregation.AggregationStrategy;
import org.fedsim.aggregation.ClientUpdate;
import org.fedsim.common.Seeds;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.protocol.TrainingPlan;

/**
 * The federated-learning server of one run: a round state machine. Each round it selects participants, sends them
 * the global weights, collects their updates until all have replied or the round deadline (one keyed timer) fires,
 * validates and aggregates what came back, then asks every site to evaluate the new global model and reports the
 * round. A site that misses the deadline is a dropout, recorded, never a failure. Updates are aggregated in site
 * order, so the result does not depend on which hospital finished first.
 */
public final class FlServer {

  /** One site the server can talk to (the hospital itself, or a filter in front of it). */
  public record Site(String name, ActorRef<HospitalProtocol.Command> ref) {}

  private record TrainingDeadline(int round) implements ServerProtocol.Command, NoSerializationVerificationNeeded {}

  private record EvaluationDeadline(int round) implements ServerProtocol.Command, NoSerializationVerificationNeeded {}

  private static final Object DEADLINE = "deadline";

  public static Behavior<ServerProtocol.Command> create(
      ServerSettings settings, List<Site> sites, ModelWeights initial, AggregationStrategy strategy,
      ActorRef<RunEvent> listener) {
    if (sites.isEmpty()) throw new IllegalArgumentException("a run needs at least one site");
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new FlServer(ctx, timers, settings, sites, strategy, listener).startRound(1, initial)));
  }

  private final ActorContext<ServerProtocol.Command> context;
  private final TimerScheduler<ServerProtocol.Command> timers;
  private final ServerSettings settings;
  private final List<Site> sites;
  private final AggregationStrategy strategy;
  private final ActorRef<RunEvent> listener;

  private FlServer(ActorContext<ServerProtocol.Command> context, TimerScheduler<ServerProtocol.Command> timers,
      ServerSettings settings, List<Site> sites, AggregationStrategy strategy, ActorRef<RunEvent> listener) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.sites = List.copyOf(sites);
    this.strategy = strategy;
    this.listener = listener;
  }

  // ---- training phase ----

  private Behavior<ServerProtocol.Command> startRound(int round, ModelWeights global) {
    List<Site> selected = select(round);
    for (Site site : selected) {
      TrainingPlan plan = new TrainingPlan(settings.localEpochs(), settings.batchSize(),
          Seeds.derive(settings.seed(), Seeds.Purpose.SHUFFLE, Seeds.of(site.name()), round));
      site.ref().tell(new HospitalProtocol.TrainRequest(round, global, plan, context.getSelf()));
    }
    timers.startSingleTimer(DEADLINE, new TrainingDeadline(round), settings.roundTimeout());
    return training(new Round(round, global, selected));
  }

  /** Sites selected this round, in site order. */
  private List<Site> select(int round) {
    int[] idx = ParticipantSelector.select(sites.size(), settings.fraction(), settings.minParticipants(),
        settings.seed(), round);
    List<Site> chosen = new ArrayList<>(idx.length);
    for (int i : idx) chosen.add(sites.get(i));
    return chosen;
  }

  private Behavior<ServerProtocol.Command> training(Round r) {
    return Behaviors.receive(ServerProtocol.Command.class)
        .onMessage(ServerProtocol.LocalUpdate.class, u -> onUpdate(r, u))
        .onMessage(TrainingDeadline.class, d -> d.round() == r.number ? endTraining(r, true) : Behaviors.same())
        .onMessage(ServerProtocol.EvaluationReport.class, e -> dropStale(e.round(), e.site(), "evaluation"))
        .onMessage(EvaluationDeadline.class, d -> Behaviors.same())
        .build();
  }

  private Behavior<ServerProtocol.Command> onUpdate(Round r, ServerProtocol.LocalUpdate u) {
    if (u.round() != r.number || !r.isSelected(u.site()) || r.updates.containsKey(u.site())) {
      return dropStale(u.round(), u.site(), "update");
    }
    r.updates.put(u.site(), u);
    return r.updates.size() == r.selected.size() ? endTraining(r, false) : Behaviors.same();
  }

  private Behavior<ServerProtocol.Command> dropStale(int round, String site, String what) {
    context.getLog().debug("dropping late or unexpected {} from {} for round {}", what, site, round);
    return Behaviors.same();
  }

  private Behavior<ServerProtocol.Command> endTraining(Round r, boolean deadlineFired) {
    timers.cancel(DEADLINE);
    List<ClientUpdate> accepted = new ArrayList<>();
    for (Site site : r.selected) {
      ServerProtocol.LocalUpdate u = r.updates.get(site.name());
      if (u == null) {
        r.outcome.put(site.name(), new Outcome(SiteStatus.DROPOUT, "", null));
        continue;
      }
      String problem = UpdateValidator.problem(u, r.global.size());
      if (problem != null) {
        r.outcome.put(site.name(), new Outcome(SiteStatus.REJECTED, problem, u));
        context.getLog().warn("round {}: update from {} rejected: {}", r.number, site.name(), problem);
        continue;
      }
      r.outcome.put(site.name(), new Outcome(SiteStatus.TRAINED, "", u));
      accepted.add(new ClientUpdate(site.name(), u.weights().values(), u.numExamples()));
    }
    ModelWeights next = strategy.aggregate(r.number, accepted, r.global.values())
        .map(ModelWeights::new).orElse(r.global);
    int dropped = r.selected.size() - r.updates.size();
    context.getLog().info("round {}/{}: {} results, {} failures{}", r.number, settings.rounds(), accepted.size(),
        r.selected.size() - accepted.size(), deadlineFired ? " (deadline: " + dropped + " dropouts)" : "");
    r.next = next;
    for (Site site : sites) {
      site.ref().tell(new HospitalProtocol.EvaluateRequest(r.number, next, context.getSelf()));
    }
    timers.startSingleTimer(DEADLINE, new EvaluationDeadline(r.number), settings.evaluationTimeout());
    return evaluating(r);
  }

  // ---- evaluation phase ----

  private Behavior<ServerProtocol.Command> evaluating(Round r) {
    return Behaviors.receive(ServerProtocol.Command.class)
        .onMessage(ServerProtocol.EvaluationReport.class, e -> onEvaluation(r, e))
        .onMessage(EvaluationDeadline.class, d -> d.round() == r.number ? endRound(r) : Behaviors.same())
        .onMessage(ServerProtocol.LocalUpdate.class, u -> dropStale(u.round(), u.site(), "update"))
        .onMessage(TrainingDeadline.class, d -> Behaviors.same())
        .build();
  }

  private Behavior<ServerProtocol.Command> onEvaluation(Round r, ServerProtocol.EvaluationReport e) {
    if (e.round() != r.number || r.evaluations.containsKey(e.site())) {
      return dropStale(e.round(), e.site(), "evaluation");
    }
    r.evaluations.put(e.site(), e);
    return r.evaluations.size() == sites.size() ? endRound(r) : Behaviors.same();
  }

  private Behavior<ServerProtocol.Command> endRound(Round r) {
    timers.cancel(DEADLINE);
    List<SiteRound> lines = new ArrayList<>(sites.size());
    for (Site site : sites) lines.add(r.line(site.name()));
    int accepted = (int) lines.stream().filter(SiteRound::participated).count();
    listener.tell(new RunEvent.RoundCompleted(r.number, settings.rounds(), r.selected.size(), accepted, lines, r.next));
    if (r.number >= settings.rounds()) {
      listener.tell(new RunEvent.RunFinished(settings.rounds(), r.next));
      return Behaviors.stopped();
    }
    return startRound(r.number + 1, r.next);
  }

  // ---- per-round state ----

  private record Outcome(SiteStatus status, String reason, ServerProtocol.LocalUpdate update) {}

  /** Mutable state of the round in progress; lives only inside this actor. */
  private static final class Round {
    final int number;
    final ModelWeights global;
    final List<Site> selected;
    final Map<String, ServerProtocol.LocalUpdate> updates = new TreeMap<>();
    final Map<String, Outcome> outcome = new LinkedHashMap<>();
    final Map<String, ServerProtocol.EvaluationReport> evaluations = new TreeMap<>();
    ModelWeights next;

    Round(int number, ModelWeights global, List<Site> selected) {
      this.number = number;
      this.global = global;
      this.selected = selected;
    }

    boolean isSelected(String site) {
      for (Site s : selected) if (s.name().equals(site)) return true;
      return false;
    }

    SiteRound line(String site) {
      Outcome o = outcome.getOrDefault(site, new Outcome(SiteStatus.NOT_SELECTED, "", null));
      ServerProtocol.EvaluationReport e = evaluations.get(site);
      ServerProtocol.LocalUpdate u = o.update();
      int nTrain = e != null ? e.numTrain() : u != null ? u.numExamples() : 0;
      return new SiteRound(site, o.status(), o.reason(), nTrain,
          e == null ? 0 : e.numValidation(),
          e == null ? Double.NaN : e.accuracy(),
          e == null ? Double.NaN : e.auc(),
          e == null ? Double.NaN : e.loss(),
          u == null ? Double.NaN : u.trainLoss(),
          o.status() == SiteStatus.TRAINED ? u.epsilon() : Double.NaN);
    }
  }
}
