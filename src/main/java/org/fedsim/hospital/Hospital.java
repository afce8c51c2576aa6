package org.fedsim.hospital;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.Map;
import java.util.function.Supplier;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.Evaluation;
import org.fedsim.model.LocalModel;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;

/**
 * One hospital: owns its patients' rows and its model. Trains on the global weights it is sent and evaluates any
 * weights on its own validation rows. Replies carry weights, counts and metrics only. Training blocks, so spawn it
 * on the training dispatcher ({@code fedsim.training-dispatcher}).
 */
public final class Hospital extends AbstractBehavior<HospitalProtocol.Command> {

  public static Behavior<HospitalProtocol.Command> create(String site, SiteSplit data, Supplier<LocalModel> model) {
    return Behaviors.withMdc(
        HospitalProtocol.Command.class,
        Map.of("hospitalId", site),
        Behaviors.setup(ctx -> new Hospital(ctx, site, data, model.get())));
  }

  private final String site;
  private final SiteSplit data;
  private final LocalModel model;

  private Hospital(ActorContext<HospitalProtocol.Command> context, String site, SiteSplit data, LocalModel model) {
    super(context);
    this.site = site;
    this.data = data;
    this.model = model;
    context.getLog().debug("hospital {} ready: {} training rows, {} validation rows", site, data.train().size(),
        data.validation().size());
  }

  @Override
  public Receive<HospitalProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HospitalProtocol.TrainRequest.class, this::onTrain)
        .onMessage(HospitalProtocol.EvaluateRequest.class, this::onEvaluate)
        .build();
  }

  private Behavior<HospitalProtocol.Command> onTrain(HospitalProtocol.TrainRequest request) {
    model.setParams(request.global().values());
    double loss = model.fit(data.train(), request.plan());
    ModelWeights trained = new ModelWeights(model.getParams());
    getContext().getLog().debug("round {}: trained on {} rows, last-epoch loss {}", request.round(),
        data.train().size(), loss);
    request.replyTo().tell(new ServerProtocol.LocalUpdate(
        request.round(), site, trained, data.train().size(), loss, Double.NaN));
    return this;
  }

  private Behavior<HospitalProtocol.Command> onEvaluate(HospitalProtocol.EvaluateRequest request) {
    model.setParams(request.weights().values());
    Evaluation e = model.evaluate(data.validation());
    request.replyTo().tell(new ServerProtocol.EvaluationReport(
        request.round(), site, data.train().size(), e.rows(), e.accuracy(), e.auc(), e.loss()));
    return this;
  }
}
