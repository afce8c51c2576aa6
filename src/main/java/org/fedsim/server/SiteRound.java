package org.fedsim.server;

import org.fedsim.protocol.CborSerializable;

/**
 * One site's line of a round result: what it did in training and how the new global model scores on its own
 * validation rows. Metrics are NaN when the site did not report an evaluation before the deadline.
 *
 * @param reason why an update was rejected (empty otherwise)
 * @param epsilon the privacy cost of this site's release this round, NaN if none
 * @param selected whether the site was asked to train this round
 * @param aggregated whether its update went into this round's aggregate
 * @param simulatedMillis the site's simulated training + upload time (NaN when it was not selected)
 * @param drift ‖w_i − w_global‖ of the update it sent this round (NaN when it sent none, or one of the wrong length
 *     or with a non-finite value)
 * @param cosine the cosine between its update (w_i − w_global) and the round's aggregate change (NaN when either is
 *     zero or undefined)
 */
public record SiteRound(
    String site,
    SiteStatus status,
    String reason,
    int numTrain,
    int numValidation,
    double accuracy,
    double auc,
    double loss,
    double trainLoss,
    double epsilon,
    boolean selected,
    boolean aggregated,
    double simulatedMillis,
    double drift,
    double cosine) implements CborSerializable {

  /** A line without drift metrics. */
  public SiteRound(String site, SiteStatus status, String reason, int numTrain, int numValidation, double accuracy,
      double auc, double loss, double trainLoss, double epsilon, boolean selected, boolean aggregated,
      double simulatedMillis) {
    this(site, status, reason, numTrain, numValidation, accuracy, auc, loss, trainLoss, epsilon, selected, aggregated,
        simulatedMillis, Double.NaN, Double.NaN);
  }

  /** A line whose selection and aggregation follow from its status, without a simulated time. */
  public SiteRound(String site, SiteStatus status, String reason, int numTrain, int numValidation, double accuracy,
      double auc, double loss, double trainLoss, double epsilon) {
    this(site, status, reason, numTrain, numValidation, accuracy, auc, loss, trainLoss, epsilon,
        status != SiteStatus.NOT_SELECTED, status == SiteStatus.TRAINED, Double.NaN);
  }

  /** Its update went into this round's aggregate. */
  public boolean participated() {
    return aggregated;
  }

  public boolean evaluated() {
    return !Double.isNaN(accuracy);
  }

  /** The status as written to metrics.csv: {@code trained}, {@code dropout}, {@code rejected:<reason>}, ... */
  public String statusLabel() {
    return status == SiteStatus.REJECTED ? status.label() + ":" + reason : status.label();
  }
}
