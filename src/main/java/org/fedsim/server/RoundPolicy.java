package org.fedsim.server;

import java.util.Arrays;

/**
 * What the server does with time in a round: when it stops waiting (a deadline in simulated time: none, absolute,
 * or a percentile of the selected sites' expected durations), how many accepted updates a round needs (quorum),
 * how many extra sites it asks (over-selection: ask ⌈k·m⌉, keep the first m), what it does with a late update
 * (discard it, or fold it into the next round's aggregate with a staleness weight) and with a missed quorum (skip
 * the round keeping the global model, or extend the deadline once).
 */
public record RoundPolicy(DeadlineKind deadlineKind, double deadlineValue, int quorum, double overSelection,
    LateUpdates lateUpdates, double stalenessWeight, QuorumMissed quorumMissed) {

  public enum DeadlineKind { NONE, ABSOLUTE, PERCENTILE }

  public enum LateUpdates { DISCARD, FOLD }

  public enum QuorumMissed { SKIP, EXTEND }

  public RoundPolicy {
    if (deadlineKind == DeadlineKind.ABSOLUTE && !(deadlineValue > 0)) {
      throw new IllegalArgumentException("round-policy.deadline must be > 0 ms, got " + deadlineValue);
    }
    if (deadlineKind == DeadlineKind.PERCENTILE && !(deadlineValue > 0 && deadlineValue <= 100)) {
      throw new IllegalArgumentException("round-policy.deadline percentile must be in (0, 100], got " + deadlineValue);
    }
    if (quorum < 1) throw new IllegalArgumentException("round-policy.quorum must be >= 1, got " + quorum);
    if (!(overSelection >= 1)) {
      throw new IllegalArgumentException("round-policy.over-selection must be >= 1, got " + overSelection);
    }
    if (!(stalenessWeight >= 0 && stalenessWeight <= 1)) {
      throw new IllegalArgumentException("round-policy.staleness-weight must be in [0, 1], got " + stalenessWeight);
    }
  }

  /** No deadline, quorum 1, no over-selection, late updates discarded, a missed quorum skips the round. */
  public static RoundPolicy lenient() {
    return new RoundPolicy(DeadlineKind.NONE, 0, 1, 1.0, LateUpdates.DISCARD, 0.5, QuorumMissed.SKIP);
  }

  /** The deadline in simulated ms given the selected sites' expected durations; +∞ when there is none. */
  public double deadlineMillis(double[] expected) {
    return switch (deadlineKind) {
      case NONE -> Double.POSITIVE_INFINITY;
      case ABSOLUTE -> deadlineValue;
      case PERCENTILE -> percentile(expected, deadlineValue);
    };
  }

  /** Linear-interpolated percentile (numpy's default), +∞ for no values. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) return Double.POSITIVE_INFINITY;
    double[] v = values.clone();
    Arrays.sort(v);
    double rank = p / 100 * (v.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (rank - lo) * (v[hi] - v[lo]);
  }
}
