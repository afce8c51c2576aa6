package org.fedsim.server;

import java.time.Duration;
import org.fedsim.timing.ClockSettings;

/**
 * How the server runs rounds.
 *
 * @param rounds number of rounds
 * @param fraction fraction of sites selected each round, in (0, 1]
 * @param minParticipants at least this many sites are selected (capped at the number of sites)
 * @param roundTimeout deadline for training replies; a selected site that has not replied by then is a dropout
 * @param evaluationTimeout deadline for evaluation replies
 * @param localEpochs local epochs per round
 * @param batchSize local minibatch size
 * @param seed master seed (selection and per-site shuffle seeds are derived from it)
 * @param policy deadline, quorum, over-selection, late updates, missed quorum
 * @param clock virtual (decide from simulated durations) or real (the deadline is a timer)
 * @param privacy how a round costs privacy (for the cumulative ε of every site)
 * @param targetEpsilon stop before a round that would take a site's ε past this (NaN: no target)
 * @param maxUpdateNorm reject an update whose ‖w_i − w_global‖ exceeds this (infinity: no bound)
 */
public record ServerSettings(
    int rounds,
    double fraction,
    int minParticipants,
    Duration roundTimeout,
    Duration evaluationTimeout,
    int localEpochs,
    int batchSize,
    long seed,
    RoundPolicy policy,
    ClockSettings clock,
    PrivacyLedger.Mechanism privacy,
    double targetEpsilon,
    double maxUpdateNorm) {

  /** No bound on update norms. */
  public ServerSettings(int rounds, double fraction, int minParticipants, Duration roundTimeout,
      Duration evaluationTimeout, int localEpochs, int batchSize, long seed, RoundPolicy policy, ClockSettings clock,
      PrivacyLedger.Mechanism privacy, double targetEpsilon) {
    this(rounds, fraction, minParticipants, roundTimeout, evaluationTimeout, localEpochs, batchSize, seed, policy,
        clock, privacy, targetEpsilon, Double.POSITIVE_INFINITY);
  }

  /** Without privacy accounting. */
  public ServerSettings(int rounds, double fraction, int minParticipants, Duration roundTimeout,
      Duration evaluationTimeout, int localEpochs, int batchSize, long seed, RoundPolicy policy, ClockSettings clock) {
    this(rounds, fraction, minParticipants, roundTimeout, evaluationTimeout, localEpochs, batchSize, seed, policy,
        clock, PrivacyLedger.Mechanism.none(), Double.NaN);
  }

  /** Lenient round policy on the virtual clock. */
  public ServerSettings(int rounds, double fraction, int minParticipants, Duration roundTimeout,
      Duration evaluationTimeout, int localEpochs, int batchSize, long seed) {
    this(rounds, fraction, minParticipants, roundTimeout, evaluationTimeout, localEpochs, batchSize, seed,
        RoundPolicy.lenient(), ClockSettings.virtual());
  }

  public ServerSettings {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("selection.fraction must be in (0, 1], got " + fraction);
    }
    if (minParticipants < 1) {
      throw new IllegalArgumentException("selection.min-participants must be >= 1, got " + minParticipants);
    }
    if (roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("timing.round-timeout must be > 0, got " + roundTimeout);
    }
    if (evaluationTimeout.isNegative() || evaluationTimeout.isZero()) {
      throw new IllegalArgumentException("timing.evaluation-timeout must be > 0, got " + evaluationTimeout);
    }
    if (!(maxUpdateNorm > 0)) {
      throw new IllegalArgumentException("strategy.validation.max-norm must be > 0, got " + maxUpdateNorm);
    }
  }
}
