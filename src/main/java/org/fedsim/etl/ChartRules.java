package org.fedsim.etl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which chartevents itemids count for which {@link Feature}, with each itemid's valid range and unit: a lookup
 * table indexed by itemid (MIMIC-IV chart itemids are six-digit numbers, so the table is a few hundred KB).
 * An itemid whose d_items unit is °F is range-checked in °F and converted to °C.
 */
final class ChartRules {
  /** One itemid's rule. */
  record Rule(int itemId, Feature feature, double lo, double hi, boolean fahrenheit, String label) {}

  private static final int MAX_ITEM_ID = 1_000_000; // MIMIC-IV chart itemids are six digits

  private final int[] ruleOf; // itemid -> index into rules, or -1
  private final Rule[] rules;
  private final Map<Feature, int[]> itemIds;

  private ChartRules(List<Rule> rules, Map<Feature, int[]> itemIds) {
    this.rules = rules.toArray(new Rule[0]);
    int max = rules.stream().mapToInt(Rule::itemId).max().orElse(0);
    this.ruleOf = new int[max + 1];
    Arrays.fill(ruleOf, -1);
    for (int i = 0; i < this.rules.length; i++) ruleOf[this.rules[i].itemId()] = i;
    this.itemIds = itemIds;
  }

  /**
   * Rules for the given features: default itemids, replaced per feature by {@code overrides}. Every itemid must be
   * in d_items ({@code dictionary}: itemid to {label, unitname}); one itemid may serve one feature only.
   */
  static ChartRules build(List<Feature> features, Map<Feature, int[]> overrides, Map<Integer, String[]> dictionary,
      String dictionaryFile) {
    List<Rule> rules = new ArrayList<>();
    Map<Feature, int[]> ids = new EnumMap<>(Feature.class);
    Map<Integer, Feature> owner = new LinkedHashMap<>();
    for (Feature f : features) {
      int[] list = overrides.getOrDefault(f, f.defaultItemIds());
      ids.put(f, list.clone());
      for (int id : list) {
        if (id <= 0 || id > MAX_ITEM_ID) {
          throw new IllegalArgumentException("--itemids " + f.column() + ": itemid " + id + " out of range 1.."
              + MAX_ITEM_ID);
        }
        Feature before = owner.putIfAbsent(id, f);
        if (before != null) {
          throw new IllegalArgumentException("itemid " + id + " is given for both " + before.column() + " and "
              + f.column() + ": an itemid can count for one feature only");
        }
        String[] entry = dictionary.get(id);
        if (entry == null) {
          throw new IllegalArgumentException("itemid " + id + " (" + f.column() + ") is not in " + dictionaryFile);
        }
        boolean fahrenheit = f == Feature.TEMPERATURE && entry[1].contains("F");
        rules.add(fahrenheit
            ? new Rule(id, f, Feature.FAHRENHEIT_LO, Feature.FAHRENHEIT_HI, true, entry[0])
            : new Rule(id, f, f.lo(), f.hi(), false, entry[0]));
      }
    }
    return new ChartRules(rules, ids);
  }

  /** The rule index of {@code itemId}, or -1 when the itemid is not wanted. */
  int ruleIndex(int itemId) {
    return itemId >= 0 && itemId < ruleOf.length ? ruleOf[itemId] : -1;
  }

  /** The lookup table itself, for the scanner's inner loop (do not modify). */
  int[] table() {
    return ruleOf;
  }

  Rule rule(int index) {
    return rules[index];
  }

  List<Rule> rules() {
    return List.of(rules);
  }

  /** The itemids used for each feature. */
  Map<Feature, int[]> itemIds() {
    return itemIds;
  }
}
