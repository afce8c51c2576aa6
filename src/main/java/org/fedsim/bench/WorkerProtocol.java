package org.fedsim.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Optional;

/**
 * The worker-to-parent protocol: the child JVM prints exactly one line {@code BENCH {json}} to its stdout; everything
 * else it writes goes to stderr (logs), and any other stdout line (a native library's chatter) is ignored.
 */
public final class WorkerProtocol {
  public static final String PREFIX = "BENCH ";

  private WorkerProtocol() {}

  /** The line the worker prints (no line break inside: the JSON is compact). */
  public static String format(WorkerResult result) {
    return PREFIX + Json.compact(result);
  }

  /** Parses one protocol line; IllegalArgumentException if it is not one. */
  public static WorkerResult parse(String line) {
    if (line == null || !line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a worker result line (expected '" + PREFIX.trim() + " {json}'): "
          + abbreviate(line));
    }
    try {
      return Json.MAPPER.readValue(line.substring(PREFIX.length()).trim(), WorkerResult.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed worker result: " + e.getOriginalMessage(), e);
    }
  }

  /** The last protocol line among a child's stdout lines, parsed; empty if there is none. */
  public static Optional<WorkerResult> find(List<String> stdoutLines) {
    for (int i = stdoutLines.size() - 1; i >= 0; i--) {
      if (stdoutLines.get(i).startsWith(PREFIX)) return Optional.of(parse(stdoutLines.get(i)));
    }
    return Optional.empty();
  }

  private static String abbreviate(String s) {
    if (s == null) return "null";
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
