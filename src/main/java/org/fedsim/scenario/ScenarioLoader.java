package org.fedsim.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedsim.data.CsvDatasetSettings;
import org.fedsim.data.MissingValues;
import org.fedsim.data.PartitionSettings;
import org.fedsim.data.PreprocessSettings;
import org.fedsim.data.Scaling;
import org.fedsim.data.SyntheticCohortSettings;
import org.fedsim.model.Engine;
import org.fedsim.model.ModelFactory;
import org.fedsim.model.ModelSettings;
import org.fedsim.model.Unsupported;
import org.fedsim.aggregation.DpFedAvg;
import org.fedsim.aggregation.StrategySettings;
import org.fedsim.aggregation.Weighting;
import org.fedsim.hospital.Attack;
import org.fedsim.privacy.Calibration;
import org.fedsim.server.RoundPolicy;
import org.fedsim.timing.ClockSettings;
import org.fedsim.timing.ScriptedEvent;
import org.fedsim.timing.SiteProfile;

/**
 * Reads a scenario file (HOCON, deltas only) over the defaults in {@code reference.conf} ({@code fedsim.scenario}),
 * applies {@code --set key=value} and {@code --seed} overrides, validates every key (an unknown key is an error
 * naming the nearest valid one), expands the sweep and maps each run into immutable settings records.
 */
public final class ScenarioLoader {
  static final String DEFAULTS_PATH = "fedsim.scenario";
  private static final String SWEEP = "sweep";

  private ScenarioLoader() {}

  /** A loaded scenario file: its name, the fully resolved config (to write as resolved.conf) and its runs. */
  public record Loaded(String name, Config resolved, List<RunSpec> runs) {
    /** The resolved scenario as HOCON text, defaults and overrides included. */
    public String render() {
      return resolved.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
          .setJson(false).setFormatted(true));
    }
  }

  public static Loaded load(Path file, List<String> sets, Long seedOverride) {
    if (Files.isDirectory(file)) {
      throw new ScenarioException("scenario " + file + " is a directory: expected a scenario file (HOCON), e.g. "
          + "scenarios/seed-mimic.conf");
    }
    if (!Files.isRegularFile(file)) throw new ScenarioException("scenario file not found: " + file);
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new StrictIncluder(new java.util.ArrayDeque<>(), null)));
    } catch (ConfigException e) {
      throw new ScenarioException("cannot parse scenario " + file + ": " + e.getMessage(), e);
    } catch (ScenarioException e) {
      throw new ScenarioException("scenario " + file + ": " + e.getMessage(), e);
    }
    String defaultName = file.getFileName().toString().replaceFirst("\\.conf$", "");
    return fromConfig(user, sets, seedOverride, defaultName);
  }

  /**
   * HOCON's includer, except that {@code include "x.conf"} of a missing file is an error (HOCON skips it, and the
   * scenario would silently run on defaults). {@code chain}: the includes being parsed, innermost first.
   */
  private record StrictIncluder(java.util.Deque<String> chain, ConfigIncluder fallback) implements ConfigIncluder {
    @Override
    public ConfigIncluder withFallback(ConfigIncluder next) {
      return new StrictIncluder(chain, fallback == null ? next : fallback.withFallback(next));
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      String in = chain.isEmpty() ? "" : " in \"" + chain.peek() + "\"";
      chain.push(what);
      try {
        return fallback.include(context.setParseOptions(context.parseOptions().setAllowMissing(false)), what);
      } catch (ConfigException.IO e) { // HOCON's own message names the classpath, its last place to look
        throw new ScenarioException("include \"" + what + "\"" + in + ": file not found (an include is relative to "
            + "the directory of the file that includes it)", e);
      } finally {
        chain.pop();
      }
    }
  }

  /** The same from an already parsed config (tests, resolved.conf). */
  public static Loaded fromConfig(Config user, List<String> sets, Long seedOverride, String defaultName) {
    Config defaults = ConfigFactory.defaultReference().getConfig(DEFAULTS_PATH);
    for (String set : sets) user = parseSet(set).withFallback(user); // a later --set wins over an earlier one
    if (seedOverride != null) {
      user = user.withValue("seed", ConfigValueFactory.fromAnyRef(seedOverride, "--seed " + seedOverride));
      user = user.withoutPath(SWEEP + ".seed");
    }
    KeyValidator.check(user, defaults, SWEEP);
    Config full;
    try {
      full = user.withFallback(defaults).resolve();
    } catch (ConfigException e) {
      throw new ScenarioException(e.getMessage(), e);
    }
    ConfigReader names = new ConfigReader(full);
    String written = names.string("name");
    if (!written.isBlank() && !written.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      // it names the results directory: a path in it would put the results elsewhere
      throw names.error("name", "a name of letters, digits, '.', '_' and '-' (it names the results directory), "
          + "got '" + written + "'");
    }
    String name = written.isBlank() ? defaultName : written;
    full = full.withValue("name", ConfigValueFactory.fromAnyRef(name));
    full = absoluteCsvPath(full);
    List<RunSpec> runs = expand(full);
    return new Loaded(name, full, runs);
  }

  /**
   * A relative dataset.csv.path is relative to the scenario file it was written in; pin it to an absolute path so
   * that the resolved config (resolved.conf, written elsewhere) still points at the same file when reloaded.
   */
  private static Config absoluteCsvPath(Config full) {
    String key = "dataset.csv.path";
    ConfigReader r = new ConfigReader(full);
    if (!full.hasPath(key) || !r.isString(key) || r.string(key).isBlank()) return full;
    ConfigValue abs = ConfigValueFactory.fromAnyRef(r.path(key).toAbsolutePath().normalize().toString())
        .withOrigin(full.getValue(key).origin());
    return full.withValue(key, abs);
  }

  private static Config parseSet(String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) throw new ScenarioException("--set expects key=value, got '" + set + "'");
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    try {
      return ConfigFactory.parseString(key + " = " + (value.isEmpty() ? "\"\"" : value),
          ConfigParseOptions.defaults().setOriginDescription("--set " + set));
    } catch (ConfigException e) {
      throw new ScenarioException("--set " + set + ": cannot parse the value: " + e.getMessage(), e);
    }
  }

  // ---- sweep ----

  private static List<RunSpec> expand(Config full) {
    Map<String, ConfigList> axes = new TreeMap<>();
    ConfigObject sweep = full.getObject(SWEEP);
    collectAxes(sweep, "", axes);
    Config base = full.withoutPath(SWEEP);
    List<RunSpec> runs = new ArrayList<>();
    if (axes.isEmpty()) {
      Scenario scenario = toScenario(base); // validates the seed before the label shows it
      IneffectiveKeys.check(List.of(base));
      runs.add(new RunSpec("seed=" + scenario.seed(), scenario, concise(base)));
      return runs;
    }
    List<String> keys = new ArrayList<>(axes.keySet());
    int[] idx = new int[keys.size()];
    List<Config> points = new ArrayList<>();
    while (true) {
      Config cfg = base;
      List<String> label = new ArrayList<>();
      for (int a = 0; a < keys.size(); a++) {
        ConfigValue v = axes.get(keys.get(a)).get(idx[a]);
        cfg = cfg.withValue(keys.get(a), v);
        label.add(shortKey(keys.get(a), keys) + "=" + labelValue(v));
      }
      runs.add(new RunSpec(String.join(",", label), toScenario(cfg), concise(cfg)));
      points.add(cfg);
      int a = keys.size() - 1;
      while (a >= 0 && ++idx[a] == axes.get(keys.get(a)).size()) idx[a--] = 0;
      if (a < 0) {
        IneffectiveKeys.check(points); // the sweep as a whole: a key any of its runs uses is not refused
        return runs;
      }
    }
  }

  private static String concise(Config cfg) {
    return cfg.root().render(ConfigRenderOptions.concise());
  }

  /**
   * A run's settings from its HOCON text ({@link RunSpec#hocon()}), as a hospital node receives them; {@code
   * csvPath}, when not null, replaces {@code dataset.csv.path} (each node reads its own copy of the data).
   */
  public static Scenario scenarioOf(String hocon, String csvPath) {
    Config cfg;
    try {
      cfg = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("the server's scenario"));
    } catch (ConfigException e) {
      throw new ScenarioException("cannot parse the scenario sent by the server: " + e.getMessage(), e);
    }
    if (csvPath != null) cfg = cfg.withValue("dataset.csv.path", ConfigValueFactory.fromAnyRef(csvPath, "--data"));
    return toScenario(cfg);
  }

  private static void collectAxes(ConfigObject obj, String prefix, Map<String, ConfigList> axes) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = prefix.isEmpty() ? ConfigUtil.joinPath(e.getKey()) : prefix + "." + ConfigUtil.joinPath(e.getKey());
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT) {
        collectAxes((ConfigObject) v, path, axes);
      } else if (v.valueType() == ConfigValueType.LIST && !((ConfigList) v).isEmpty()) {
        axes.put(path, (ConfigList) v);
      } else {
        throw new ScenarioException(ConfigReader.describe(v.origin()) + ": key 'sweep." + path
            + "': expected a non-empty list of values to sweep over, got " + v.render());
      }
    }
  }

  /** A value as it appears in a run label: lists as {@code [4;2]}, so commas only separate axes. */
  private static String labelValue(ConfigValue v) {
    if (v.valueType() != ConfigValueType.LIST) return String.valueOf(v.unwrapped());
    List<String> parts = new ArrayList<>();
    for (ConfigValue e : (ConfigList) v) parts.add(labelValue(e));
    return "[" + String.join(";", parts) + "]";
  }

  /** The last path element, unless two axes share it. */
  private static String shortKey(String key, List<String> all) {
    String last = key.substring(key.lastIndexOf('.') + 1);
    long same = all.stream().filter(k -> k.substring(k.lastIndexOf('.') + 1).equals(last)).count();
    return same > 1 ? key : last;
  }

  // ---- mapping ----

  static Scenario toScenario(Config cfg) {
    ConfigReader r = new ConfigReader(cfg);
    long seed = r.longValue("seed");
    int rounds = r.intAtLeast("rounds", 1);
    long dataSeed = r.longValue("dataset.seed");
    ModelSettings model = new ModelSettings(
        r.intList("model.hidden-layers", 1),
        r.enumValue("model.activation", ModelSettings.HiddenActivation.class),
        r.enumValue("model.loss", ModelSettings.Loss.class),
        r.enumValue("model.optimizer", ModelSettings.Optimizer.class),
        r.doubleIn("model.learning-rate", 0, false, 10, true),
        r.intAtLeast("model.batch-size", 1),
        r.intAtLeast("model.local-epochs", 1),
        r.doubleIn("model.momentum", 0, true, 1, false),
        r.intAtLeast("model.local-steps", 0));
    Engine engine = r.enumValue("model.engine", Engine.class);
    ModelFactory.unsupported(engine, model).ifPresent(u -> {
      throw refusal(r, engine, u);
    });
    PrivacySettings privacy = privacy(r);
    StrategySettings strategy = strategy(r);
    if (model.localSteps() > 0 && privacy.dpSgd()) {
      throw new ScenarioException(r.where("model.local-steps") + ": model.local-steps = " + model.localSteps()
          + " cannot be combined with privacy.mode = dp-sgd (" + r.where("privacy.mode") + "), whose accountant "
          + "counts epochs: set model.local-steps = 0");
    }
    if (privacy.dpSgd() && engine != Engine.DENSE) {
      throw new ScenarioException(r.where("privacy.mode") + ": privacy.mode = dp-sgd (per-example clipping inside "
          + "local training) is only implemented by the dense engine, but model.engine = " + ConfigReader.key(engine)
          + " (" + r.where("model.engine") + "). Set model.engine = dense, or another privacy.mode");
    }
    return checkCombinations(r, new Scenario(
        r.string("name"),
        seed,
        rounds,
        dataset(r, dataSeed),
        partition(r, dataSeed),
        new PreprocessSettings(
            r.bool("preprocessing.balance"),
            r.enumValue("preprocessing.scaling", Scaling.class),
            r.doubleIn("preprocessing.validation-fraction", 0, false, 1, false),
            dataSeed),
        model,
        engine,
        strategy,
        r.doubleIn("selection.fraction", 0, false, 1, true),
        r.intAtLeast("selection.min-participants", 1),
        r.positiveDuration("timing.round-timeout"),
        r.positiveDuration("timing.evaluation-timeout"),
        privacy,
        timing(r),
        policy(r),
        events(r),
        attacks(r),
        baselines(r),
        r.enumValue("baseline-evaluation", Baselines.Scoring.class)));
  }

  /** Settings that are each valid but cannot go together. */
  private static Scenario checkCombinations(ConfigReader r, Scenario s) {
    if (s.privacy().mode() == PrivacySettings.Mode.CENTRAL && s.strategy().name() != StrategySettings.Name.FEDAVG) {
      throw new ScenarioException(r.where("strategy.name") + ": key 'strategy.name': privacy.mode = central "
          + "aggregates with DP-FedAvg (clipped, noised mean), so it cannot run strategy.name = "
          + s.strategy().name().key() + "; use strategy.name = fedavg or another privacy.mode");
    }
    if (s.privacy().mode() == PrivacySettings.Mode.CENTRAL && !s.weightByExamples()) {
      throw new ScenarioException(r.where("strategy.weighting") + ": key 'strategy.weighting': privacy.mode = "
          + "central divides the clipped sum by the expected participants and ignores weights; use examples");
    }
    if (s.privacy().mode() == PrivacySettings.Mode.CENTRAL) {
      if (s.policy().lateUpdates() == RoundPolicy.LateUpdates.FOLD) {
        throw new ScenarioException(r.where("round-policy.late-updates") + ": key 'round-policy.late-updates': fold "
            + "is not accounted under privacy.mode = central (a site could move a round by 2C); use discard");
      }
      if (s.policy().overSelection() > 1) {
        throw new ScenarioException(r.where("round-policy.over-selection") + ": key 'round-policy.over-selection' > 1 "
            + "is not accounted under privacy.mode = central (the sampling rate would be higher than accounted)");
      }
    }
    return s;
  }

  private static final java.util.Set<String> EVENT_KEYS = java.util.Set.of("round", "site", "action", "rounds", "factor");

  private static EventsSettings events(ConfigReader r) {
    List<ScriptedEvent> events = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    List<? extends com.typesafe.config.ConfigObject> list;
    try {
      list = r.config().getObjectList("events");
    } catch (ConfigException e) {
      throw r.error("events", "a list of { round = R, site = NAME, action = crash | recover | offline | slow-down | "
          + "join | leave }");
    }
    for (com.typesafe.config.ConfigObject o : list) {
      String where = ConfigReader.describe(o.origin());
      for (String k : o.keySet()) {
        if (!EVENT_KEYS.contains(k)) {
          throw new ScenarioException(where + ": unknown key '" + k + "' in an event"
              + KeyValidator.suggestion(k, new java.util.TreeSet<>(EVENT_KEYS)));
        }
      }
      ConfigReader e = new ConfigReader(o.toConfig());
      for (String required : List.of("round", "site", "action")) {
        if (!o.containsKey(required)) throw new ScenarioException(where + ": an event needs '" + required + "'");
      }
      ScriptedEvent.Action action = e.enumValue("action", ScriptedEvent.Action.class);
      int rounds = action == ScriptedEvent.Action.OFFLINE ? e.intAtLeast("rounds", 1) : 0;
      double factor = action == ScriptedEvent.Action.SLOW_DOWN ? e.doubleIn("factor", 0, false, 1e6, true) : 1;
      events.add(new ScriptedEvent(e.intAtLeast("round", 1), e.string("site"), action, rounds, factor));
      origins.add(where);
    }
    return new EventsSettings(events, origins);
  }

  private static TimingSettings timing(ConfigReader r) {
    ClockSettings clock = new ClockSettings(r.enumValue("timing.clock", ClockSettings.Mode.class),
        r.doubleIn("timing.time-scale", 0, false, 1e6, true));
    SiteProfile defaults = profile(r, null);
    Map<String, SiteProfile> sites = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : r.config().getObject("timing.sites").entrySet()) {
      sites.put(e.getKey(), profile(r, e.getKey()));
      origins.put(e.getKey(), ConfigReader.describe(e.getValue().origin()));
    }
    return new TimingSettings(clock, defaults, sites, origins);
  }

  /** A site's profile: its own keys under timing.sites.NAME, the rest from timing.profile (site null: defaults). */
  private static SiteProfile profile(ConfigReader r, String site) {
    java.util.function.Function<String, String> key = k -> {
      String own = site == null ? null : ConfigUtil.joinPath("timing", "sites", site, k);
      return own != null && r.config().hasPath(own) ? own : "timing.profile." + k;
    };
    double max = Double.MAX_VALUE;
    return new SiteProfile(
        r.doubleIn(key.apply("ms-per-sample"), 0, true, max, true),
        r.doubleIn(key.apply("speed-spread"), 0, true, 10, true),
        r.doubleIn(key.apply("slowdown"), 0, false, max, true),
        r.doubleIn(key.apply("latency-ms"), 0, true, max, true),
        r.doubleIn(key.apply("bandwidth-mbps"), 0, false, max, true),
        r.doubleIn(key.apply("jitter"), 0, true, 10, true),
        r.doubleIn(key.apply("availability"), 0, true, 1, true),
        r.doubleIn(key.apply("crash-probability"), 0, true, 1, true));
  }

  private static RoundPolicy policy(ConfigReader r) {
    String raw = r.string("round-policy.deadline").trim();
    RoundPolicy.DeadlineKind kind;
    double value = 0;
    if (raw.equalsIgnoreCase("none")) {
      kind = RoundPolicy.DeadlineKind.NONE;
    } else if (raw.matches("(?i)p\\d+(\\.\\d+)?")) {
      kind = RoundPolicy.DeadlineKind.PERCENTILE;
      value = Double.parseDouble(raw.substring(1));
      if (!(value > 0 && value <= 100)) throw r.error("round-policy.deadline", "a percentile p1 ... p100");
    } else {
      kind = RoundPolicy.DeadlineKind.ABSOLUTE;
      if (raw.matches("[0-9.eE+-]+")) {
        throw r.error("round-policy.deadline", "none, a simulated duration with its unit such as 30s (a bare number "
            + "would be milliseconds), or a percentile such as p80");
      }
      try {
        value = r.positiveDuration("round-policy.deadline").toNanos() / 1e6;
      } catch (ScenarioException e) {
        throw r.error("round-policy.deadline", "none, a simulated duration such as 30s, or a percentile such as p80");
      }
    }
    return new RoundPolicy(kind, value,
        r.intAtLeast("round-policy.quorum", 1),
        r.doubleIn("round-policy.over-selection", 1, true, 100, true),
        r.enumValue("round-policy.late-updates", RoundPolicy.LateUpdates.class),
        r.doubleIn("round-policy.staleness-weight", 0, true, 1, true),
        r.enumValue("round-policy.quorum-missed", RoundPolicy.QuorumMissed.class));
  }

  /**
   * An engine refusing an option: names where the option was written and its key, what is unsupported, where the
   * engine was chosen, and the way out.
   */
  static ScenarioException refusal(ConfigReader r, Engine engine, Unsupported u) {
    String engineKey = "model.engine";
    return new ScenarioException(r.where(u.key()) + ": key '" + u.key() + "': " + u.what()
        + " is not supported by the " + ConfigReader.key(engine) + " engine (" + engineKey + " = "
        + ConfigReader.key(engine) + ", " + r.where(engineKey) + "); it would not compute what DL4J computes. "
        + "Use " + engineKey + " = " + ConfigReader.key(Engine.DL4J) + ", or another " + u.key());
  }

  /**
   * strategy.*: the rule, its weighting and the parameters of the chosen rule only (another rule's section is not
   * read), built once here so that a bad combination fails at load naming its key.
   */
  private static StrategySettings strategy(ConfigReader r) {
    StrategySettings.Name name = r.enumValue("strategy.name", StrategySettings.Name.class);
    Weighting weighting = r.enumValue("strategy.weighting", Weighting.class);
    if (!name.weighted() && weighting != Weighting.EXAMPLES) {
      throw new ScenarioException(r.where("strategy.weighting") + ": key 'strategy.weighting' = "
          + ConfigReader.key(weighting) + " has no effect with strategy.name = " + name.key() + " ("
          + r.where("strategy.name") + "): robust rules weigh every update alike. Remove it, or use a weighted "
          + "strategy (fedavg, fedprox, fedavgm, fedadagrad, fedadam, fedyogi)");
    }
    double momentum = 0;
    double serverRate = 1;
    double eta = 0;
    double beta1 = 0;
    double beta2 = 0;
    double tau = 0;
    double trim = 0;
    int f = 0;
    int m = 1;
    double mu = 0;
    String section = "strategy." + name.key();
    switch (name) {
      case FEDAVGM -> {
        momentum = r.doubleIn("strategy.fedavgm.momentum", 0, true, 1, false);
        serverRate = r.doubleIn("strategy.fedavgm.server-learning-rate", 0, false, 1e6, true);
      }
      case FEDADAGRAD, FEDADAM, FEDYOGI -> {
        eta = r.doubleIn(section + ".eta", 0, false, 1e6, true);
        beta1 = r.doubleIn(section + ".beta1", 0, true, 1, false);
        beta2 = name == StrategySettings.Name.FEDADAGRAD ? 0 : r.doubleIn(section + ".beta2", 0, true, 1, false);
        tau = r.doubleIn(section + ".tau", 0, false, 1e6, true);
      }
      case TRIMMED_MEAN -> trim = r.doubleIn("strategy.trimmed-mean.beta", 0, true, 0.5, false);
      case KRUM -> f = r.intAtLeast("strategy.krum.f", 0);
      case MULTI_KRUM -> {
        f = r.intAtLeast("strategy.krum.f", 0);
        m = r.intAtLeast("strategy.multi-krum.m", 1);
      }
      case BULYAN -> f = r.intAtLeast("strategy.bulyan.f", 0);
      case FEDPROX -> mu = r.doubleIn("strategy.fedprox.mu", 0, true, 1e6, true);
      case FEDAVG, MEDIAN -> { }
    }
    double maxNorm = Double.POSITIVE_INFINITY;
    String normKey = "strategy.validation.max-norm";
    if (!(r.isString(normKey) && r.string(normKey).trim().equalsIgnoreCase("none"))) {
      maxNorm = r.doubleIn(normKey, 0, false, Double.MAX_VALUE, true);
    }
    StrategySettings settings = new StrategySettings(name, weighting, momentum, serverRate, eta, beta1, beta2, tau,
        trim, f, m, mu, maxNorm);
    try {
      settings.create();
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(r.where("strategy.name") + ": " + e.getMessage(), e);
    }
    return settings;
  }

  private static final java.util.Set<String> ATTACK_KEYS =
      java.util.Set.of("site", "from-round", "behaviour", "scale", "std");

  /** attacks: a list of { site, from-round, behaviour, scale (sign-flip, scale), std (gaussian) }. */
  private static AttackSettings attacks(ConfigReader r) {
    List<? extends ConfigObject> list;
    try {
      list = r.config().getObjectList("attacks");
    } catch (ConfigException e) {
      throw r.error("attacks", "a list of { site = NAME, from-round = R, behaviour = sign-flip | scale | gaussian | "
          + "nan | label-flip | free-ride | replay }");
    }
    List<Attack> attacks = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    for (ConfigObject o : list) {
      String where = ConfigReader.describe(o.origin());
      for (String k : o.keySet()) {
        if (!ATTACK_KEYS.contains(k)) {
          throw new ScenarioException(where + ": unknown key '" + k + "' in an attack"
              + KeyValidator.suggestion(k, new java.util.TreeSet<>(ATTACK_KEYS)));
        }
      }
      for (String required : List.of("site", "from-round", "behaviour")) {
        if (!o.containsKey(required)) throw new ScenarioException(where + ": an attack needs '" + required + "'");
      }
      ConfigReader a = new ConfigReader(o.toConfig());
      Attack.Behaviour behaviour = a.enumValue("behaviour", Attack.Behaviour.class);
      boolean scaled = behaviour == Attack.Behaviour.SIGN_FLIP || behaviour == Attack.Behaviour.SCALE;
      if (o.containsKey("scale") && !scaled) {
        throw new ScenarioException(where + ": key 'scale' has no effect on behaviour = " + behaviour.key()
            + " (only sign-flip and scale take it)");
      }
      if (o.containsKey("std") && behaviour != Attack.Behaviour.GAUSSIAN) {
        throw new ScenarioException(where + ": key 'std' has no effect on behaviour = " + behaviour.key()
            + " (only gaussian takes it)");
      }
      if (behaviour == Attack.Behaviour.SCALE && !o.containsKey("scale")) {
        throw new ScenarioException(where + ": behaviour = scale needs 'scale' (the factor k on the update)");
      }
      double scale = o.containsKey("scale") ? a.doubleIn("scale", 0, false, 1e12, true) : 1.0;
      double std = o.containsKey("std") ? a.doubleIn("std", 0, true, 1e12, true) : 1.0;
      attacks.add(new Attack(a.string("site"), a.intAtLeast("from-round", 1), behaviour, scale, std));
      origins.add(where);
    }
    return new AttackSettings(attacks, origins);
  }

  private enum DatasetType { SYNTHETIC, CSV }

  private static DatasetSpec dataset(ConfigReader r, long dataSeed) {
    if (r.enumValue("dataset.type", DatasetType.class) == DatasetType.SYNTHETIC) {
      return new DatasetSpec.Synthetic(new SyntheticCohortSettings(
          r.intAtLeast("dataset.synthetic.patients", 20),
          r.doubleIn("dataset.synthetic.mortality", 0, false, 1, false),
          r.doubleIn("dataset.synthetic.site-shift", 0, true, 10, true),
          dataSeed));
    }
    if (r.string("dataset.csv.path").isBlank()) {
      throw r.error("dataset.csv.path", "the path of a CSV file when dataset.type = csv");
    }
    List<String> features = r.stringList("dataset.csv.features");
    if (features.isEmpty()) throw r.error("dataset.csv.features", "a non-empty list of feature column names");
    String label = r.string("dataset.csv.label");
    String site = r.string("dataset.csv.site");
    String key = "dataset.csv.features";
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String feature : features) {
      if (!seen.add(feature)) {
        throw new ScenarioException(r.where(key) + ": key '" + key + "': expected distinct column names, got '"
            + feature + "' twice in " + features);
      }
      if (feature.equals(label) || feature.equals(site)) {
        String role = feature.equals(label) ? "label" : "site";
        throw new ScenarioException(r.where(key) + ": key '" + key + "': '" + feature + "' is the " + role
            + " column (dataset.csv." + role + ", " + r.where("dataset.csv." + role) + "), not a feature: "
            + (role.equals("label") ? "the model would be given the answer it is asked to predict"
                : "the model would be given the hospital's name") + ". Expected feature columns other than "
            + "dataset.csv.label and dataset.csv.site");
      }
    }
    return new DatasetSpec.Csv(new CsvDatasetSettings(
        r.path("dataset.csv.path"), features, label, site,
        r.enumValue("dataset.csv.missing", MissingValues.class)));
  }

  private static List<Baselines.Method> baselines(ConfigReader r) {
    List<Baselines.Method> out = new ArrayList<>();
    for (String v : r.stringList("baselines")) {
      Baselines.Method m = null;
      for (Baselines.Method candidate : Baselines.Method.values()) {
        if (ConfigReader.key(candidate).equals(v.trim().toLowerCase(java.util.Locale.ROOT))) m = candidate;
      }
      if (m == null) throw r.error("baselines", "a list of local | federated | centralized");
      if (!out.contains(m)) out.add(m);
    }
    return List.copyOf(out);
  }

  private static PartitionSettings partition(ConfigReader r, long dataSeed) {
    String p = "dataset.partition.";
    PartitionSettings.Type type = r.enumValue(p + "type", PartitionSettings.Type.class);
    int clients = r.intAtLeast(p + "clients", PartitionSettings.MIN_CLIENTS);
    if (clients > PartitionSettings.MAX_CLIENTS) {
      throw r.error(p + "clients", "an integer in [" + PartitionSettings.MIN_CLIENTS + ", "
          + PartitionSettings.MAX_CLIENTS + "]");
    }
    double alpha = r.doubleIn(p + "alpha", 0, false, 1e6, true);
    double exponent = r.doubleIn(p + "exponent", 0, true, 10, true);
    int labels = r.intAtLeast(p + "labels-per-client", 1);
    List<String> external = r.stringList("dataset.external-sites");
    if (new java.util.HashSet<>(external).size() != external.size()) {
      throw r.error("dataset.external-sites", "a list of distinct site names");
    }
    return new PartitionSettings(type, clients, alpha, exponent, labels, external, dataSeed);
  }

  private static PrivacySettings privacy(ConfigReader r) {
    PrivacySettings.Mode mode = r.enumValue("privacy.mode", PrivacySettings.Mode.class);
    if (mode != PrivacySettings.Mode.LOCAL && !r.string("privacy.epsilon").trim().equalsIgnoreCase("none")) {
      throw new ScenarioException(r.where("privacy.epsilon") + ": key 'privacy.epsilon' (a per-round budget) has no "
          + "effect while privacy.mode = " + ConfigReader.key(mode) + ": set privacy.mode = local (or epsilon = none)");
    }
    if (mode == PrivacySettings.Mode.LOCAL && r.isDefault("privacy.epsilon")) {
      // epsilon = none (local mode off) is a deliberate value, e.g. a sweep's non-private point, only when written
      throw new ScenarioException(r.where("privacy.mode") + ": key 'privacy.epsilon' is required with privacy.mode "
          + "= local: expected a per-round epsilon > 0 (e.g. privacy.epsilon = 1), or privacy.epsilon = none written "
          + "out to run the local mechanism switched off; without it the run would have no privacy");
    }
    if (mode == PrivacySettings.Mode.NONE) {
      if (!Double.isNaN(targetEpsilon(r))) {
        throw new ScenarioException(r.where("privacy.target-epsilon") + ": key 'privacy.target-epsilon' has no effect "
            + "while privacy.mode = none (nothing spends epsilon): set privacy.mode = local, central or dp-sgd (or "
            + "target-epsilon = none)");
      }
      return PrivacySettings.none();
    }
    double delta = r.doubleIn("privacy.delta", 0, false, 1, false);
    double clip = r.doubleIn("privacy.clipping-norm", 0, false, Double.MAX_VALUE, true);
    double sensitivity = r.isString("privacy.sensitivity")
        && r.string("privacy.sensitivity").trim().equals("clipping-norm")
        ? clip : r.doubleIn("privacy.sensitivity", 0, false, Double.MAX_VALUE, true);
    Calibration calibration = r.enumValue("privacy.calibration", Calibration.class);
    if (mode == PrivacySettings.Mode.DP_SGD) {
      double z = r.doubleIn("privacy.noise-multiplier", 0, true, 1e6, true);
      return new PrivacySettings(mode, Double.NaN, delta, clip, clip, calibration, z, null, targetEpsilon(r));
    }
    if (mode == PrivacySettings.Mode.CENTRAL) {
      double z = r.doubleIn("privacy.noise-multiplier", 0, true, 1e6, true);
      DpFedAvg.Adaptive adaptive = null;
      if (r.bool("privacy.adaptive-clipping.enabled")) {
        double countNoise = r.doubleIn("privacy.adaptive-clipping.count-noise", 0, true, 1e6, true);
        adaptive = new DpFedAvg.Adaptive(
            r.doubleIn("privacy.adaptive-clipping.target-quantile", 0, false, 1, false),
            r.doubleIn("privacy.adaptive-clipping.learning-rate", 0, false, 100, true),
            countNoise);
      }
      return new PrivacySettings(mode, Double.NaN, delta, clip, clip, calibration, z, adaptive, targetEpsilon(r));
    }
    if (sensitivity != clip && !r.bool("privacy.allow-sensitivity-mismatch")) {
      throw new ScenarioException(r.where("privacy.sensitivity") + ": key 'privacy.sensitivity' (" + sensitivity
          + ") differs from privacy.clipping-norm (" + clip + "): the noise would not match the bound on an update. "
          + "Set them equal, or privacy.allow-sensitivity-mismatch = true if you mean it (as Flower's LocalDpMod allows)");
    }
    if (r.isString("privacy.epsilon")) {
      if (r.string("privacy.epsilon").trim().equalsIgnoreCase("none")) return PrivacySettings.none();
      throw r.error("privacy.epsilon", "a number > 0, or none to switch the mechanism off");
    }
    double epsilon = r.doubleIn("privacy.epsilon", 0, false, Double.MAX_VALUE, true);
    return new PrivacySettings(mode, epsilon, delta, clip, sensitivity, calibration).withTarget(targetEpsilon(r));
  }

  private static double targetEpsilon(ConfigReader r) {
    if (r.isString("privacy.target-epsilon") && r.string("privacy.target-epsilon").trim().equalsIgnoreCase("none")) {
      return Double.NaN;
    }
    return r.doubleIn("privacy.target-epsilon", 0, false, Double.MAX_VALUE, true);
  }
}
