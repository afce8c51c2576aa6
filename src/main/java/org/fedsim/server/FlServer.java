package org.fedsim.server;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;
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
import org.fedsim.timing.EventSchedule;

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

  /** Restarts a crashed site with its data (a scripted recover), as a child of the server. */
  @FunctionalInterface
  public interface Restarter {
    ActorRef<HospitalProtocol.Command> restart(String site, int round, ActorContext<ServerProtocol.Command> context);
  }

  /**
   * A site whose node was lost is back (its node restarted and rejoined the cluster) with a new actor; it can be
   * selected again from the next round.
   */
  public record SiteRejoined(String site, ActorRef<HospitalProtocol.Command> ref)
      implements ServerProtocol.Command, NoSerializationVerificationNeeded {}

  private record TrainingDeadline(int round) implements ServerProtocol.Command, NoSerializationVerificationNeeded {}

  private record EvaluationDeadline(int round) implements ServerProtocol.Command, NoSerializationVerificationNeeded {}

  private record NobodyToWaitFor(int round) implements ServerProtocol.Command, NoSerializationVerificationNeeded {}

  private static final Object DEADLINE = "deadline";

  public static Behavior<ServerProtocol.Command> create(
      ServerSettings settings, List<Site> sites, ModelWeights initial, AggregationStrategy strategy,
      ActorRef<RunEvent> listener) {
    return create(settings, sites, initial, strategy, listener, Map.of());
  }

  /**
   * @param expectedMillis each site's expected simulated duration (without jitter), for percentile deadlines
   */
  public static Behavior<ServerProtocol.Command> create(
      ServerSettings settings, List<Site> sites, ModelWeights initial, AggregationStrategy strategy,
      ActorRef<RunEvent> listener, Map<String, Double> expectedMillis) {
    return create(settings, sites, initial, strategy, listener, expectedMillis, EventSchedule.none(), null);
  }

  /**
   * @param events scripted joins, leaves, crashes and recoveries (the server's part of them)
   * @param restarter restarts a crashed site at its scripted recover round (null: none can recover)
   */
  public static Behavior<ServerProtocol.Command> create(
      ServerSettings settings, List<Site> sites, ModelWeights initial, AggregationStrategy strategy,
      ActorRef<RunEvent> listener, Map<String, Double> expectedMillis, EventSchedule events, Restarter restarter) {
    return create(settings, sites, ServerState.initial(initial), strategy, listener,
        expectedMillis, events, restarter);
  }

  /** A server that goes on from {@code from} (a checkpoint; round 0 = a fresh start from its global model). */
  public static Behavior<ServerProtocol.Command> create(
      ServerSettings settings, List<Site> sites, ServerState from, AggregationStrategy strategy,
      ActorRef<RunEvent> listener, Map<String, Double> expectedMillis, EventSchedule events, Restarter restarter) {
    if (sites.isEmpty()) throw new IllegalArgumentException("a run needs at least one site");
    if (from.round() >= settings.rounds()) {
      throw new IllegalArgumentException("nothing to do: the run already has " + from.round() + " rounds");
    }
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      FlServer server = new FlServer(ctx, timers, settings, sites, strategy, listener, expectedMillis, events, restarter);
      server.foldedLate = new ArrayList<>(from.foldedLate());
      server.clockMillis = from.clockMillis();
      server.down.addAll(from.down());
      if (from.round() > 0) strategy.restore(from.strategyState());
      server.ledger = PrivacyLedger.restore(settings.privacy(), from.privacyRdp());
      return server.startRound(from.round() + 1, from.global());
    }));
  }

  private final ActorContext<ServerProtocol.Command> context;
  private final TimerScheduler<ServerProtocol.Command> timers;
  private final ServerSettings settings;
  private final List<Site> sites;
  private final AggregationStrategy strategy;
  private final ActorRef<RunEvent> listener;
  private final Map<String, Double> expectedMillis;
  private final EventSchedule events;
  private final Restarter restarter;
  /** The live actor of each site (replaced when a site is restarted). */
  private final Map<String, ActorRef<HospitalProtocol.Command>> live = new HashMap<>();
  /** Sites whose actor stopped (a crash) and has not been restarted. */
  private final Set<String> down = new TreeSet<>();
  /** Of those, sites whose actor stopped without a scripted crash: its node was lost (cluster). */
  private final Set<String> lost = new TreeSet<>();
  /** Late updates to fold into the next round (late-updates = fold). */
  private List<ServerProtocol.LocalUpdate> foldedLate = new ArrayList<>();
  private double clockMillis;
  private PrivacyLedger ledger;

  private FlServer(ActorContext<ServerProtocol.Command> context, TimerScheduler<ServerProtocol.Command> timers,
      ServerSettings settings, List<Site> sites, AggregationStrategy strategy, ActorRef<RunEvent> listener,
      Map<String, Double> expectedMillis, EventSchedule events, Restarter restarter) {
    this.context = context;
    this.expectedMillis = Map.copyOf(expectedMillis);
    this.events = events;
    this.restarter = restarter;
    this.ledger = PrivacyLedger.start(settings.privacy());
    for (Site site : sites) {
      live.put(site.name(), site.ref());
      context.watch(site.ref());
    }
    this.timers = timers;
    this.settings = settings;
    this.sites = List.copyOf(sites);
    this.strategy = strategy;
    this.listener = listener;
  }

  // ---- training phase ----

  private Behavior<ServerProtocol.Command> startRound(int round, ModelWeights global) {
    for (String name : List.copyOf(down)) {
      if (events.recoversAt(name, round) && restarter != null) {
        ActorRef<HospitalProtocol.Command> ref = restarter.restart(name, round, context);
        context.watch(ref);
        live.put(name, ref);
        down.remove(name);
        context.getLog().info("round {}: site {} recovered", round, name);
      }
    }
    List<Site> eligible = new ArrayList<>();
    for (Site site : sites) {
      if (events.isMember(site.name(), round) && !down.contains(site.name())) {
        eligible.add(new Site(site.name(), live.get(site.name())));
      }
    }
    if (eligible.isEmpty()) {
      context.getLog().warn("round {}: no site can take part", round);
    }
    int n = eligible.size();
    int[] chosen = n == 0 ? new int[0]
        : ParticipantSelector.select(n, settings.fraction(), settings.minParticipants(), settings.seed(), round);
    int target = chosen.length; // the m updates a round wants
    if (policy().overSelection() > 1 && n > 0) { // ask ⌈k·m⌉ to keep the first m
      int asked = Math.min(n, (int) Math.ceil(policy().overSelection() * target - 1e-9));
      chosen = ParticipantSelector.select(n, asked / (double) n, asked, settings.seed(), round);
    }
    List<Site> selected = new ArrayList<>(chosen.length);
    for (int i : chosen) selected.add(eligible.get(i));
    // local DP charges the sites that will release; central DP charges everyone alike
    List<Site> charged = settings.privacy().kind() == PrivacyLedger.Kind.CENTRAL ? eligible : selected;
    if (ledger.wouldExceed(charged.stream().map(Site::name).toList(), settings.targetEpsilon())) {
      String why = String.format(java.util.Locale.ROOT,
          "stopped before round %d: it would take a site's epsilon past the target %s", round, settings.targetEpsilon());
      context.getLog().warn(why);
      listener.tell(new RunEvent.RunFinished(round - 1, global, why));
      return Behaviors.stopped();
    }
    for (Site site : selected) {
      TrainingPlan plan = new TrainingPlan(settings.localEpochs(), settings.batchSize(),
          Seeds.derive(settings.seed(), Seeds.Purpose.SHUFFLE, Seeds.of(site.name()), round));
      site.ref().tell(new HospitalProtocol.TrainRequest(round, global, plan, context.getSelf()));
    }
    Round r = new Round(round, global, selected, target, deadlineMillis(selected));
    r.unreachable.addAll(lost); // as the round started: a site that rejoins during it takes part from the next
    if (selected.isEmpty()) { // nobody to wait for: decide through the mailbox, not by recursion
      context.getSelf().tell(new NobodyToWaitFor(round));
    }
    // real clock: the deadline is this timer; virtual clock: the timer only guards against a silent site
    Duration wait = settings.clock().isVirtual() || Double.isInfinite(r.deadlineMillis)
        ? settings.roundTimeout() : settings.clock().real(r.deadlineMillis);
    timers.startSingleTimer(DEADLINE, new TrainingDeadline(round), wait);
    return training(r);
  }

  private RoundPolicy policy() {
    return settings.policy();
  }

  private double deadlineMillis(List<Site> selected) {
    double[] expected = new double[selected.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = expectedMillis.getOrDefault(selected.get(i).name(), 0.0);
    }
    return policy().deadlineMillis(expected);
  }

  private Behavior<ServerProtocol.Command> training(Round r) {
    return Behaviors.receive(ServerProtocol.Command.class)
        .onMessage(ServerProtocol.LocalUpdate.class, u -> onUpdate(r, u))
        .onMessage(ServerProtocol.NoUpdate.class, a -> onAbsence(r, a))
        .onMessage(TrainingDeadline.class, d -> d.round() == r.number ? endTraining(r, true) : Behaviors.same())
        .onMessage(NobodyToWaitFor.class, d -> d.round() == r.number ? endTraining(r, false) : Behaviors.same())
        .onMessage(ServerProtocol.EvaluationReport.class, e -> dropStale(e.round(), e.site(), "evaluation"))
        .onMessage(EvaluationDeadline.class, d -> Behaviors.same())
        .onMessage(SiteRejoined.class, this::onRejoined)
        .onSignal(ChildFailed.class, FlServer::failed)
        .onSignal(Terminated.class, t -> onSiteStopped(r, t.getRef(), true))
        .build();
  }

  /** A lost site's node is back: its new actor takes part from the next round. */
  private Behavior<ServerProtocol.Command> onRejoined(SiteRejoined m) {
    if (!lost.contains(m.site())) {
      context.getLog().debug("ignoring a rejoin of {}, which was not lost", m.site());
      return Behaviors.same();
    }
    context.watch(m.ref());
    live.put(m.site(), m.ref());
    lost.remove(m.site());
    down.remove(m.site());
    context.getLog().info("site {} rejoined; it can take part from the next round", m.site());
    return Behaviors.same();
  }

  /** A restarted site (a child) failed: a bug, not a scripted crash; fail the run. */
  private static Behavior<ServerProtocol.Command> failed(ChildFailed f) {
    throw new IllegalStateException("site actor " + f.getRef().path().name() + " failed: " + f.getCause(), f.getCause());
  }

  /** A site's actor stopped (a crash): it is down until restarted; a round waiting for it stops waiting. */
  private Behavior<ServerProtocol.Command> onSiteStopped(Round r, ActorRef<?> ref, boolean training) {
    String name = null;
    for (Map.Entry<String, ActorRef<HospitalProtocol.Command>> e : live.entrySet()) {
      if (e.getValue().equals(ref)) name = e.getKey();
    }
    if (name == null || down.contains(name)) return Behaviors.same();
    down.add(name);
    // a stop nobody scripted: the actor's node is gone (a cluster member was downed); the site is dropped
    boolean scripted = events.crashesAt(name, r.number);
    if (!scripted) lost.add(name);
    context.getLog().warn("round {}: site {} {}", r.number, name,
        scripted ? "stopped (crashed)" : "is unreachable (its actor's node was lost)");
    if (training) {
      if (r.isSelected(name) && !r.answered(name)) {
        r.absences.put(name, new ServerProtocol.NoUpdate(r.number, name,
            scripted ? ServerProtocol.Absence.CRASHED : ServerProtocol.Absence.LOST, 0));
        if (r.allAnswered()) return endTraining(r, false);
      }
      return Behaviors.same();
    }
    r.evaluators.remove(name);
    return r.evaluations.keySet().containsAll(r.evaluators) ? endRound(r) : Behaviors.same();
  }

  private Behavior<ServerProtocol.Command> onUpdate(Round r, ServerProtocol.LocalUpdate u) {
    boolean earlier = u.round() >= 1 && u.round() < r.number;
    if (earlier) return lateRelease(u); // an update of an earlier round is late, whoever sends it
    if (u.round() != r.number) {
      // a round that has not begun (or round 0): a selected site's answer, rejected as wrong-round when decided
      if (!r.isSelected(u.site()) || r.answered(u.site())) return dropStale(u.round(), u.site(), "update");
    } else if (!r.isSelected(u.site()) || r.answered(u.site())) {
      return dropStale(u.round(), u.site(), "update");
    }
    r.updates.put(u.site(), u);
    // the real clock stops at the m-th update (over-selection); the virtual one ranks all by simulated time
    boolean enough = !settings.clock().isVirtual() && r.updates.size() >= r.target;
    return r.allAnswered() || enough ? endTraining(r, false) : Behaviors.same();
  }

  private Behavior<ServerProtocol.Command> onAbsence(Round r, ServerProtocol.NoUpdate a) {
    if (a.round() != r.number || !r.isSelected(a.site()) || r.answered(a.site())) {
      return dropStale(a.round(), a.site(), "absence");
    }
    r.absences.put(a.site(), a);
    return r.allAnswered() ? endTraining(r, false) : Behaviors.same();
  }

  /**
   * An update that came after its round was decided (real clock, or after the real-time guard): it is not used,
   * but its hospital released it, so local and DP-SGD privacy charge it.
   */
  private Behavior<ServerProtocol.Command> lateRelease(ServerProtocol.LocalUpdate u) {
    ledger = ledger.after(List.of(u.site()), sites.stream().map(Site::name).toList(), false);
    return dropStale(u.round(), u.site(), "update");
  }

  private Behavior<ServerProtocol.Command> dropStale(int round, String site, String what) {
    context.getLog().debug("dropping late or unexpected {} from {} for round {}", what, site, round);
    return Behaviors.same();
  }

  /**
   * Decides the round: valid updates sorted by simulated finish time; those within the deadline, up to the m the
   * round wants, are aggregated; the rest are late. A missed quorum skips the round or extends the deadline once.
   */
  private Behavior<ServerProtocol.Command> endTraining(Round r, boolean timerFired) {
    timers.cancel(DEADLINE);
    List<ServerProtocol.LocalUpdate> valid = new ArrayList<>();
    float[] globalValues = r.global.values();
    for (Site site : r.selected) {
      String name = site.name();
      ServerProtocol.LocalUpdate u = r.updates.get(name);
      ServerProtocol.NoUpdate a = r.absences.get(name);
      if (a != null) {
        SiteStatus st = switch (a.reason()) {
          case OFFLINE -> SiteStatus.OFFLINE;
          case CRASHED -> SiteStatus.CRASHED;
          case LOST -> SiteStatus.DROPOUT;
        };
        r.outcome.put(name, new Outcome(st, "", null, a.simulatedMillis()));
      } else if (u == null) {
        r.outcome.put(name, new Outcome(SiteStatus.DROPOUT, "", null, Double.NaN));
      } else {
        String problem = UpdateValidator.problem(u, r.number, globalValues, settings.maxUpdateNorm());
        if (problem != null) {
          r.outcome.put(name, new Outcome(SiteStatus.REJECTED, problem, u, u.simulatedMillis()));
          context.getLog().warn("round {}: update from {} rejected: {}", r.number, name, problem);
        } else {
          valid.add(u);
        }
      }
    }
    valid.sort(Comparator.comparingDouble(ServerProtocol.LocalUpdate::simulatedMillis)
        .thenComparing(ServerProtocol.LocalUpdate::site));
    double deadline = r.deadlineMillis;
    List<ServerProtocol.LocalUpdate> onTime = onTime(valid, deadline, r.target);
    String decision = "aggregated";
    if (onTime.size() < policy().quorum() && policy().quorumMissed() == RoundPolicy.QuorumMissed.EXTEND
        && Double.isFinite(deadline)) {
      deadline *= 2;
      onTime = onTime(valid, deadline, r.target);
      decision = "aggregated:deadline-extended";
    }
    List<ClientUpdate> accepted = new ArrayList<>();
    for (ServerProtocol.LocalUpdate u : foldedLate) {
      accepted.add(clientUpdate(u, u.site() + "@" + u.round(), policy().stalenessWeight()));
    }
    boolean quorumMet = onTime.size() >= policy().quorum();
    // a robust rule needs enough updates (Krum: 2f + 3): with fewer the round is skipped, never a crash
    boolean enough = accepted.size() + onTime.size() >= strategy.minUpdates();
    boolean aggregate = quorumMet && enough;
    if (aggregate) foldedLate = new ArrayList<>(); // a skipped round keeps them for the next
    if (!quorumMet) {
      decision = "skipped:quorum-missed";
    } else if (!enough) {
      decision = "skipped:too-few-updates";
      context.getLog().warn("round {}: {} updates, the strategy needs at least {}: round skipped", r.number,
          accepted.size() + onTime.size(), strategy.minUpdates());
    }
    for (ServerProtocol.LocalUpdate u : valid) {
      boolean inTime = onTime.contains(u);
      r.outcome.put(u.site(), new Outcome(inTime ? SiteStatus.TRAINED : SiteStatus.LATE, "", u, u.simulatedMillis(),
          inTime && aggregate));
      if (inTime) {
        accepted.add(clientUpdate(u, u.site(), 1.0));
      } else if (policy().lateUpdates() == RoundPolicy.LateUpdates.FOLD) {
        foldedLate.add(u);
      }
    }
    List<String> released = new ArrayList<>();
    for (Site site : r.selected) if (r.updates.containsKey(site.name())) released.add(site.name());
    ledger = ledger.after(released, sites.stream().map(Site::name).toList(), aggregate);
    ModelWeights next = aggregate
        ? strategy.aggregate(r.number, accepted, globalValues).map(ModelWeights::new).orElse(r.global)
        : r.global;
    java.util.Set<String> used = aggregate ? strategy.lastUsed() : null;
    if (used != null) { // a selecting rule (Krum, Bulyan): only the updates it chose went into the aggregate
      for (ServerProtocol.LocalUpdate u : onTime) {
        Outcome o = r.outcome.get(u.site());
        r.outcome.put(u.site(), new Outcome(o.status(), o.reason(), o.update(), o.simulatedMillis(),
            used.contains(u.site())));
      }
    }
    r.simulatedMillis = roundDuration(r, onTime, valid, deadline);
    r.decision = decision;
    context.getLog().info("round {}/{}: {} results, {} failures, {} ({} simulated ms){}", r.number, settings.rounds(),
        onTime.size(), r.selected.size() - onTime.size(), decision, Math.round(r.simulatedMillis),
        timerFired ? ", deadline timer fired" : "");
    r.next = next;
    for (Site site : sites) {
      if (events.isMember(site.name(), r.number) && !down.contains(site.name())) {
        r.evaluators.add(site.name());
        live.get(site.name()).tell(new HospitalProtocol.EvaluateRequest(r.number, next, context.getSelf()));
      }
    }
    if (r.evaluators.isEmpty()) return endRound(r);
    timers.startSingleTimer(DEADLINE, new EvaluationDeadline(r.number), settings.evaluationTimeout());
    return evaluating(r);
  }

  /** What the strategy sees of an update: weighted by its examples (a {@link org.fedsim.aggregation.Weighting} may
   * re-weight it), with the validation score its site reported. */
  private static ClientUpdate clientUpdate(ServerProtocol.LocalUpdate u, String name, double staleness) {
    return new ClientUpdate(name, u.weights().values(), u.numExamples(), staleness, u.numExamples(),
        u.validationScore());
  }

  /** The first {@code target} updates that finish within {@code deadline} (valid is sorted by finish time). */
  private static List<ServerProtocol.LocalUpdate> onTime(List<ServerProtocol.LocalUpdate> valid, double deadline,
      int target) {
    List<ServerProtocol.LocalUpdate> out = new ArrayList<>();
    for (ServerProtocol.LocalUpdate u : valid) {
      if (out.size() < target && u.simulatedMillis() <= deadline) out.add(u);
    }
    return out;
  }

  /**
   * The round's simulated length: the server stops at the m-th update when it has enough, else at the deadline when
   * it waited in vain for someone, else when the last reply came.
   */
  private static double roundDuration(Round r, List<ServerProtocol.LocalUpdate> onTime,
      List<ServerProtocol.LocalUpdate> valid, double deadline) {
    if (!onTime.isEmpty() && onTime.size() == r.target) return onTime.get(onTime.size() - 1).simulatedMillis();
    double last = 0;
    for (ServerProtocol.LocalUpdate u : valid) last = Math.max(last, u.simulatedMillis());
    for (ServerProtocol.NoUpdate a : r.absences.values()) last = Math.max(last, a.simulatedMillis());
    boolean waitedInVain = valid.size() > onTime.size() || valid.size() < r.selected.size();
    return waitedInVain && Double.isFinite(deadline) ? deadline : Math.min(last, deadline);
  }

  // ---- evaluation phase ----

  private Behavior<ServerProtocol.Command> evaluating(Round r) {
    return Behaviors.receive(ServerProtocol.Command.class)
        .onMessage(ServerProtocol.EvaluationReport.class, e -> onEvaluation(r, e))
        .onMessage(EvaluationDeadline.class, d -> {
          if (d.round() != r.number) return Behaviors.same();
          context.getLog().warn("round {}: evaluation timeout; no report from {}", r.number,
              r.evaluators.stream().filter(e -> !r.evaluations.containsKey(e)).toList());
          return endRound(r);
        })
        .onMessage(ServerProtocol.LocalUpdate.class, this::lateRelease)
        .onMessage(TrainingDeadline.class, d -> Behaviors.same())
        .onMessage(NobodyToWaitFor.class, d -> Behaviors.same())
        .onMessage(ServerProtocol.NoUpdate.class, a -> dropStale(a.round(), a.site(), "absence"))
        .onMessage(SiteRejoined.class, this::onRejoined)
        .onSignal(ChildFailed.class, FlServer::failed)
        .onSignal(Terminated.class, t -> onSiteStopped(r, t.getRef(), false))
        .build();
  }

  private Behavior<ServerProtocol.Command> onEvaluation(Round r, ServerProtocol.EvaluationReport e) {
    if (e.round() != r.number || r.evaluations.containsKey(e.site()) || !r.evaluators.contains(e.site())) {
      return dropStale(e.round(), e.site(), "evaluation");
    }
    r.evaluations.put(e.site(), e);
    return r.evaluations.keySet().containsAll(r.evaluators) ? endRound(r) : Behaviors.same();
  }

  private Behavior<ServerProtocol.Command> endRound(Round r) {
    timers.cancel(DEADLINE);
    List<SiteRound> lines = new ArrayList<>(sites.size());
    for (Site site : sites) {
      SiteStatus absent = r.unreachable.contains(site.name()) ? SiteStatus.UNREACHABLE : absentStatus(site.name(), r.number);
      lines.add(r.line(site.name(), absent, ledger.epsilon(site.name())));
    }
    int accepted = (int) lines.stream().filter(SiteRound::participated).count();
    clockMillis += r.simulatedMillis;
    ServerState state = new ServerState(r.number, r.next, foldedLate, clockMillis, List.copyOf(down), strategy.state(),
        ledger.rdp());
    listener.tell(new RunEvent.RoundCompleted(r.number, settings.rounds(), r.selected.size(), accepted, lines,
        r.simulatedMillis, r.decision, state));
    if (r.number >= settings.rounds()) {
      listener.tell(new RunEvent.RunFinished(settings.rounds(), r.next));
      return Behaviors.stopped();
    }
    return startRound(r.number + 1, r.next);
  }

  /** Why a site that was not selected could not be: not joined yet, left, or down after a crash. */
  private SiteStatus absentStatus(String site, int round) {
    if (events.hasLeft(site, round)) return SiteStatus.LEFT;
    if (!events.isMember(site, round)) return SiteStatus.NOT_JOINED;
    if (lost.contains(site)) return SiteStatus.UNREACHABLE;
    if (down.contains(site)) return SiteStatus.CRASHED;
    return SiteStatus.NOT_SELECTED;
  }

  // ---- per-round state ----

  private record Outcome(SiteStatus status, String reason, ServerProtocol.LocalUpdate update, double simulatedMillis,
      boolean aggregated) {
    Outcome(SiteStatus status, String reason, ServerProtocol.LocalUpdate update, double simulatedMillis) {
      this(status, reason, update, simulatedMillis, false);
    }
  }

  /** Mutable state of the round in progress; lives only inside this actor. */
  private static final class Round {
    final int number;
    final ModelWeights global;
    final List<Site> selected;
    final int target;
    final double deadlineMillis;
    final Map<String, ServerProtocol.LocalUpdate> updates = new TreeMap<>();
    final Map<String, ServerProtocol.NoUpdate> absences = new TreeMap<>();
    final Map<String, Outcome> outcome = new LinkedHashMap<>();
    final Map<String, ServerProtocol.EvaluationReport> evaluations = new TreeMap<>();
    final Set<String> evaluators = new TreeSet<>();
    final Set<String> unreachable = new TreeSet<>();
    ModelWeights next;
    double simulatedMillis;
    String decision = "aggregated";

    Round(int number, ModelWeights global, List<Site> selected, int target, double deadlineMillis) {
      this.number = number;
      this.global = global;
      this.selected = selected;
      this.target = target;
      this.deadlineMillis = deadlineMillis;
    }

    boolean answered(String site) {
      return updates.containsKey(site) || absences.containsKey(site);
    }

    boolean allAnswered() {
      return updates.size() + absences.size() == selected.size();
    }

    boolean isSelected(String site) {
      for (Site s : selected) if (s.name().equals(site)) return true;
      return false;
    }

    SiteRound line(String site, SiteStatus whenNotSelected, double cumulativeEpsilon) {
      Outcome o = outcome.getOrDefault(site, new Outcome(whenNotSelected, "", null, Double.NaN));
      ServerProtocol.EvaluationReport e = evaluations.get(site);
      ServerProtocol.LocalUpdate u = o.update();
      int nTrain = e != null ? e.numTrain() : u != null ? u.numExamples() : 0;
      float[] g = global.values();
      float[] w = u == null ? null : u.weights().values();
      return new SiteRound(site, o.status(), o.reason(), nTrain,
          e == null ? 0 : e.numValidation(),
          e == null ? Double.NaN : e.accuracy(),
          e == null ? Double.NaN : e.auc(),
          e == null ? Double.NaN : e.loss(),
          u == null ? Double.NaN : u.trainLoss(),
          cumulativeEpsilon,
          isSelected(site),
          o.aggregated(),
          o.simulatedMillis(),
          w == null ? Double.NaN : UpdateValidator.deltaNorm(w, g),
          w == null || next == null ? Double.NaN : UpdateValidator.cosine(w, next.values(), g));
    }
  }
}
