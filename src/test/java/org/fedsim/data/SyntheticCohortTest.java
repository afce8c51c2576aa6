package org.fedsim.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticCohortTest {
  static final SyntheticCohortSettings DEFAULTS = new SyntheticCohortSettings(26100, 0.0901, 0.15, 7);
  static final int DIA = 0, SYS = 1, GLU = 2, HR = 3, RR = 4, TEMP = 5;
  static Dataset cohort;

  @BeforeAll
  static void generate() {
    cohort = SyntheticCohort.generate(DEFAULTS);
  }

  @Test
  void sameSettingsGiveIdenticalCohort() {
    Dataset again = SyntheticCohort.generate(DEFAULTS);
    assertEquals(cohort.sites().size(), again.sites().size());
    for (int k = 0; k < cohort.sites().size(); k++) {
      SiteData a = cohort.sites().get(k), b = again.sites().get(k);
      assertEquals(a.site(), b.site());
      assertArrayEquals(a.labels(), b.labels());
      assertTrue(Arrays.deepEquals(a.features(), b.features()), a.site());
    }
  }

  @Test
  void otherSeedGivesOtherCohort() {
    Dataset other = SyntheticCohort.generate(new SyntheticCohortSettings(26100, 0.0901, 0.15, 8));
    assertFalse(Arrays.deepEquals(cohort.sites().get(0).features(), other.sites().get(0).features()));
  }

  @Test
  void describesItself() {
    assertEquals("synthetic-mimic", cohort.name());
    assertEquals(List.of("abp_diastolic", "abp_systolic", "glucose", "heart_rate", "resp_rate", "temperature"),
        cohort.featureNames());
    assertEquals(7, cohort.droppedRows().size());
    assertTrue(cohort.droppedRows().values().stream().allMatch(v -> v == 0));
  }

  @Test
  void sitesAreRaceGroupsBySizeWithExactCounts() {
    Map<String, Integer> sizes = new HashMap<>();
    cohort.sites().forEach(s -> sizes.put(s.site(), s.size()));
    assertEquals(List.of("WHITE", "BLACK", "UNKNOWN", "OTHER", "HISPANIC/LATINO", "ASIAN", "NATIVE"),
        cohort.sites().stream().map(SiteData::site).toList());
    assertEquals(Map.of("WHITE", 17435, "BLACK", 2871, "UNKNOWN", 2610, "OTHER", 1305, "HISPANIC/LATINO", 1044,
        "ASIAN", 783, "NATIVE", 52), sizes);
    assertEquals(26100, cohort.totalRows());
  }

  @Test
  void siteCountsAlwaysSumToPatients() {
    for (int n = 20; n < 3000; n += 37) {
      assertEquals(n, Arrays.stream(SyntheticCohort.siteCounts(n)).sum(), "n=" + n);
    }
  }

  @Test
  void exactDeathCountAndRaceDependentMortality() {
    int deaths = cohort.sites().stream().mapToInt(SiteData::positives).sum();
    assertEquals(2352, deaths);
    assertEquals(0.0901, deaths / 26100.0, 0.0005);
    Map<String, Double> rate = new HashMap<>();
    cohort.sites().forEach(s -> rate.put(s.site(), (double) s.positives() / s.size()));
    assertTrue(rate.get("UNKNOWN") > 1.5 * rate.get("WHITE"), rate.toString());
    assertTrue(rate.get("BLACK") < rate.get("WHITE"), rate.toString());
    assertTrue(cohort.sites().stream().allMatch(s -> s.positives() >= 2), "every site has >= 2 deaths");
  }

  @Test
  void balancedCohortHas4704RowsAndNativeIsSmallest() {
    List<SiteSplit> splits = Preprocessor.prepare(cohort, new PreprocessSettings(true, Scaling.NONE, 0.2, 42));
    int rows = splits.stream().mapToInt(s -> s.train().size() + s.validation().size()).sum();
    int pos = splits.stream().mapToInt(s -> s.train().positives() + s.validation().positives()).sum();
    assertEquals(4704, rows);
    assertEquals(2352, pos);
    assertEquals(7, splits.size());
    SiteSplit smallest = splits.stream()
        .min((a, b) -> Integer.compare(a.train().size() + a.validation().size(), b.train().size() + b.validation().size()))
        .orElseThrow();
    assertEquals("NATIVE", smallest.site());
  }

  @Test
  void minimumDeathsPerSiteInASmallCohort() {
    Dataset small = SyntheticCohort.generate(new SyntheticCohortSettings(300, 0.09, 0.15, 1));
    assertEquals(27, small.sites().stream().mapToInt(SiteData::positives).sum());
    for (SiteData s : small.sites()) assertTrue(s.positives() >= Math.min(2, s.size()), s.site());
    assertTrue(small.sites().stream().allMatch(s -> s.size() > 0));
  }

  @Test
  void deathsDifferFromSurvivorsInTheExpectedDirections() {
    List<float[]> alive = TestStats.rows(cohort.sites(), 0), dead = TestStats.rows(cohort.sites(), 1);
    assertTrue(TestStats.mean(dead, DIA) < TestStats.mean(alive, DIA) - 1.5);
    assertTrue(TestStats.mean(dead, SYS) < TestStats.mean(alive, SYS) - 3);
    assertTrue(TestStats.mean(dead, GLU) > TestStats.mean(alive, GLU) + 8);
    assertTrue(TestStats.mean(dead, HR) > TestStats.mean(alive, HR) + 5);
    assertTrue(TestStats.mean(dead, RR) > TestStats.mean(alive, RR) + 1.5);
    assertTrue(TestStats.mean(dead, TEMP) < TestStats.mean(alive, TEMP) - 0.05);
    for (int j = 0; j < 6; j++) {
      assertTrue(TestStats.std(dead, j) > TestStats.std(alive, j), "deaths have wider SD, feature " + j);
    }
    assertEquals(37.0, TestStats.mean(alive, TEMP), 0.3, "temperature is in Celsius");
  }

  @Test
  void vitalsAreCorrelatedAsInIcuData() {
    List<float[]> alive = TestStats.rows(cohort.sites(), 0);
    assertEquals(0.5, TestStats.corr(alive, SYS, DIA), 0.05);
    assertEquals(-0.3, TestStats.corr(alive, SYS, HR), 0.05);
    assertEquals(0.35, TestStats.corr(alive, HR, RR), 0.05);
    assertEquals(0.0, TestStats.corr(alive, RR, TEMP), 0.05);
  }

  @Test
  void glucoseIsRightSkewed() {
    List<float[]> all = TestStats.rows(cohort.sites(), -1);
    double m = TestStats.mean(all, GLU), sd = TestStats.std(all, GLU), skew = 0;
    for (float[] r : all) skew += Math.pow((r[GLU] - m) / sd, 3);
    skew /= all.size();
    float[] glu = new float[all.size()];
    for (int i = 0; i < glu.length; i++) glu[i] = all.get(i)[GLU];
    Arrays.sort(glu);
    assertTrue(skew > 0.5, "skewness " + skew);
    assertTrue(m > glu[glu.length / 2] + 2, "mean above median");
  }

  @Test
  void valuesArePhysiologicalAndRoundedToOneDecimal() {
    double[] lo = {20, 50, 30, 20, 4, 32}, hi = {140, 250, 600, 220, 60, 42};
    for (float[] r : TestStats.rows(cohort.sites(), -1)) {
      for (int j = 0; j < 6; j++) {
        assertTrue(r[j] >= lo[j] && r[j] <= hi[j], "feature " + j + " = " + r[j]);
        assertEquals(Math.round(r[j] * 10.0), r[j] * 10.0, 1e-3);
      }
    }
  }

  @Test
  void centralisedLogisticRegressionIsModeratelyAccurate() {
    List<SiteSplit> splits = Preprocessor.prepare(cohort, new PreprocessSettings(true, Scaling.POOLED, 0.2, 42));
    double acc = TestStats.centralisedAccuracy(splits);
    assertTrue(acc > 0.63 && acc < 0.76, "accuracy " + acc);
  }
}
