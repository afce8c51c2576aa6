package org.fedsim.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/** Averages the minibatch scores (losses) from a given iteration on: the last local epoch's mean loss. */
final class LastEpochScore extends BaseTrainingListener {
  private final int fromIteration;
  private int seen;
  private double sum;
  private int counted;

  LastEpochScore(int fromIteration) {
    this.fromIteration = fromIteration;
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    if (seen++ >= fromIteration) {
      sum += model.score();
      counted++;
    }
  }

  double mean() {
    return counted == 0 ? Double.NaN : sum / counted;
  }
}
