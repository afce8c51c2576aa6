package org.fedsim.bench;

import java.util.List;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;
import org.fedsim.server.SiteStatus;

/** Counts the work of a run: local minibatch steps and client updates, from the per-round site lines. */
public final class StepCounter {
  private StepCounter() {}

  /** Optimizer steps one site takes in one round: ceil(nTrain / batch) per epoch (the last batch may be partial). */
  public static long stepsPerRound(int numTrain, int batchSize, int localEpochs) {
    if (batchSize < 1 || localEpochs < 0 || numTrain < 0) {
      throw new IllegalArgumentException("numTrain " + numTrain + ", batch " + batchSize + ", epochs " + localEpochs);
    }
    return (long) ((numTrain + batchSize - 1) / batchSize) * localEpochs;
  }

  /** Whether a site did its local training this round (its update accepted or rejected after training). */
  public static boolean trained(SiteRound s) {
    return s.status() == SiteStatus.TRAINED || s.status() == SiteStatus.REJECTED;
  }

  /** Steps over every round and every site that trained in it. */
  public static long steps(List<RunEvent.RoundCompleted> rounds, int batchSize, int localEpochs) {
    long steps = 0;
    for (RunEvent.RoundCompleted r : rounds) {
      for (SiteRound s : r.sites()) {
        if (trained(s)) steps += stepsPerRound(s.numTrain(), batchSize, localEpochs);
      }
    }
    return steps;
  }

  /** Client updates that went into an aggregate, over every round. */
  public static long acceptedUpdates(List<RunEvent.RoundCompleted> rounds) {
    long n = 0;
    for (RunEvent.RoundCompleted r : rounds) n += r.accepted();
    return n;
  }
}
