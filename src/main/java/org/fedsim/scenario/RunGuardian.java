package org.fedsim.scenario;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fedsim.aggregation.FedAvg;
import org.fedsim.data.SiteSplit;
import org.fedsim.hospital.DpFilter;
import org.fedsim.hospital.Hospital;
import org.fedsim.model.LocalModel;
import org.fedsim.model.ModelFactory;
import org.fedsim.privacy.LocalDp;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.server.FlServer;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerSettings;
import org.fedsim.timing.TimingModel;

/**
 * Wires one run together: a {@link Hospital} per site on the training dispatcher, a {@link DpFilter} in front of
 * each when privacy is local, and the {@link FlServer}. Forwards the server's events to {@code sink}; a failing
 * child fails the run (the sink receives the cause) instead of leaving it to a deadline.
 */
final class RunGuardian {
  static final String TRAINING_DISPATCHER = "fedsim.training-dispatcher";

  private RunGuardian() {}

  static Behavior<RunEvent> create(Scenario s, List<SiteSplit> splits, int inputs, ModelWeights initial,
      Consumer<Object> sink) {
    return Behaviors.setup(ctx -> {
      // every hospital's model starts from the run's initial global weights (it is sent them before any work)
      Supplier<LocalModel> models = ModelFactory.models(s.engine(), s.model(), inputs, initial.values());
      List<FlServer.Site> sites = new ArrayList<>();
      TimingModel timing = new TimingModel(s.timing().defaults(), s.timing().sites(), s.seed());
      Map<String, Double> expected = new HashMap<>();
      for (int i = 0; i < splits.size(); i++) {
        SiteSplit split = splits.get(i);
        expected.put(split.site(), timing.expectedMillis(split.site(), split.train().size(), s.model().localEpochs(),
            initial.size()));
        ActorRef<HospitalProtocol.Command> hospital = ctx.spawn(
            Hospital.create(split.site(), split, models, timing, s.timing().clock()),
            "hospital-" + i, DispatcherSelector.fromConfig(TRAINING_DISPATCHER));
        ctx.watch(hospital);
        sites.add(new FlServer.Site(split.site(), s.privacy().enabled() ? filter(ctx, s, split.site(), hospital, i) : hospital));
      }
      ServerSettings settings = new ServerSettings(s.rounds(), s.fraction(), s.minParticipants(), s.roundTimeout(),
          s.evaluationTimeout(), s.model().localEpochs(), s.model().batchSize(), s.seed(), s.policy(),
          s.timing().clock());
      ctx.watch(ctx.spawn(FlServer.create(settings, sites, initial, new FedAvg(s.weightByExamples()), ctx.getSelf(),
          expected), "server"));
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
          .build();
    });
  }

  private static ActorRef<HospitalProtocol.Command> filter(ActorContext<RunEvent> ctx, Scenario s, String site,
      ActorRef<HospitalProtocol.Command> hospital, int i) {
    PrivacySettings p = s.privacy();
    LocalDp mechanism = new LocalDp(p.clippingNorm(), p.sensitivity(), p.epsilon(), p.delta(), p.calibration());
    ActorRef<HospitalProtocol.Command> filter =
        ctx.spawn(DpFilter.create(site, hospital, mechanism, p.epsilon(), s.seed()), "dp-filter-" + i);
    ctx.watch(filter);
    return filter;
  }
}
