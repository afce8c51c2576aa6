package org.fedsim.protocol;

import akka.actor.typed.ActorRef;

/** What a hospital (or a filter standing in front of it) accepts. Weights, plans and round numbers only. */
public final class HospitalProtocol {
  private HospitalProtocol() {}

  public interface Command extends CborSerializable {}

  /** Train locally from {@code global} and reply with a {@link ServerProtocol.LocalUpdate}. */
  public record TrainRequest(int round, ModelWeights global, TrainingPlan plan, ActorRef<ServerProtocol.Command> replyTo)
      implements Command {}

  /** Evaluate {@code weights} on the hospital's own validation rows; reply with a {@link ServerProtocol.EvaluationReport}. */
  public record EvaluateRequest(int round, ModelWeights weights, ActorRef<ServerProtocol.Command> replyTo)
      implements Command {}
}
