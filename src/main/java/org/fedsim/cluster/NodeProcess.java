package org.fedsim.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code fedsim node} in a child JVM on this machine (same classpath and Java), its output in a log file: what
 * {@code fedsim cluster-demo} and the cluster tests start. {@link #kill()} is a SIGKILL, as a machine lost.
 */
public final class NodeProcess implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;

  /**
   * @param name the node's name (its keystore, its log file {@code logs/NAME.log} under {@code dir})
   * @param args the arguments after {@code fedsim node}
   */
  public NodeProcess(String name, Path dir, List<String> args) {
    this.name = name;
    this.log = dir.resolve("logs").resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    cmd.addAll(List.of("-Xmx768m", "-XX:+UseSerialGC",
        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dfedsim.log.level=INFO"));
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) cmd.add("-Dlogback.configurationFile=" + logback);
    String config = System.getProperty("config.file");
    if (config != null) cmd.add("-Dconfig.file=" + config);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.fedsim.cli.Main", "node"));
    cmd.addAll(args);
    this.command = List.copyOf(cmd);
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** Starts (or restarts) the node; output appended to its log. */
  public NodeProcess start() throws IOException {
    java.nio.file.Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("OMP_NUM_THREADS", "1");
    process = pb.start();
    return this;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no goodbye to the cluster, as when a machine is lost. */
  public void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** {@link #close()} of every node, at once: each leaves the cluster while the others do. */
  public static void closeAll(List<NodeProcess> nodes) throws InterruptedException {
    for (NodeProcess n : nodes) {
      if (n.process != null && n.process.isAlive()) n.process.destroy();
    }
    for (NodeProcess n : nodes) n.close();
  }

  /** SIGTERM (the node leaves the cluster), then SIGKILL if it does not exit in time. */
  @Override
  public void close() throws InterruptedException {
    if (process == null || !process.isAlive()) return;
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) kill();
  }
}
