package org.fedsim.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One way to start the child JVM that runs fedsim: its JVM flags, how its environment differs from ours, and the
 * scenario overrides that make it what it is (e.g. {@code model.engine=dense}).
 *
 * @param envSet variables set in the child's environment
 * @param envRemove variables removed from the child's environment
 * @param scenarioSets scenario overrides (KEY=VALUE) applied after the bench's own and before the user's --set
 */
public record JvmConfig(String name, String description, List<String> jvmArgs, Map<String, String> envSet,
    List<String> envRemove, List<String> scenarioSets) {
  public static final String DENSE = "dense";
  public static final String TUNED = "dl4j-tuned";
  public static final String UNTUNED = "dl4j-untuned";
  /** The default selection, in the order they run. */
  public static final List<String> DEFAULT_NAMES = List.of(DENSE, TUNED, UNTUNED);

  private static final String ENGINE_KEY = "model.engine=";

  public JvmConfig {
    jvmArgs = List.copyOf(jvmArgs);
    envSet = Map.copyOf(envSet);
    envRemove = List.copyOf(envRemove);
    scenarioSets = List.copyOf(scenarioSets);
  }

  /** The flags and environment of {@link #tuned()}. */
  private static List<String> tunedFlags() {
    return List.of("-Xmx4g", "-XX:+UseParallelGC", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
  }

  /** The dense engine ({@code model.engine=dense}) under the tuned JVM settings. */
  public static JvmConfig dense() {
    return new JvmConfig(DENSE, "model.engine=dense; OMP_NUM_THREADS=1, maxPhysicalBytes=0, ParallelGC, "
        + "FJ parallelism 2, -Xmx4g", tunedFlags(), Map.of("OMP_NUM_THREADS", "1"), List.of(),
        List.of(ENGINE_KEY + "dense"));
  }

  /** The settings ../shared/docs/stack.md arrived at (and the ./fedsim launcher uses), with a fixed FJ pool of 2. */
  public static JvmConfig tuned() {
    return new JvmConfig(TUNED, "OMP_NUM_THREADS=1, maxPhysicalBytes=0, ParallelGC, FJ parallelism 2, -Xmx4g",
        tunedFlags(), Map.of("OMP_NUM_THREADS", "1"), List.of(), List.of(ENGINE_KEY + "dl4j"));
  }

  /** JVM and ND4J defaults: no tuning flag, OpenMP's own thread count, only the heap bounded. */
  public static JvmConfig untuned() {
    return new JvmConfig(UNTUNED, "no tuning flags, OMP_NUM_THREADS unset, -Xmx4g", List.of("-Xmx4g"), Map.of(),
        List.of("OMP_NUM_THREADS"), List.of(ENGINE_KEY + "dl4j"));
  }

  public static JvmConfig byName(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case DENSE -> dense();
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

  /**
   * The engine this configuration asks for: the last {@code model.engine=} among {@link #scenarioSets}, else
   * {@code dl4j} (the scenario default). A user's {@code --set model.engine=...} can still override it; the worker
   * reports the engine it really ran.
   */
  public String engine() {
    return engineIn(scenarioSets);
  }

  /** The last {@code model.engine=} among these overrides (quotes and case ignored), else {@code dl4j}. */
  public static String engineIn(List<String> sets) {
    String engine = "dl4j";
    for (String s : sets) {
      String t = s.replace(" ", "");
      if (t.startsWith(ENGINE_KEY)) {
        engine = t.substring(ENGINE_KEY.length()).replace("\"", "").toLowerCase(Locale.ROOT);
      }
    }
    return engine;
  }

  /** Applies {@link #envSet} and {@link #envRemove} to a child's environment (e.g. ProcessBuilder#environment). */
  public void applyTo(Map<String, String> env) {
    envRemove.forEach(env::remove);
    env.putAll(envSet);
  }
}
