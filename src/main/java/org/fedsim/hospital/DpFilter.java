package org.fedsim.hospital;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fedsim.common.Seeds;
import org.fedsim.privacy.LocalDp;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;

/**
 * Local differential privacy in front of one hospital, with the semantics of Flower's LocalDpMod: it stands where
 * the hospital stands (the server talks to it as if it were the hospital), remembers the global weights of each
 * training request, and turns the hospital's reply into {@code global + clip(local − global, C) + N(0, σ²)} before
 * it goes to the server. The un-noised update never leaves this actor. Evaluation requests pass through untouched.
 *
 * <p>Noise for round r comes from a generator seeded by (scenario seed, site, r): reproducible whatever the order
 * in which hospitals finish.
 */
public final class DpFilter extends AbstractBehavior<HospitalProtocol.Command> {

  /** The hospital's reply, adapted into this actor's protocol. Local only. */
  private record WrappedUpdate(ServerProtocol.Command reply)
      implements HospitalProtocol.Command, NoSerializationVerificationNeeded {}

  private record Pending(ModelWeights global, ActorRef<ServerProtocol.Command> replyTo) {}

  public static Behavior<HospitalProtocol.Command> create(
      String site, ActorRef<HospitalProtocol.Command> hospital, LocalDp mechanism, double epsilon, long seed) {
    return Behaviors.withMdc(
        HospitalProtocol.Command.class,
        Map.of("hospitalId", site),
        Behaviors.setup(ctx -> new DpFilter(ctx, site, hospital, mechanism, epsilon, seed)));
  }

  private final String site;
  private final ActorRef<HospitalProtocol.Command> hospital;
  private final LocalDp mechanism;
  private final double epsilon;
  private final long seed;
  private final ActorRef<ServerProtocol.Command> replyAdapter;
  private final Map<Integer, Pending> pending = new HashMap<>();

  private DpFilter(ActorContext<HospitalProtocol.Command> context, String site,
      ActorRef<HospitalProtocol.Command> hospital, LocalDp mechanism, double epsilon, long seed) {
    super(context);
    this.site = site;
    this.hospital = hospital;
    this.mechanism = mechanism;
    this.epsilon = epsilon;
    this.seed = seed;
    this.replyAdapter = context.messageAdapter(ServerProtocol.Command.class, WrappedUpdate::new);
    context.watch(hospital); // the filter stands for its hospital: when the hospital stops, so does the filter
  }

  @Override
  public Receive<HospitalProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HospitalProtocol.TrainRequest.class, this::onTrain)
        .onMessage(HospitalProtocol.EvaluateRequest.class, this::onEvaluate)
        .onMessage(WrappedUpdate.class, this::onHospitalReply)
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }

  private Behavior<HospitalProtocol.Command> onTrain(HospitalProtocol.TrainRequest request) {
    pending.put(request.round(), new Pending(request.global(), request.replyTo()));
    hospital.tell(new HospitalProtocol.TrainRequest(request.round(), request.global(), request.plan(), replyAdapter));
    return this;
  }

  private Behavior<HospitalProtocol.Command> onEvaluate(HospitalProtocol.EvaluateRequest request) {
    hospital.tell(request);
    return this;
  }

  private Behavior<HospitalProtocol.Command> onHospitalReply(WrappedUpdate wrapped) {
    if (wrapped.reply() instanceof ServerProtocol.NoUpdate absence) { // nothing to privatise: pass it on
      Pending p = pending.remove(absence.round());
      if (p != null) p.replyTo().tell(absence);
      return this;
    }
    if (!(wrapped.reply() instanceof ServerProtocol.LocalUpdate update)) {
      getContext().getLog().warn("unexpected reply from hospital {}: {}", site, wrapped.reply().getClass().getSimpleName());
      return this;
    }
    Pending p = pending.remove(update.round());
    if (p == null) {
      getContext().getLog().debug("dropping update for round {}: no training request pending", update.round());
      return this;
    }
    SplittableRandom rng = new SplittableRandom(
        Seeds.derive(seed, Seeds.Purpose.DP_NOISE, Seeds.of(site), update.round()));
    LocalDp.Result r = mechanism.privatize(p.global().values(), update.weights().values(), rng);
    getContext().getLog().debug("round {}: update norm {} ({}), noise sigma {}", update.round(), r.updateNorm(),
        r.clipped() ? "clipped" : "not clipped", mechanism.sigma());
    p.replyTo().tell(update.privatised(new ModelWeights(r.params()), epsilon));
    return this;
  }
}
