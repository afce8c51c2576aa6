package org.fedsim.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every key a scenario writes must exist in the defaults; a misspelt key is reported with the nearest valid key,
 * so that {@code privacy.epsilom = 1} fails loudly instead of silently running without privacy.
 */
final class KeyValidator {
  /** Open maps: any name as key, each holding keys of the template object (e.g. per-site timing profiles). */
  private static final Map<String, String> MAPS = Map.of("timing.sites", "timing.profile");

  private KeyValidator() {}

  static void check(Config user, Config defaults, String sweepKey) {
    Set<String> valid = new TreeSet<>();
    leaves(defaults.root(), "", valid);
    valid.remove(sweepKey);
    List<String> errors = new ArrayList<>();
    walk(user.root(), "", defaults, valid, sweepKey, errors);
    if (!errors.isEmpty()) throw new ScenarioException(String.join("\n", errors));
  }

  private static void leaves(ConfigObject obj, String prefix, Set<String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = join(prefix, e.getKey());
      if (e.getValue().valueType() == ConfigValueType.OBJECT && !((ConfigObject) e.getValue()).isEmpty()) {
        leaves((ConfigObject) e.getValue(), path, out);
      } else {
        out.add(path);
      }
    }
  }

  private static void walk(ConfigObject obj, String prefix, Config defaults, Set<String> valid, String sweepKey,
      List<String> errors) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = join(prefix, e.getKey());
      ConfigValue v = e.getValue();
      if (MAPS.containsKey(path)) {
        checkMap(v, path, MAPS.get(path), valid, errors);
        continue;
      }
      if (path.equals(sweepKey)) {
        if (v.valueType() != ConfigValueType.OBJECT) {
          errors.add(where(v) + ": key 'sweep': expected an object of key = [values], got " + v.render());
        } else {
          checkSweep((ConfigObject) v, "", valid, errors);
        }
        continue;
      }
      boolean defaultIsObject = defaults.hasPath(path)
          && defaults.getValue(path).valueType() == ConfigValueType.OBJECT;
      if (defaultIsObject && v.valueType() == ConfigValueType.OBJECT) {
        walk((ConfigObject) v, path, defaults, valid, sweepKey, errors);
      } else if (defaultIsObject) {
        errors.add(where(v) + ": key '" + path + "': expected an object { ... }, got " + v.render());
      } else if (!valid.contains(path) && v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty()) {
        // a misspelt section (privcy { epsilon = 1 }): report its keys, so the suggestion is a full key
        walk((ConfigObject) v, path, defaults, valid, sweepKey, errors);
      } else if (!valid.contains(path)) {
        errors.add(where(v) + ": unknown key '" + path + "'" + suggestion(path, valid));
      }
    }
  }

  private static void checkMap(ConfigValue v, String path, String template, Set<String> valid, List<String> errors) {
    if (v.valueType() != ConfigValueType.OBJECT) {
      errors.add(where(v) + ": key '" + path + "': expected an object { NAME { ... } }, got " + v.render());
      return;
    }
    Set<String> allowed = new TreeSet<>();
    for (String k : valid) if (k.startsWith(template + ".")) allowed.add(k.substring(template.length() + 1));
    for (Map.Entry<String, ConfigValue> entry : ((ConfigObject) v).entrySet()) {
      String name = join(path, entry.getKey());
      if (entry.getValue().valueType() != ConfigValueType.OBJECT) {
        errors.add(where(entry.getValue()) + ": key '" + name + "': expected an object with keys of '" + template
            + "' (" + String.join(", ", allowed) + "), got " + entry.getValue().render());
        continue;
      }
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) entry.getValue()).entrySet()) {
        if (!allowed.contains(e.getKey())) {
          errors.add(where(e.getValue()) + ": unknown key '" + join(name, e.getKey()) + "'"
              + suggestion(e.getKey(), allowed));
        }
      }
    }
  }

  private static void checkSweep(ConfigObject obj, String prefix, Set<String> valid, List<String> errors) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = join(prefix, e.getKey());
      ConfigValue v = e.getValue();
      if (valid.contains(path)) continue;
      if (v.valueType() == ConfigValueType.OBJECT) {
        checkSweep((ConfigObject) v, path, valid, errors);
      } else {
        errors.add(where(v) + ": unknown key 'sweep." + path + "'" + suggestion(path, valid));
      }
    }
  }

  private static String where(ConfigValue v) {
    return ConfigReader.describe(v.origin());
  }

  private static String join(String prefix, String key) {
    String k = ConfigUtil.joinPath(key);
    return prefix.isEmpty() ? k : prefix + "." + k;
  }

  static String suggestion(String path, Set<String> valid) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : valid) {
      int d = distance(path, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    // a suggestion far from what was written helps nobody: allow about one edit in three characters
    return best == null || bestDistance > Math.max(3, path.length() / 3) ? "" : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
