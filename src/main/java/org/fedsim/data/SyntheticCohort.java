package org.fedsim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in synthetic MIMIC-like ICU cohort: one site per race group, race-dependent mortality and
 * class-conditional vitals ({@code abp_diastolic, abp_systolic, glucose, heart_rate, resp_rate, temperature},
 * temperature in °C).
 *
 * <p>Recipe (docs/mimic-iv.md sections 3-4):
 * <ol>
 *   <li>Site sizes: the suggested synthetic race proportions, largest-remainder rounding (exact, ties by
 *       {@link RaceGroup} order). Empty sites are left out.
 *   <li>Deaths: exactly {@code round(patients * mortality)}, weighted sampling without replacement with weight =
 *       the group's death multiplier (Efraimidis-Spirakis keys). Then every site gets at least
 *       {@code min(2, size)} deaths when the total allows it, by swapping with the site that has most deaths.
 *   <li>Vitals: see {@link VitalsModel}, plus a per-site, per-feature mean shift of
 *       {@code N(0,1) * siteShift * pooled SD}.
 * </ol>
 * Everything derives from {@code new SplittableRandom(seed)}: equal settings give an identical {@link Dataset}.
 * Sites are ordered by descending size (ties by {@link RaceGroup} order).
 */
public final class SyntheticCohort {
  /** {@link Dataset#name()} of the generated cohort. */
  public static final String NAME = "synthetic-mimic";
  /** Minimum number of deaths per site, when the site and the total allow it. */
  static final int MIN_DEATHS_PER_SITE = 2;

  private static final Logger log = LoggerFactory.getLogger(SyntheticCohort.class);

  private SyntheticCohort() {}

  /** The feature names, in column order. */
  public static List<String> featureNames() {
    return VitalsModel.FEATURES;
  }

  /** Generates the cohort described by {@code s}. */
  public static Dataset generate(SyntheticCohortSettings s) {
    SplittableRandom root = new SplittableRandom(s.seed());
    SplittableRandom shiftRng = root.split();
    SplittableRandom deathRng = root.split();
    SplittableRandom vitalsRng = root.split();

    RaceGroup[] groups = RaceGroup.values();
    int[] counts = siteCounts(s.patients());
    double[][] shifts = new double[groups.length][6];
    for (int g = 0; g < groups.length; g++) { // drawn for every group, so they do not depend on the cohort size
      Randoms.fillGaussian(shiftRng, shifts[g]);
      for (int j = 0; j < 6; j++) shifts[g][j] *= s.siteShift() * VitalsModel.pooledSd(j);
    }

    List<RaceGroup> order = new ArrayList<>();
    for (RaceGroup g : groups) if (counts[g.ordinal()] > 0) order.add(g);
    order.sort(Comparator.comparingInt((RaceGroup g) -> counts[g.ordinal()]).reversed()); // stable sort

    // patient i belongs to site siteOf[i]; patients are laid out site by site in 'order'
    int n = s.patients();
    int[] siteOf = new int[n];
    int[] start = new int[order.size() + 1];
    for (int k = 0, i = 0; k < order.size(); k++) {
      start[k] = i;
      for (int c = 0; c < counts[order.get(k).ordinal()]; c++) siteOf[i++] = k;
      start[k + 1] = i;
    }
    int deaths = (int) Math.round(n * s.mortality());
    int[] labels = chooseDeaths(order, siteOf, start, deaths, deathRng);

    List<SiteData> sites = new ArrayList<>();
    Map<String, Integer> dropped = new LinkedHashMap<>();
    for (int k = 0; k < order.size(); k++) {
      RaceGroup g = order.get(k);
      int size = start[k + 1] - start[k];
      float[][] x = new float[size][];
      int[] y = Arrays.copyOfRange(labels, start[k], start[k + 1]);
      for (int r = 0; r < size; r++) x[r] = VitalsModel.draw(y[r], shifts[g.ordinal()], vitalsRng);
      SiteData site = new SiteData(g.siteName(), x, y);
      sites.add(site);
      dropped.put(g.siteName(), 0);
      log.debug("synthetic site {}: {} patients, {} deaths", g.siteName(), size, site.positives());
    }
    log.info("synthetic cohort: {} patients, {} deaths ({} sites, seed {})", n, deaths, sites.size(), s.seed());
    return new Dataset(NAME, VitalsModel.FEATURES, sites, dropped);
  }

  /** Patients per {@link RaceGroup} (by ordinal): largest-remainder rounding of the proportions, summing to n. */
  static int[] siteCounts(int n) {
    RaceGroup[] groups = RaceGroup.values();
    double total = 0;
    for (RaceGroup g : groups) total += g.proportion();
    int[] counts = new int[groups.length];
    double[] remainder = new double[groups.length];
    int assigned = 0;
    for (RaceGroup g : groups) {
      double raw = n * g.proportion() / total;
      counts[g.ordinal()] = (int) Math.floor(raw);
      remainder[g.ordinal()] = raw - counts[g.ordinal()];
      assigned += counts[g.ordinal()];
    }
    Integer[] byRemainder = new Integer[groups.length];
    for (int i = 0; i < groups.length; i++) byRemainder[i] = i;
    Arrays.sort(byRemainder, Comparator.comparingDouble((Integer i) -> -remainder[i])); // stable: ties by ordinal
    for (int r = 0; r < n - assigned; r++) counts[byRemainder[r]]++;
    return counts;
  }

  private static int[] chooseDeaths(
      List<RaceGroup> order, int[] siteOf, int[] start, int deaths, SplittableRandom rng) {
    int n = siteOf.length;
    // Efraimidis-Spirakis: key = Exp(1) / weight; the 'deaths' smallest keys are a weighted sample w/o replacement
    double[] key = new double[n];
    for (int i = 0; i < n; i++) {
      key[i] = -Math.log(1.0 - rng.nextDouble()) / order.get(siteOf[i]).deathMultiplier();
    }
    Integer[] byKey = new Integer[n];
    for (int i = 0; i < n; i++) byKey[i] = i;
    Arrays.sort(byKey, Comparator.comparingDouble((Integer i) -> key[i]).thenComparingInt(i -> i));
    int[] labels = new int[n];
    int[] perSite = new int[order.size()];
    for (int r = 0; r < deaths; r++) {
      labels[byKey[r]] = 1;
      perSite[siteOf[byKey[r]]]++;
    }

    int[] minimum = new int[order.size()];
    int required = 0;
    for (int k = 0; k < order.size(); k++) {
      minimum[k] = Math.min(MIN_DEATHS_PER_SITE, start[k + 1] - start[k]);
      required += minimum[k];
    }
    if (required > deaths) {
      log.debug("synthetic cohort: {} deaths cannot give every site {} deaths", deaths, MIN_DEATHS_PER_SITE);
      return labels;
    }
    for (int k = 0; k < order.size(); k++) {
      while (perSite[k] < minimum[k]) {
        int donor = 0;
        for (int d = 1; d < order.size(); d++) if (perSite[d] - minimum[d] > perSite[donor] - minimum[donor]) donor = d;
        // promote the site's survivor with the smallest key; demote the donor's death with the largest key
        int promote = -1, demote = -1;
        for (int r = 0; r < n; r++) {
          int i = byKey[r];
          if (promote < 0 && siteOf[i] == k && labels[i] == 0) promote = i;
          if (siteOf[i] == donor && labels[i] == 1) demote = i;
        }
        labels[promote] = 1;
        labels[demote] = 0;
        perSite[k]++;
        perSite[donor]--;
      }
    }
    return labels;
  }
}
