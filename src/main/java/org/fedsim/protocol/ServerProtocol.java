package org.fedsim.protocol;

/** What the server accepts from hospitals. Counts, weights and metrics only: never patient rows. */
public final class ServerProtocol {
  private ServerProtocol() {}

  public interface Command extends CborSerializable {}

  /**
   * A hospital's locally trained weights for {@code round}.
   *
   * @param numExamples training rows used (the FedAvg weight)
   * @param trainLoss mean training loss of the last local epoch
   * @param epsilon the (ε) this release cost under local DP, NaN when the update is not privatised
   */
  public record LocalUpdate(int round, String site, ModelWeights weights, int numExamples, double trainLoss, double epsilon)
      implements Command {
    /** The same update with other weights and privacy cost (what a DP filter sends on). */
    public LocalUpdate privatised(ModelWeights newWeights, double spentEpsilon) {
      return new LocalUpdate(round, site, newWeights, numExamples, trainLoss, spentEpsilon);
    }
  }

  /** A hospital's evaluation of the weights it was sent, on its own validation rows. */
  public record EvaluationReport(int round, String site, int numTrain, int numValidation, double accuracy, double auc, double loss)
      implements Command {}
}
