package org.fedsim.server;

import org.fedsim.protocol.ServerProtocol;

/** Checks an update before it may be aggregated; a problem is a rejection with a reason, never a crash. */
final class UpdateValidator {
  private UpdateValidator() {}

  /** @return null when the update is fine, else a short reason ({@code wrong-length}, {@code non-finite}, ...) */
  static String problem(ServerProtocol.LocalUpdate u, int expectedLength) {
    if (u.weights().size() != expectedLength) return "wrong-length";
    if (u.numExamples() < 0) return "negative-count";
    for (int i = 0; i < expectedLength; i++) {
      if (!Float.isFinite(u.weights().get(i))) return "non-finite";
    }
    return null;
  }
}
