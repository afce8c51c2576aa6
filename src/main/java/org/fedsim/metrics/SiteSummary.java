package org.fedsim.metrics;

import java.util.List;
import org.fedsim.server.SiteRound;

/**
 * The {@code ALL} line of a round: validation-size-weighted means over the sites that reported an evaluation
 * (AUC over those where it is defined), counts summed, and the largest per-site ε of the round.
 */
public record SiteSummary(int participated, int numTrain, int numValidation, double accuracy, double auc, double loss,
    double epsilon) {

  public static SiteSummary of(List<SiteRound> sites) {
    int participated = 0;
    int nTrain = 0;
    int nVal = 0;
    double acc = 0;
    double loss = 0;
    double aucSum = 0;
    double aucWeight = 0;
    double accWeight = 0;
    double eps = Double.NaN;
    for (SiteRound s : sites) {
      if (s.participated()) participated++;
      nTrain += s.numTrain();
      nVal += s.numValidation();
      if (!Double.isNaN(s.epsilon())) eps = Double.isNaN(eps) ? s.epsilon() : Math.max(eps, s.epsilon());
      if (!s.evaluated() || s.numValidation() == 0) continue;
      acc += s.numValidation() * s.accuracy();
      loss += s.numValidation() * s.loss();
      accWeight += s.numValidation();
      if (!Double.isNaN(s.auc())) {
        aucSum += s.numValidation() * s.auc();
        aucWeight += s.numValidation();
      }
    }
    return new SiteSummary(participated, nTrain, nVal,
        accWeight == 0 ? Double.NaN : acc / accWeight,
        aucWeight == 0 ? Double.NaN : aucSum / aucWeight,
        accWeight == 0 ? Double.NaN : loss / accWeight,
        eps);
  }

  /** The lowest accuracy among sites with validation rows (the seed research judges a federation by it). */
  public static double minSiteAccuracy(List<SiteRound> sites) {
    return sites.stream().filter(s -> s.evaluated() && s.numValidation() > 0)
        .mapToDouble(SiteRound::accuracy).min().orElse(Double.NaN);
  }
}
