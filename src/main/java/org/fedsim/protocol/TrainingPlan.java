package org.fedsim.protocol;

/**
 * What a hospital is asked to do with the global weights in one round.
 *
 * @param localEpochs passes over the hospital's training rows
 * @param batchSize minibatch size (the last minibatch of an epoch may be smaller)
 * @param shuffleSeed seeds the minibatch order of this round at this hospital
 */
public record TrainingPlan(int localEpochs, int batchSize, long shuffleSeed) implements CborSerializable {
  public TrainingPlan {
    if (localEpochs < 1) throw new IllegalArgumentException("localEpochs must be >= 1, got " + localEpochs);
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
  }
}
