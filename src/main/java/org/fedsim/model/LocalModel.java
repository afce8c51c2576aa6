package org.fedsim.model;

import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;

/**
 * A model one hospital trains and evaluates on its own rows. Parameters go in and out as flat float arrays in
 * DL4J's layout; the engine behind it is private to the hospital. Not thread-safe: one owner at a time.
 */
public interface LocalModel {
  int numParams();

  /** A copy of the current parameters. */
  float[] getParams();

  /** Replace the parameters with a copy of {@code params}. */
  void setParams(float[] params);

  /**
   * Train from the current parameters for {@code plan.localEpochs()} epochs with a fresh optimizer state (as a
   * Flower client builds a new optimizer each round), minibatches in an order drawn from {@code plan.shuffleSeed()}.
   *
   * @return the mean loss over the last epoch's minibatches
   */
  double fit(SiteData train, TrainingPlan plan);

  /** Evaluate the current parameters on {@code rows}. */
  Evaluation evaluate(SiteData rows);
}
