package org.fedsim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link Dataset} into per-site training and validation rows, in three steps:
 * <ol>
 *   <li><b>Balance</b> (if {@link PreprocessSettings#balance()}): over the whole cohort, pooled across sites, keep
 *       every row of the minority class and a seeded uniform sample (without replacement) of as many majority
 *       rows. Kept rows stay in their original order. Sites left empty are dropped with a warning.
 *   <li><b>Split</b> each site, stratified: per class, shuffle (seed derived from the settings seed and the site
 *       name) and hold out {@code round(validationFraction * count)} rows for validation. A class with one row
 *       goes to validation only if the fraction is at least 0.5. If that would leave the site with no training
 *       row, one validation row moves back, so every non-empty site has a training row (a 1-row site has no
 *       validation row). Rows keep their original order within each part.
 *   <li><b>Scale</b>: {@link Scaling#POOLED} fits one {@link StandardScaler} on all rows of all sites after
 *       balancing (training and validation, as the seed study did); {@link Scaling#PER_SITE} fits each site on
 *       its own training rows and applies it to its training and validation rows; {@link Scaling#NONE} copies.
 * </ol>
 * The input dataset is never modified. Equal inputs and settings give equal outputs.
 */
public final class Preprocessor {
  private static final Logger log = LoggerFactory.getLogger(Preprocessor.class);

  private Preprocessor() {}

  /** The preprocessed sites, in the dataset's site order (minus sites emptied by balancing). */
  public static List<SiteSplit> prepare(Dataset ds, PreprocessSettings s) {
    return prepare(ds, s, PartitionSettings.natural()).sites();
  }

  /** Training sites (split) and external sites (every row for evaluation), both scaled. */
  public record Prepared(List<SiteSplit> sites, List<SiteData> external) {}

  /**
   * As {@link #prepare(Dataset, PreprocessSettings)}, with the rows dealt to clients by {@code partition} after
   * balancing and before the split. External sites are not split; pooled scaling is fit on the training sites'
   * rows only and applied to them.
   */
  public static Prepared prepare(Dataset ds, PreprocessSettings s, PartitionSettings partition) {
    List<SiteData> sites = new ArrayList<>();
    for (SiteData site : ds.sites()) {
      if (site.size() > 0) sites.add(site);
      else log.warn("site {} has no rows; dropped", site.site());
    }
    if (s.balance()) sites = balance(sites, s.seed());
    Partitioner.Partition dealt = Partitioner.partition(sites, partition);
    sites = new ArrayList<>();
    for (SiteData site : dealt.clients()) {
      if (site.size() > 0) sites.add(site);
      else log.warn("client {} was dealt no rows by the {} partition; dropped", site.site(), partition.type());
    }
    List<SiteSplit> splits = new ArrayList<>(sites.size());
    for (SiteData site : sites) splits.add(split(site, s.validationFraction(), s.seed()));
    StandardScaler pooled = s.scaling() == Scaling.POOLED && !sites.isEmpty()
        ? StandardScaler.fit(sites.stream().map(SiteData::features).toList()) : null;
    List<SiteSplit> scaled = scale(splits, pooled, s.scaling());
    List<SiteData> external = new ArrayList<>();
    for (SiteData ext : dealt.external()) {
      StandardScaler own = s.scaling() == Scaling.PER_SITE ? StandardScaler.fit(List.<float[][]>of(ext.features()))
          : pooled;
      external.add(apply(own, ext));
    }
    if (log.isInfoEnabled()) {
      int train = scaled.stream().mapToInt(x -> x.train().size()).sum();
      int val = scaled.stream().mapToInt(x -> x.validation().size()).sum();
      log.info("preprocessed {}: {} sites, {} training rows, {} validation rows, {} external sites (balance={}, "
          + "scaling={}, partition={})", ds.name(), scaled.size(), train, val, external.size(), s.balance(),
          s.scaling(), partition.type());
    }
    return new Prepared(List.copyOf(scaled), List.copyOf(external));
  }

  /**
   * Undersamples the majority class over all sites pooled; see the class comment.
   *
   * @throws DataException if one class has no rows at all
   */
  static List<SiteData> balance(List<SiteData> sites, long seed) {
    int total = 0, positives = 0;
    for (SiteData site : sites) {
      total += site.size();
      positives += site.positives();
    }
    int negatives = total - positives;
    if (positives == 0 || negatives == 0) {
      throw new DataException("cannot balance classes: the dataset has " + positives + " rows with label 1 and "
          + negatives + " with label 0");
    }
    int majority = positives > negatives ? 1 : 0;
    int keepCount = Math.min(positives, negatives);
    int[] majorityRows = new int[Math.max(positives, negatives)]; // global row indices
    for (int g = 0, m = 0, k = 0; k < sites.size(); k++) {
      for (int y : sites.get(k).labels()) {
        if (y == majority) majorityRows[m++] = g;
        g++;
      }
    }
    Randoms.partialShuffle(majorityRows, keepCount, new SplittableRandom(Randoms.derive(seed, "balance")));
    boolean[] dropped = new boolean[total];
    for (int i = keepCount; i < majorityRows.length; i++) dropped[majorityRows[i]] = true;

    List<SiteData> out = new ArrayList<>();
    int offset = 0;
    for (SiteData site : sites) {
      int kept = 0;
      for (int r = 0; r < site.size(); r++) if (!dropped[offset + r]) kept++;
      if (kept == 0) {
        log.warn("site {} has no rows left after balancing; dropped", site.site());
      } else {
        float[][] x = new float[kept][];
        int[] y = new int[kept];
        for (int r = 0, i = 0; r < site.size(); r++) {
          if (!dropped[offset + r]) {
            x[i] = site.features()[r];
            y[i++] = site.labels()[r];
          }
        }
        out.add(new SiteData(site.site(), x, y));
      }
      offset += site.size();
    }
    log.info("balanced: kept {} rows ({} per class) of {}", 2 * keepCount, keepCount, total);
    return out;
  }

  /** Stratified split of one site; rows are shared with {@code site}, not copied. */
  static SiteSplit split(SiteData site, double validationFraction, long seed) {
    SplittableRandom rng = new SplittableRandom(Randoms.derive(seed, "split/" + site.site()));
    boolean[] validation = new boolean[site.size()];
    int valCount = 0;
    for (int cls = 0; cls <= 1; cls++) {
      int count = 0;
      for (int y : site.labels()) if (y == cls) count++;
      int[] rows = new int[count];
      for (int r = 0, i = 0; r < site.size(); r++) if (site.labels()[r] == cls) rows[i++] = r;
      int nVal = (int) Math.round(validationFraction * count);
      Randoms.partialShuffle(rows, nVal, rng);
      for (int i = 0; i < nVal; i++) validation[rows[i]] = true;
      valCount += nVal;
    }
    if (valCount == site.size() && valCount > 0) { // keep at least one training row
      int first = -1;
      for (int r = 0; r < site.size() && first < 0; r++) if (validation[r]) first = r;
      validation[first] = false;
      valCount--;
    }
    return new SiteSplit(site.site(), subset(site, validation, false, site.size() - valCount),
        subset(site, validation, true, valCount));
  }

  private static SiteData subset(SiteData site, boolean[] validation, boolean wanted, int size) {
    float[][] x = new float[size][];
    int[] y = new int[size];
    for (int r = 0, i = 0; r < site.size(); r++) {
      if (validation[r] == wanted) {
        x[i] = site.features()[r];
        y[i++] = site.labels()[r];
      }
    }
    return new SiteData(site.site(), x, y);
  }

  private static List<SiteSplit> scale(List<SiteSplit> splits, StandardScaler pooled, Scaling scaling) {
    List<SiteSplit> out = new ArrayList<>(splits.size());
    for (SiteSplit sp : splits) {
      StandardScaler scaler = switch (scaling) {
        case NONE -> null;
        case POOLED -> pooled;
        case PER_SITE -> StandardScaler.fit(List.<float[][]>of(sp.train().features()));
      };
      out.add(new SiteSplit(sp.site(), apply(scaler, sp.train()), apply(scaler, sp.validation())));
    }
    return out;
  }

  private static SiteData apply(StandardScaler scaler, SiteData d) {
    float[][] x = scaler != null
        ? scaler.transform(d.features())
        : Arrays.stream(d.features()).map(float[]::clone).toArray(float[][]::new);
    return new SiteData(d.site(), x, d.labels().clone());
  }
}
