package org.fedsim.model;

import java.util.SplittableRandom;
import org.fedsim.protocol.TrainingPlan;

/**
 * The order in which every engine visits a hospital's rows during one {@code fit}: one Fisher–Yates shuffle per
 * epoch, drawn from {@code plan.shuffleSeed()} and applied to the previous epoch's order (the first epoch shuffles
 * 0..n-1), then consecutive minibatches of {@link #batchSize()} rows, the last one possibly smaller. Both engines
 * call this one class, so their minibatches cannot drift apart.
 */
public final class MinibatchOrder {
  private final int[] order;
  private final SplittableRandom rng;
  private final int batchSize;
  private final int epochs;
  private int epochsDrawn;

  /** {@code n} must be >= 1. */
  public MinibatchOrder(int n, TrainingPlan plan) {
    if (n < 1) throw new IllegalArgumentException("no rows to order");
    this.order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    this.rng = new SplittableRandom(plan.shuffleSeed());
    this.batchSize = Math.min(plan.batchSize(), n);
    this.epochs = plan.localEpochs();
  }

  /** Rows per minibatch: the plan's batch size, or every row when there are fewer. */
  public int batchSize() {
    return batchSize;
  }

  public int epochs() {
    return epochs;
  }

  public int rows() {
    return order.length;
  }

  /**
   * Shuffles for the next epoch and returns the order (a live array, valid until the next call): minibatch
   * {@code j} holds rows {@code order[j * batchSize()]} up to {@code order[min(rows(), (j + 1) * batchSize()) - 1]}.
   */
  public int[] nextEpoch() {
    if (epochsDrawn++ == epochs) throw new IllegalStateException("all " + epochs + " epochs already drawn");
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
