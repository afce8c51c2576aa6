package org.fedsim.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one child process to completion: stdout captured line by line, stderr passed through to ours, wall time
 * measured from spawn to exit. A child still running when this JVM exits (Ctrl-C) is destroyed.
 */
final class ChildProcess {
  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }), "bench-child-reaper"));
  }

  /** A finished child. */
  record Outcome(int exitCode, double wallSeconds, List<String> stdout) {}

  private ChildProcess() {}

  /**
   * @param env applied to a copy of our environment
   * @param stdoutLine sees each stdout line as it arrives (progress, debugging); may be a no-op
   */
  static Outcome run(List<String> command, Path workDir, Consumer<Map<String, String>> env, Duration timeout,
      Consumer<String> stdoutLine) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (workDir != null) pb.directory(workDir.toFile());
    env.accept(pb.environment());
    log.debug("starting {}", command);
    long t0 = System.nanoTime();
    Process p = pb.start();
    LIVE.add(p);
    try {
      p.getOutputStream().close();
      List<String> lines = new ArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (lines) {
              lines.add(line);
            }
            stdoutLine.accept(line);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, "bench-child-stdout");
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IllegalStateException("child process did not finish within " + timeout + ": " + command);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      reader.join(10_000);
      synchronized (lines) {
        return new Outcome(p.exitValue(), wall, List.copyOf(lines));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for " + command, e);
    } finally {
      LIVE.remove(p);
    }
  }
}
