package org.fedsim.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  /**
   * Three sites, about 20% positives. Feature 0 is a unique row id (so rows can be traced), feature 1 a
   * site-dependent value, feature 2 is constant.
   */
  static Dataset cohort() {
    SplittableRandom rng = new SplittableRandom(3);
    List<SiteData> sites = new ArrayList<>();
    int id = 0;
    String[] names = {"north", "south", "tiny"};
    int[] sizes = {400, 157, 9};
    for (int k = 0; k < names.length; k++) {
      float[][] x = new float[sizes[k]][];
      int[] y = new int[sizes[k]];
      for (int i = 0; i < sizes[k]; i++) {
        y[i] = rng.nextDouble() < 0.2 ? 1 : 0;
        x[i] = new float[] {id++, (float) (10 * k + 5 * rng.nextDouble() + 3 * y[i]), 7f};
      }
      sites.add(new SiteData(names[k], x, y));
    }
    return new Dataset("test", List.of("id", "value", "constant"), sites, Map.of());
  }

  static PreprocessSettings settings(boolean balance, Scaling scaling, long seed) {
    return new PreprocessSettings(balance, scaling, 0.2, seed);
  }

  static List<Integer> ids(SiteData d) {
    List<Integer> ids = new ArrayList<>();
    for (float[] r : d.features()) ids.add((int) r[0]);
    return ids;
  }

  static int count(SiteData d, int label) {
    int c = 0;
    for (int y : d.labels()) if (y == label) c++;
    return c;
  }

  @Test
  void balancingKeepsEveryMinorityRowAndAsManyMajorityRows() {
    Dataset ds = cohort();
    int positives = ds.sites().stream().mapToInt(SiteData::positives).sum();
    List<SiteSplit> out = Preprocessor.prepare(ds, settings(true, Scaling.NONE, 1));
    int pos = 0, neg = 0;
    Set<Integer> seen = new HashSet<>();
    for (SiteSplit s : out) {
      for (SiteData d : List.of(s.train(), s.validation())) {
        pos += count(d, 1);
        neg += count(d, 0);
        for (int id : ids(d)) assertTrue(seen.add(id), "row " + id + " duplicated");
      }
    }
    assertEquals(positives, pos);
    assertEquals(positives, neg);
    Set<Integer> positiveIds = new HashSet<>();
    for (SiteData d : ds.sites()) {
      for (int i = 0; i < d.size(); i++) if (d.labels()[i] == 1) positiveIds.add((int) d.features()[i][0]);
    }
    assertTrue(seen.containsAll(positiveIds), "every minority row kept");
  }

  @Test
  void stratifiedSplitWithoutBalancingLosesNoRow() {
    Dataset ds = cohort();
    List<SiteSplit> out = Preprocessor.prepare(ds, settings(false, Scaling.NONE, 1));
    assertEquals(List.of("north", "south", "tiny"), out.stream().map(SiteSplit::site).toList());
    for (int k = 0; k < out.size(); k++) {
      SiteData site = ds.sites().get(k);
      SiteSplit split = out.get(k);
      for (int cls = 0; cls <= 1; cls++) {
        int n = count(site, cls);
        assertEquals(Math.round(0.2 * n), count(split.validation(), cls), site.site() + " class " + cls);
        assertEquals(n - Math.round(0.2 * n), count(split.train(), cls), site.site() + " class " + cls);
      }
      Set<Integer> all = new HashSet<>(ids(split.train()));
      all.addAll(ids(split.validation()));
      assertEquals(site.size(), split.train().size() + split.validation().size());
      assertEquals(new HashSet<>(ids(site)), all);
      for (int i = 0; i < split.train().size(); i++) { // labels travel with their rows
        int id = (int) split.train().features()[i][0];
        int original = ids(site).indexOf(id);
        assertEquals(site.labels()[original], split.train().labels()[i]);
        assertArrayEquals(site.features()[original], split.train().features()[i]);
      }
    }
  }

  @Test
  void pooledScalingStandardisesTheWholeCohort() {
    List<SiteSplit> out = Preprocessor.prepare(cohort(), settings(true, Scaling.POOLED, 1));
    List<float[]> all = new ArrayList<>();
    for (SiteSplit s : out) {
      all.addAll(TestStats.rows(List.of(s.train()), -1));
      all.addAll(TestStats.rows(List.of(s.validation()), -1));
    }
    for (int j = 0; j < 2; j++) {
      assertEquals(0.0, TestStats.mean(all, j), 1e-5);
      assertEquals(1.0, TestStats.std(all, j), 1e-5);
    }
    for (float[] r : all) assertEquals(0f, r[2], "a constant feature is only centred");
  }

  @Test
  void perSiteScalingStandardisesEachSitesTrainingRows() {
    List<SiteSplit> out = Preprocessor.prepare(cohort(), settings(false, Scaling.PER_SITE, 1));
    for (SiteSplit s : out) {
      List<float[]> train = TestStats.rows(List.of(s.train()), -1);
      for (int j = 0; j < 2; j++) {
        assertEquals(0.0, TestStats.mean(train, j), 1e-5, s.site());
        assertEquals(1.0, TestStats.std(train, j), 1e-5, s.site());
      }
    }
    // validation rows use the site's training scaler, so their mean is near but not exactly 0
    List<float[]> val = TestStats.rows(List.of(out.get(0).validation()), -1);
    assertNotEquals(0.0, TestStats.mean(val, 1), 1e-6);
    assertEquals(0.0, TestStats.mean(val, 1), 0.5);
  }

  @Test
  void sameSeedSameResultOtherSeedOtherSample() {
    Dataset ds = cohort();
    List<SiteSplit> a = Preprocessor.prepare(ds, settings(true, Scaling.POOLED, 5));
    List<SiteSplit> b = Preprocessor.prepare(ds, settings(true, Scaling.POOLED, 5));
    List<SiteSplit> c = Preprocessor.prepare(ds, settings(true, Scaling.POOLED, 6));
    for (int k = 0; k < a.size(); k++) {
      assertTrue(java.util.Arrays.deepEquals(a.get(k).train().features(), b.get(k).train().features()));
      assertArrayEquals(a.get(k).validation().labels(), b.get(k).validation().labels());
    }
    assertNotEquals(ids(Preprocessor.prepare(ds, settings(true, Scaling.NONE, 5)).get(0).train()),
        ids(Preprocessor.prepare(ds, settings(true, Scaling.NONE, 6)).get(0).train()));
    assertEquals(a.size(), c.size());
  }

  @Test
  void inputIsNotModified() {
    Dataset ds = cohort();
    float before = ds.sites().get(1).features()[3][1];
    Preprocessor.prepare(ds, settings(true, Scaling.POOLED, 1));
    Preprocessor.prepare(ds, settings(false, Scaling.PER_SITE, 1));
    assertEquals(before, ds.sites().get(1).features()[3][1]);
  }

  @Test
  void tinySitesKeepATrainingRow() {
    SiteData one = new SiteData("one", new float[][] {{1f}}, new int[] {1});
    SiteData two = new SiteData("two", new float[][] {{1f}, {2f}}, new int[] {0, 1});
    Dataset ds = new Dataset("tiny", List.of("f"), List.of(one, two), Map.of());
    List<SiteSplit> out = Preprocessor.prepare(ds, new PreprocessSettings(false, Scaling.PER_SITE, 0.5, 1));
    assertEquals(1, out.get(0).train().size());
    assertEquals(0, out.get(0).validation().size());
    assertEquals(1, out.get(1).train().size(), "round(0.5) of each class would empty training");
    assertEquals(1, out.get(1).validation().size());
  }

  @Test
  void sitesEmptiedByBalancingAreDropped() {
    // 'lonely' has a single majority row; some seed discards it
    SiteData big = new SiteData("big", new float[40][], new int[40]);
    for (int i = 0; i < 40; i++) {
      big.features()[i] = new float[] {i};
      big.labels()[i] = i < 10 ? 1 : 0;
    }
    SiteData lonely = new SiteData("lonely", new float[][] {{99f}}, new int[] {0});
    Dataset ds = new Dataset("d", List.of("id"), List.of(big, lonely), Map.of());
    boolean sawDropped = false;
    for (long seed = 0; seed < 20; seed++) {
      List<SiteSplit> out = Preprocessor.prepare(ds, settings(true, Scaling.NONE, seed));
      int rows = out.stream().mapToInt(s -> s.train().size() + s.validation().size()).sum();
      assertEquals(20, rows);
      if (out.size() == 1) {
        assertEquals("big", out.get(0).site());
        sawDropped = true;
      }
    }
    assertTrue(sawDropped);
  }

  @Test
  void balancingNeedsBothClasses() {
    SiteData only = new SiteData("a", new float[][] {{1f}, {2f}}, new int[] {0, 0});
    Dataset ds = new Dataset("d", List.of("f"), List.of(only), Map.of());
    DataException e = assertThrows(DataException.class,
        () -> Preprocessor.prepare(ds, settings(true, Scaling.NONE, 1)));
    assertTrue(e.getMessage().contains("0 rows with label 1"), e.getMessage());
  }
}
