package org.fedsim.server;

import org.fedsim.protocol.CborSerializable;

/**
 * One site's line of a round result: what it did in training and how the new global model scores on its own
 * validation rows. Metrics are NaN when the site did not report an evaluation before the deadline.
 *
 * @param reason why an update was rejected (empty otherwise)
 * @param epsilon the privacy cost of this site's release this round, NaN if none
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
    double epsilon) implements CborSerializable {

  public boolean participated() {
    return status == SiteStatus.TRAINED;
  }

  public boolean evaluated() {
    return !Double.isNaN(accuracy);
  }

  /** The status as written to metrics.csv: {@code trained}, {@code dropout}, {@code rejected:<reason>}, ... */
  public String statusLabel() {
    return status == SiteStatus.REJECTED ? status.label() + ":" + reason : status.label();
  }
}
