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
   * @param simulatedMillis how long the hospital's training and upload would have taken (the virtual clock)
   * @param validationScore the accuracy of these weights on the hospital's own validation rows (for quality
   *     weighting), NaN when not reported
   */
  public record LocalUpdate(int round, String site, ModelWeights weights, int numExamples, double trainLoss,
      double epsilon, double simulatedMillis, double validationScore) implements Command {
    /** An update without a validation score. */
    public LocalUpdate(int round, String site, ModelWeights weights, int numExamples, double trainLoss, double epsilon,
        double simulatedMillis) {
      this(round, site, weights, numExamples, trainLoss, epsilon, simulatedMillis, Double.NaN);
    }

    /** An update without a simulated duration (0 ms). */
    public LocalUpdate(int round, String site, ModelWeights weights, int numExamples, double trainLoss, double epsilon) {
      this(round, site, weights, numExamples, trainLoss, epsilon, 0);
    }

    /** The same update with other weights and privacy cost (what a DP filter sends on). */
    public LocalUpdate privatised(ModelWeights newWeights, double spentEpsilon) {
      return new LocalUpdate(round, site, newWeights, numExamples, trainLoss, spentEpsilon, simulatedMillis,
          validationScore);
    }
  }

  /**
   * Why a selected hospital sends no update this round: offline or crashed (what it says of itself), or lost (what
   * the server concludes when the hospital's cluster node is gone; never sent by a hospital).
   */
  public enum Absence { OFFLINE, CRASHED, LOST }

  /**
   * A selected hospital has no update for {@code round}: it is offline, or it crashed after
   * {@code simulatedMillis}. In the virtual clock this stands for the silence the server would otherwise wait out.
   */
  public record NoUpdate(int round, String site, Absence reason, double simulatedMillis) implements Command {}

  /** A hospital's evaluation of the weights it was sent, on its own validation rows. */
  public record EvaluationReport(int round, String site, int numTrain, int numValidation, double accuracy, double auc, double loss)
      implements Command {}
}
