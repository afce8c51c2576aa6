package org.fedsim.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One way to start the child JVM that runs fedsim: its JVM flags and how its environment differs from ours.
 *
 * @param envSet variables set in the child's environment
 * @param envRemove variables removed from the child's environment
 */
public record JvmConfig(String name, String description, List<String> jvmArgs, Map<String, String> envSet,
    List<String> envRemove) {
  public static final String TUNED = "dl4j-tuned";
  public static final String UNTUNED = "dl4j-untuned";
  /** The default selection, in the order they run. */
  public static final List<String> DEFAULT_NAMES = List.of(TUNED, UNTUNED);

  public JvmConfig {
    jvmArgs = List.copyOf(jvmArgs);
    envSet = Map.copyOf(envSet);
    envRemove = List.copyOf(envRemove);
  }

  /** The settings ../shared/docs/stack.md arrived at (and the ./fedsim launcher uses), with a fixed FJ pool of 2. */
  public static JvmConfig tuned() {
    return new JvmConfig(TUNED, "OMP_NUM_THREADS=1, maxPhysicalBytes=0, ParallelGC, FJ parallelism 2, -Xmx4g",
        List.of("-Xmx4g", "-XX:+UseParallelGC", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"),
        Map.of("OMP_NUM_THREADS", "1"), List.of());
  }

  /** JVM and ND4J defaults: no tuning flag, OpenMP's own thread count, only the heap bounded. */
  public static JvmConfig untuned() {
    return new JvmConfig(UNTUNED, "no tuning flags, OMP_NUM_THREADS unset, -Xmx4g", List.of("-Xmx4g"), Map.of(),
        List.of("OMP_NUM_THREADS"));
  }

  public static JvmConfig byName(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case TUNED -> tuned();
      case UNTUNED -> untuned();
      default -> throw new IllegalArgumentException(
          "unknown bench config '" + name.trim() + "' (--configs): choose from " + String.join(", ", DEFAULT_NAMES));
    };
  }

  /** Names (each may itself be a comma-separated list) to configs, in order, duplicates dropped. */
  public static List<JvmConfig> parse(List<String> names) {
    Map<String, JvmConfig> out = new LinkedHashMap<>();
    for (String entry : names) {
      for (String n : entry.split(",")) {
        if (n.isBlank()) continue;
        JvmConfig c = byName(n);
        out.putIfAbsent(c.name(), c);
      }
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--configs: name at least one of " + DEFAULT_NAMES);
    return new ArrayList<>(out.values());
  }

  /** Applies {@link #envSet} and {@link #envRemove} to a child's environment (e.g. ProcessBuilder#environment). */
  public void applyTo(Map<String, String> env) {
    envRemove.forEach(env::remove);
    env.putAll(envSet);
  }
}
