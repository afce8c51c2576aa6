package org.fedsim.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a key that has no effect given the other keys (dataset.partition.alpha with partition iid,
 * strategy.fedprox.mu with fedavg, ...), so that a mistake does not run silently as something else.
 *
 * <p>A key counts as set in a run when its value differs from reference.conf's default: a resolved.conf (every key
 * written out, defaults included) of a valid scenario therefore still loads. A sweep is judged as a whole: a key is
 * refused only when it is set in some run and has an effect in none of the runs where it is set (alpha next to a
 * sweep over partition = [iid, dirichlet] is legitimate: the dirichlet runs use it).
 */
final class IneffectiveKeys {
  /** {@code key} has an effect only when {@code governing} has one of {@code values} (written as in a scenario). */
  private record Condition(String governing, Set<String> values) {
    boolean holds(Config run) {
      return values.contains(value(run, governing));
    }

    String expected() {
      return String.join(" or ", values.stream().sorted().map(v -> "'" + v + "'").toList());
    }
  }

  /** A key with the conditions (all of them) under which it has an effect. */
  private record Rule(String key, List<Condition> conditions) {}

  /** reference.conf's scenario defaults: what a key is compared with to tell whether it is set. */
  private static final Config DEFAULTS =
      com.typesafe.config.ConfigFactory.defaultReference().getConfig(ScenarioLoader.DEFAULTS_PATH);

  private static final List<Rule> RULES = rules();

  private IneffectiveKeys() {}

  private static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    String p = "dataset.partition.";
    Condition partitioned = when(p + "type", "iid", "dirichlet", "quantity", "shards");
    rules.add(new Rule(p + "clients", List.of(partitioned)));
    rules.add(new Rule(p + "alpha", List.of(when(p + "type", "dirichlet"))));
    rules.add(new Rule(p + "exponent", List.of(when(p + "type", "quantity"))));
    rules.add(new Rule(p + "labels-per-client", List.of(when(p + "type", "shards"))));
    section(rules, "dataset.synthetic", when("dataset.type", "synthetic"));
    section(rules, "dataset.csv", when("dataset.type", "csv"));

    String s = "strategy.";
    for (String rule : List.of("fedavgm", "fedadagrad", "fedadam", "fedyogi", "trimmed-mean", "multi-krum", "bulyan",
        "fedprox")) {
      section(rules, s + rule, when(s + "name", rule));
    }
    rules.add(new Rule(s + "krum.f", List.of(when(s + "name", "krum", "multi-krum"))));

    String dp = "privacy.";
    Condition anyMode = when(dp + "mode", "local", "central", "dp-sgd");
    Condition local = when(dp + "mode", "local");
    Condition central = when(dp + "mode", "central");
    rules.add(new Rule(dp + "delta", List.of(anyMode)));
    rules.add(new Rule(dp + "clipping-norm", List.of(anyMode)));
    rules.add(new Rule(dp + "sensitivity", List.of(local)));
    rules.add(new Rule(dp + "calibration", List.of(local)));
    rules.add(new Rule(dp + "allow-sensitivity-mismatch", List.of(local)));
    rules.add(new Rule(dp + "noise-multiplier", List.of(when(dp + "mode", "central", "dp-sgd"))));
    String adaptive = dp + "adaptive-clipping.";
    rules.add(new Rule(adaptive + "enabled", List.of(central)));
    for (String k : List.of("target-quantile", "learning-rate", "count-noise")) {
      rules.add(new Rule(adaptive + k, List.of(central, when(adaptive + "enabled", "true"))));
    }

    rules.add(new Rule("model.momentum", List.of(when("model.optimizer", "nesterovs"))));
    rules.add(new Rule("timing.time-scale", List.of(when("timing.clock", "real"))));
    rules.add(new Rule("round-policy.staleness-weight", List.of(when("round-policy.late-updates", "fold"))));
    for (Rule r : rules) {
      if (!DEFAULTS.hasPath(r.key())) throw new IllegalStateException("no default for " + r.key());
    }
    return List.copyOf(rules);
  }

  private static Condition when(String governing, String... values) {
    return new Condition(governing, Set.of(values));
  }

  /** Every key of a section of reference.conf, under the same condition. */
  private static void section(List<Rule> rules, String path, Condition condition) {
    for (Map.Entry<String, ConfigValue> e : DEFAULTS.getConfig(path).entrySet()) {
      rules.add(new Rule(path + "." + e.getKey(), List.of(condition)));
    }
  }

  /**
   * Checks the runs of one scenario (one run, or every point of its sweep, each with the sweep's values applied).
   *
   * @throws ScenarioException naming every key that is set (differs from its default) in some run and has an effect
   *     in none of the runs where it is set: where it was written, and why it has no effect
   */
  static void check(List<Config> runs) {
    List<String> errors = new ArrayList<>();
    for (Rule rule : RULES) {
      ConfigValue fallback = DEFAULTS.getValue(rule.key());
      List<Config> setIn = runs.stream().filter(run -> !sameValue(run.getValue(rule.key()), fallback)).toList();
      if (setIn.isEmpty() || setIn.stream().anyMatch(run -> rule.conditions().stream().allMatch(c -> c.holds(run)))) {
        continue;
      }
      errors.add(message(rule, setIn, runs.size() > 1));
    }
    if (!errors.isEmpty()) throw new ScenarioException(String.join("\n", errors));
  }

  private static String message(Rule rule, List<Config> setIn, boolean sweep) {
    Config first = setIn.get(0);
    ConfigValue v = first.getValue(rule.key());
    // the first condition no run satisfies, else the first one the first run misses
    Condition failed = rule.conditions().stream().filter(c -> setIn.stream().noneMatch(c::holds)).findFirst()
        .orElseGet(() -> rule.conditions().stream().filter(c -> !c.holds(first)).findFirst().orElseThrow());
    Map<String, String> actual = new LinkedHashMap<>(); // value -> where it was written
    for (Config run : setIn) {
      actual.putIfAbsent(value(run, failed.governing()), ConfigReader.describe(run.getValue(failed.governing()).origin()));
    }
    List<String> has = new ArrayList<>();
    actual.forEach((value, where) -> has.add("'" + value + "' (" + where + ")"));
    return ConfigReader.describe(v.origin()) + ": key '" + rule.key() + "' = " + render(v) + " has no effect: "
        + rule.key() + " applies to " + failed.governing() + " " + failed.expected() + "; this scenario has "
        + failed.governing() + " " + String.join(" or ", has) + (sweep ? " in every run of the sweep that sets it" : "")
        + ". Remove it (or set it back to its default " + render(DEFAULTS.getValue(rule.key())) + "), or set "
        + failed.governing() + " = " + failed.values().stream().sorted().findFirst().orElseThrow();
  }

  /** A governing key's value as written in a scenario: enum names are case-insensitive, on/yes is true. */
  private static String value(Config run, String key) {
    String v = String.valueOf(run.getValue(key).unwrapped()).trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "on", "yes" -> "true";
      case "off", "no" -> "false";
      default -> v;
    };
  }

  /** Equal as values: 1 and 1.0 are the same number, objects and lists compare element by element. */
  static boolean sameValue(ConfigValue a, ConfigValue b) {
    if (a.valueType() == ConfigValueType.NUMBER && b.valueType() == ConfigValueType.NUMBER) {
      return ((Number) a.unwrapped()).doubleValue() == ((Number) b.unwrapped()).doubleValue();
    }
    if (a.valueType() == ConfigValueType.OBJECT && b.valueType() == ConfigValueType.OBJECT) {
      ConfigObject x = (ConfigObject) a;
      ConfigObject y = (ConfigObject) b;
      return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> sameValue(x.get(k), y.get(k)));
    }
    if (a.valueType() == ConfigValueType.LIST && b.valueType() == ConfigValueType.LIST) {
      List<ConfigValue> x = new ArrayList<>((com.typesafe.config.ConfigList) a);
      List<ConfigValue> y = new ArrayList<>((com.typesafe.config.ConfigList) b);
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) if (!sameValue(x.get(i), y.get(i))) return false;
      return true;
    }
    if (a.valueType() == ConfigValueType.BOOLEAN || b.valueType() == ConfigValueType.BOOLEAN) {
      Config pair = com.typesafe.config.ConfigFactory.empty().withValue("a", a).withValue("b", b);
      try {
        return pair.getBoolean("a") == pair.getBoolean("b"); // HOCON reads on/off and yes/no as booleans
      } catch (com.typesafe.config.ConfigException.WrongType e) {
        return false;
      }
    }
    return a.valueType() == b.valueType() && a.unwrapped().equals(b.unwrapped());
  }

  private static String render(ConfigValue v) {
    return v.render(ConfigRenderOptions.concise());
  }
}
