package org.fedsim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** {@code fedsim} in a child JVM (this test JVM's class path), its stdout and stderr in a log file: to be SIGKILLed. */
final class ChildFedsim {
  private ChildFedsim() {}

  static Process start(Path log, String heap, String... args) throws java.io.IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), heap, "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "org.fedsim.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** Polls {@code until} while {@code child} is alive, for at most {@code limit}; whether it came true. */
  static boolean await(Process child, Duration limit, BooleanSupplier until) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (child.isAlive() && System.nanoTime() < deadline) {
      child.waitFor(50, TimeUnit.MILLISECONDS); // poll the child's files, not a sleep in the logic
      if (until.getAsBoolean()) return true;
    }
    return false;
  }

  /** SIGKILL, and wait for it to be gone. */
  static void kill(Process child) throws InterruptedException {
    child.destroyForcibly();
    child.waitFor(30, TimeUnit.SECONDS);
  }

  static String log(Path log) throws java.io.IOException {
    return Files.readString(log);
  }
}
