package org.fedsim.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Typed, range-checked reads from a resolved scenario Config. Every error names where the value came from
 * (file:line, or the --set flag) and the key, and says what was expected.
 */
final class ConfigReader {
  private final Config config;

  ConfigReader(Config config) {
    this.config = config;
  }

  Config config() {
    return config;
  }

  /** "scenarios/x.conf:12" or "--set rounds=0": where the value at {@code path} was written. */
  String where(String path) {
    if (!config.hasPathOrNull(path)) return "scenario";
    return describe(config.getValue(path).origin());
  }

  static String describe(ConfigOrigin origin) {
    if (isReference(origin)) return "reference.conf (default)";
    if (origin.filename() != null) {
      return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return origin.description().replaceFirst(": \\d+$", "");
  }

  ScenarioException error(String path, String expected) {
    String got = config.hasPathOrNull(path) ? " got " + config.getValue(path).render(ConfigRenderOptions.defaults()
        .setOriginComments(false).setComments(false).setFormatted(false).setJson(false)) : "";
    return new ScenarioException(where(path) + ": key '" + path + "': expected " + expected + "," + got);
  }

  private <T> T read(String path, java.util.function.Supplier<T> getter, String expected) {
    try {
      return getter.get();
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw error(path, expected);
    } catch (ConfigException.Missing e) {
      throw new ScenarioException("scenario: key '" + path + "' is missing: expected " + expected);
    }
  }

  String string(String path) {
    return read(path, () -> config.getString(path), "a string");
  }

  boolean bool(String path) {
    return read(path, () -> config.getBoolean(path), "true or false");
  }

  long longValue(String path) {
    String expected = "an integer";
    checkIntegral(path, read(path, () -> config.getNumber(path), expected), expected);
    return read(path, () -> config.getLong(path), expected);
  }

  int intAtLeast(String path, int min) {
    String expected = "an integer >= " + min;
    checkIntegral(path, read(path, () -> config.getNumber(path), expected), expected);
    int v = read(path, () -> config.getInt(path), expected);
    if (v < min) throw error(path, expected);
    return v;
  }

  /** HOCON's getInt/getLong truncate 2.5 to 2: an integer key must refuse a number with a fraction instead. */
  private void checkIntegral(String path, Number n, String expected) {
    if (!isIntegral(n)) throw error(path, expected);
  }

  private static boolean isIntegral(Number n) {
    return !(n instanceof Double || n instanceof Float) || n.doubleValue() == Math.rint(n.doubleValue());
  }

  double doubleIn(String path, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
    String expected = "a number in " + (loInclusive ? "[" : "(") + fmt(lo) + ", " + fmt(hi) + (hiInclusive ? "]" : ")");
    double v = read(path, () -> config.getDouble(path), expected);
    boolean ok = (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi) && !Double.isNaN(v);
    if (!ok) throw error(path, expected);
    return v;
  }

  Duration positiveDuration(String path) {
    if (config.hasPath(path) && config.getValue(path).unwrapped().toString().trim().matches("[0-9.eE+-]+")) {
      // HOCON reads a bare number as milliseconds: 30 would be 30 ms, surely not what was meant
      throw error(path, "a duration with its unit, such as 30s or 10m (a bare number is read as milliseconds; write "
          + "30ms if that is meant)");
    }
    Duration d = read(path, () -> config.getDuration(path), "a duration such as 30s or 10m");
    if (d.isZero() || d.isNegative()) throw error(path, "a positive duration such as 30s or 10m");
    return d;
  }

  List<Integer> intList(String path, int min) {
    String expected = "a list of integers >= " + min;
    for (Number n : read(path, () -> config.getNumberList(path), expected)) checkIntegral(path, n, expected);
    List<Integer> v = read(path, () -> config.getIntList(path), expected);
    for (int x : v) if (x < min) throw error(path, expected);
    return v;
  }

  List<String> stringList(String path) {
    return read(path, () -> config.getStringList(path), "a list of strings");
  }

  <E extends Enum<E>> E enumValue(String path, Class<E> type) {
    String allowed = Arrays.stream(type.getEnumConstants()).map(ConfigReader::key).collect(Collectors.joining(" | "));
    String raw = read(path, () -> config.getString(path), "one of " + allowed);
    for (E e : type.getEnumConstants()) {
      if (key(e).equals(raw.trim().toLowerCase(Locale.ROOT))) return e;
    }
    throw error(path, "one of " + allowed);
  }

  /** Whether the value at {@code path} is reference.conf's default, i.e. the scenario and --set did not write it. */
  boolean isDefault(String path) {
    return !config.hasPathOrNull(path) || isReference(config.getValue(path).origin());
  }

  private static boolean isReference(ConfigOrigin origin) {
    String resource = origin.resource() != null ? origin.resource()
        : origin.url() != null ? origin.url().toString() : "";
    return resource.endsWith("reference.conf");
  }

  boolean isString(String path) {
    return config.getValue(path).valueType() == ConfigValueType.STRING;
  }

  /** A path resolved against the directory of the file it was written in (or the working directory). */
  Path path(String key) {
    Path p = Path.of(string(key));
    if (p.isAbsolute()) return p;
    String file = config.getValue(key).origin().filename();
    if (file == null) return p;
    Path parent = Path.of(file).toAbsolutePath().getParent();
    return parent == null ? p : parent.resolve(p).normalize();
  }

  static String key(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
