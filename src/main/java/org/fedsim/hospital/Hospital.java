package org.fedsim.hospital;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.util.Map;
import java.util.function.Supplier;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.Evaluation;
import org.fedsim.model.LocalModel;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.timing.ClockSettings;
import org.fedsim.timing.SiteWork;
import org.fedsim.timing.TimingModel;

/**
 * One hospital: owns its patients' rows and its model. Trains on the global weights it is sent and evaluates any
 * weights on its own validation rows. Replies carry weights, counts and metrics only. Training blocks, so spawn it
 * on the training dispatcher ({@code fedsim.training-dispatcher}).
 */
public final class Hospital extends AbstractBehavior<HospitalProtocol.Command> {

  /** A hospital without a timing profile: always online, its work takes no simulated time. */
  public static Behavior<HospitalProtocol.Command> create(String site, SiteSplit data, Supplier<LocalModel> model) {
    return create(site, data, model, null, ClockSettings.virtual());
  }

  /**
   * @param timing the simulated durations, availability and crashes of every site (null: none)
   * @param clock on the real clock, replies are held back for the simulated duration (scaled)
   */
  public static Behavior<HospitalProtocol.Command> create(String site, SiteSplit data, Supplier<LocalModel> model,
      TimingModel timing, ClockSettings clock) {
    return create(site, data, model, timing, clock, Conduct.honest());
  }

  /** @param conduct attacks scripted for this hospital, and whether it scores its own updates */
  public static Behavior<HospitalProtocol.Command> create(String site, SiteSplit data, Supplier<LocalModel> model,
      TimingModel timing, ClockSettings clock, Conduct conduct) {
    Conduct own = conduct.forSite(site);
    return Behaviors.withMdc(
        HospitalProtocol.Command.class,
        Map.of("hospitalId", site),
        Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new Hospital(ctx, timers, site, data, model.get(), timing, clock, own))));
  }

  /** A reply held back until its simulated duration has really elapsed (real clock only). Local only. */
  private record DelayedReply(ServerProtocol.Command reply, ActorRef<ServerProtocol.Command> to)
      implements HospitalProtocol.Command, NoSerializationVerificationNeeded {}

  private final TimerScheduler<HospitalProtocol.Command> timers;
  private final String site;
  private final SiteSplit data;
  private final LocalModel model;
  private final TimingModel timing;
  private final ClockSettings clock;
  private final Conduct conduct;
  /** The last update sent while no replay was in force (what a replay sends again). */
  private float[] lastSent;

  private Hospital(ActorContext<HospitalProtocol.Command> context, TimerScheduler<HospitalProtocol.Command> timers,
      String site, SiteSplit data, LocalModel model, TimingModel timing, ClockSettings clock, Conduct conduct) {
    super(context);
    this.conduct = conduct;
    this.timers = timers;
    this.site = site;
    this.data = data;
    this.model = model;
    this.timing = timing;
    this.clock = clock;
    context.getLog().debug("hospital {} ready: {} training rows, {} validation rows", site, data.train().size(),
        data.validation().size());
  }

  @Override
  public Receive<HospitalProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HospitalProtocol.TrainRequest.class, this::onTrain)
        .onMessage(HospitalProtocol.EvaluateRequest.class, this::onEvaluate)
        .onMessage(DelayedReply.class, d -> {
          d.to().tell(d.reply());
          return this;
        })
        .build();
  }

  private Behavior<HospitalProtocol.Command> onTrain(HospitalProtocol.TrainRequest request) {
    if (timing != null && timing.events().crashesAt(site, request.round())) {
      getContext().getLog().warn("round {}: scripted crash: hospital {} stops", request.round(), site);
      return Behaviors.stopped();
    }
    SiteWork work = timing == null ? new SiteWork(true, false, 0)
        : timing.work(site, request.round(), data.train().size(), request.plan().localEpochs(), request.global().size());
    if (!work.online() || work.crashed()) {
      ServerProtocol.Absence why = work.online() ? ServerProtocol.Absence.CRASHED : ServerProtocol.Absence.OFFLINE;
      getContext().getLog().debug("round {}: {}", request.round(), why);
      // the real clock's server learns nothing (it waits out its deadline); the virtual one is told at once
      if (clock.isVirtual()) {
        request.replyTo().tell(new ServerProtocol.NoUpdate(request.round(), site, why, work.simulatedMillis()));
      }
      return this;
    }
    long started = System.nanoTime();
    float[] global = request.global().values();
    Attack attack = conduct.active(request.round());
    float[] sent;
    double loss = Double.NaN;
    if (attack != null && attack.behaviour() == Attack.Behaviour.REPLAY && lastSent != null) {
      sent = lastSent.clone();
    } else {
      float[] trained = null;
      if (attack == null || attack.trains()) {
        model.setParams(global);
        loss = model.fit(attack == null ? data.train() : attack.trainingRows(data.train()), request.plan());
        trained = model.getParams();
      }
      sent = attack == null ? trained : attack.forge(global, trained, conduct.seed(), request.round());
      lastSent = sent.clone();
    }
    if (attack != null) {
      getContext().getLog().debug("round {}: hostile ({}) update sent", request.round(), attack.behaviour().key());
    }
    double score = conduct.scoreUpdates() ? score(sent) : Double.NaN;
    getContext().getLog().debug("round {}: trained on {} rows, last-epoch loss {}, {} simulated ms", request.round(),
        data.train().size(), loss, work.simulatedMillis());
    reply(request.replyTo(), new ServerProtocol.LocalUpdate(request.round(), site, new ModelWeights(sent),
        data.train().size(), loss, Double.NaN, work.simulatedMillis(), score),
        clock.real(work.simulatedMillis()).minusNanos(System.nanoTime() - started));
    return this;
  }

  /** The accuracy of {@code weights} on this hospital's validation rows (NaN if they are not all finite). */
  private double score(float[] weights) {
    for (float w : weights) if (!Float.isFinite(w)) return Double.NaN;
    if (data.validation().size() == 0) return Double.NaN;
    model.setParams(weights);
    return model.evaluate(data.validation()).accuracy();
  }

  /** Replies now, or (real clock) once the work's scaled duration, less the time training took, has passed. */
  private void reply(ActorRef<ServerProtocol.Command> to, ServerProtocol.Command reply, java.time.Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      to.tell(reply);
    } else {
      timers.startSingleTimer(new DelayedReply(reply, to), delay);
    }
  }

  private Behavior<HospitalProtocol.Command> onEvaluate(HospitalProtocol.EvaluateRequest request) {
    model.setParams(request.weights().values());
    Evaluation e = model.evaluate(data.validation());
    request.replyTo().tell(new ServerProtocol.EvaluationReport(
        request.round(), site, data.train().size(), e.rows(), e.accuracy(), e.auc(), e.loss()));
    return this;
  }
}
