package org.fedsim.server;

import org.fedsim.protocol.ServerProtocol;

/** Checks an update before it may be aggregated; a problem is a rejection with a reason, never a crash. */
final class UpdateValidator {
  private UpdateValidator() {}

  /**
   * @param round the round being decided
   * @param global the global weights the round started from
   * @param maxNorm the largest ‖w_i − w_global‖ accepted (infinity: no bound)
   * @return null when the update is fine, else a short reason: {@code wrong-round}, {@code wrong-length},
   *     {@code negative-count}, {@code non-finite}, {@code norm-above-bound}, {@code bad-score}
   */
  static String problem(ServerProtocol.LocalUpdate u, int round, float[] global, double maxNorm) {
    if (u.round() != round) return "wrong-round";
    if (u.weights().size() != global.length) return "wrong-length";
    if (u.numExamples() < 0) return "negative-count";
    for (int i = 0; i < global.length; i++) {
      if (!Float.isFinite(u.weights().get(i))) return "non-finite";
    }
    if (deltaNorm(u.weights().values(), global) > maxNorm) return "norm-above-bound";
    double score = u.validationScore();
    if (!Double.isNaN(score) && !(score >= 0 && score <= 1)) return "bad-score";
    return null;
  }

  /** ‖w − g‖ in double; NaN when the lengths differ or a value is not finite. */
  static double deltaNorm(float[] w, float[] g) {
    if (w.length != g.length) return Double.NaN;
    double s = 0;
    for (int i = 0; i < g.length; i++) {
      double t = (double) w[i] - g[i];
      s += t * t;
    }
    return Double.isFinite(s) ? Math.sqrt(s) : Double.NaN;
  }

  /** cos(w − g, a − g) in double; NaN when either change is zero, not finite or of the wrong length. */
  static double cosine(float[] w, float[] a, float[] g) {
    if (w.length != g.length || a.length != g.length) return Double.NaN;
    double dot = 0;
    double nw = 0;
    double na = 0;
    for (int i = 0; i < g.length; i++) {
      double x = (double) w[i] - g[i];
      double y = (double) a[i] - g[i];
      dot += x * y;
      nw += x * x;
      na += y * y;
    }
    if (!(nw > 0 && na > 0) || !Double.isFinite(dot + nw + na)) return Double.NaN;
    return dot / Math.sqrt(nw * na);
  }
}
