package org.fedsim.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fedsim.data.PartitionSettings.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartitionerTest {
  /** Three sites, rows tagged by a unique id in feature 0; label 1 for 40% of rows. */
  static List<SiteData> sites(int... sizes) {
    List<SiteData> out = new ArrayList<>();
    int id = 0;
    for (int k = 0; k < sizes.length; k++) {
      float[][] x = new float[sizes[k]][];
      int[] y = new int[sizes[k]];
      for (int r = 0; r < sizes[k]; r++, id++) {
        x[r] = new float[] {id, k};
        y[r] = id % 5 < 2 ? 1 : 0;
      }
      out.add(new SiteData("site-" + k, x, y));
    }
    return out;
  }

  static PartitionSettings settings(Type type, int clients) {
    return new PartitionSettings(type, clients, 0.5, 1.0, 1, List.of(), 42);
  }

  static int[] ids(List<SiteData> clients) {
    return clients.stream().flatMap(c -> Arrays.stream(c.features())).mapToInt(f -> (int) f[0]).sorted().toArray();
  }

  static double share1(SiteData c) {
    return c.size() == 0 ? Double.NaN : c.positives() / (double) c.size();
  }

  @ParameterizedTest
  @EnumSource(Type.class)
  void everyRowGoesToExactlyOneClient(Type type) {
    List<SiteData> data = sites(300, 500, 200);
    Partitioner.Partition p = Partitioner.partition(data, settings(type, 7));
    int[] expected = java.util.stream.IntStream.range(0, 1000).toArray();
    assertArrayEquals(expected, ids(p.clients()));
    for (SiteData c : p.clients()) {
      for (int r = 0; r < c.size(); r++) {
        int id = (int) c.features()[r][0];
        assertEquals(id % 5 < 2 ? 1 : 0, c.labels()[r], "a row keeps its label");
      }
    }
    assertEquals(type == Type.NATURAL ? 3 : 7, p.clients().size());
  }

  @ParameterizedTest
  @EnumSource(value = Type.class, names = "NATURAL", mode = EnumSource.Mode.EXCLUDE)
  void sameSeedSameClientsOtherSeedOtherClients(Type type) {
    List<SiteData> data = sites(300, 500, 200);
    PartitionSettings s = settings(type, 5);
    List<SiteData> a = Partitioner.partition(data, s).clients();
    List<SiteData> b = Partitioner.partition(data, s).clients();
    for (int c = 0; c < a.size(); c++) {
      assertEquals(a.get(c).site(), b.get(c).site());
      assertArrayEquals(a.get(c).features(), b.get(c).features());
    }
    PartitionSettings other = new PartitionSettings(type, 5, 0.5, 1.0, 1, List.of(), 43);
    List<SiteData> d = Partitioner.partition(data, other).clients();
    boolean differs = false;
    for (int c = 0; c < a.size(); c++) differs |= !Arrays.deepEquals(a.get(c).features(), d.get(c).features());
    assertTrue(differs, "another seed deals the rows differently");
  }

  @Test
  void naturalKeepsTheSitesAsLoaded() {
    List<SiteData> data = sites(30, 50);
    assertEquals(data, Partitioner.partition(data, PartitionSettings.natural()).clients());
  }

  @Test
  void iidGivesEqualSizesAndEqualLabelMixToWithinOneRow() {
    List<SiteData> data = sites(333, 500, 211);
    int total = 1044, positives = data.stream().mapToInt(SiteData::positives).sum();
    List<SiteData> clients = Partitioner.partition(data, settings(Type.IID, 8)).clients();
    for (SiteData c : clients) {
      assertTrue(Math.abs(c.size() - total / 8.0) <= 1, () -> c + " size");
      assertTrue(Math.abs(c.positives() - positives / 8.0) <= 1, () -> c + " positives " + c.positives());
    }
  }

  @Test
  void smallAlphaSkewsLabelsLargeAlphaDoesNot() {
    List<SiteData> data = sites(2000, 2000);
    double skewSmall = meanMajorityShare(new PartitionSettings(Type.DIRICHLET, 10, 0.05, 1, 1, List.of(), 1), data);
    double skewLarge = meanMajorityShare(new PartitionSettings(Type.DIRICHLET, 10, 1000, 1, 1, List.of(), 1), data);
    assertTrue(skewSmall > 0.9, "alpha 0.05: clients hold mostly one label, majority share " + skewSmall);
    // the pooled majority share is 0.6 (label 0); alpha 1000 stays close to it
    assertTrue(Math.abs(skewLarge - 0.6) < 0.05, "alpha 1000: close to the pooled mix, majority share " + skewLarge);
  }

  static double meanMajorityShare(PartitionSettings s, List<SiteData> data) {
    List<SiteData> clients = Partitioner.partition(data, s).clients();
    double sum = 0;
    int n = 0;
    for (SiteData c : clients) {
      if (c.size() == 0) continue;
      sum += Math.max(share1(c), 1 - share1(c));
      n++;
    }
    return sum / n;
  }

  @Test
  void dirichletSharesFollowAlphaOnAverage() {
    // E[p_i] = 1/k and Var[p_i] = (k-1) / (k^2 (k alpha + 1)) for Dirichlet(alpha, ..., alpha)
    SplittableRandom rng = new SplittableRandom(7);
    int k = 4, draws = 4000;
    double alpha = 0.5, sum = 0, sumSq = 0;
    for (int d = 0; d < draws; d++) {
      double[] p = Partitioner.dirichletShares(k, alpha, rng);
      assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
      sum += p[0];
      sumSq += p[0] * p[0];
    }
    double mean = sum / draws, var = sumSq / draws - mean * mean;
    assertEquals(0.25, mean, 0.01);
    assertEquals(3.0 / (16 * 3), var, 0.005);
  }

  @Test
  void quantitySizesFollowThePowerLawWithAtLeastOneRowEach() {
    List<SiteData> data = sites(1000, 1000);
    List<SiteData> clients = Partitioner.partition(data,
        new PartitionSettings(Type.QUANTITY, 4, 0.5, 1.0, 1, List.of(), 3)).clients();
    int[] sizes = clients.stream().mapToInt(SiteData::size).sorted().toArray();
    // shares 1 : 1/2 : 1/3 : 1/4 of 2000 - 4 rows, plus one each
    double h = 1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0;
    for (int r = 1; r <= 4; r++) assertEquals(1 + 1996 / h / r, sizes[4 - r], 1.0);
    List<SiteData> tiny = Partitioner.partition(sites(20),
        new PartitionSettings(Type.QUANTITY, 20, 0.5, 10.0, 1, List.of(), 3)).clients();
    assertTrue(tiny.stream().allMatch(c -> c.size() == 1), "20 rows for 20 clients: one each");
  }

  @Test
  void shardsWithOneLabelGiveSingleLabelClientsAndTwoLabelsGiveBoth() {
    List<SiteData> data = sites(600, 400);
    for (SiteData c : Partitioner.partition(data, settings(Type.SHARDS, 6)).clients()) {
      assertTrue(c.positives() == 0 || c.positives() == c.size(), () -> c + " holds one label");
      assertTrue(c.size() > 0);
    }
    for (SiteData c : Partitioner.partition(data,
        new PartitionSettings(Type.SHARDS, 6, 0.5, 1.0, 2, List.of(), 42)).clients()) {
      assertTrue(c.positives() > 0 && c.positives() < c.size(), () -> c + " holds both labels");
    }
    DataException tooMany = assertThrows(DataException.class, () -> Partitioner.partition(data,
        new PartitionSettings(Type.SHARDS, 6, 0.5, 1.0, 3, List.of(), 42)));
    assertTrue(tooMany.getMessage().contains("labels-per-client = 3"), tooMany::getMessage);
  }

  @Test
  void aThousandClientsAreNamedWithFourDigits() {
    List<SiteData> clients = Partitioner.partition(sites(2500, 2500), settings(Type.IID, 1000)).clients();
    assertEquals(1000, clients.size());
    assertEquals("client-0001", clients.get(0).site());
    assertEquals("client-1000", clients.get(999).site());
    assertTrue(clients.stream().allMatch(c -> c.size() == 5));
    assertEquals("client-001", PartitionSettings.clientName(0, 8));
  }

  @Test
  void fewerRowsThanClientsIsAnError() {
    DataException e = assertThrows(DataException.class,
        () -> Partitioner.partition(sites(5), settings(Type.IID, 6)));
    assertTrue(e.getMessage().contains("clients = 6") && e.getMessage().contains("5 rows"), e::getMessage);
  }

  @Test
  void externalSitesAreHeldOutWholeAndTheRestIsDealt() {
    List<SiteData> data = sites(300, 500, 200);
    PartitionSettings s = new PartitionSettings(Type.IID, 4, 0.5, 1.0, 1, List.of("site-1"), 42);
    Partitioner.Partition p = Partitioner.partition(data, s);
    assertEquals(List.of(data.get(1)), p.external());
    int[] ids = ids(p.clients());
    assertEquals(500, ids.length);
    assertFalse(Arrays.stream(ids).anyMatch(id -> id >= 300 && id < 800), "no external row is dealt");
    DataException unknown = assertThrows(DataException.class, () -> Partitioner.partition(data,
        new PartitionSettings(Type.NATURAL, 2, 0.5, 1.0, 1, List.of("site-9"), 42)));
    assertTrue(unknown.getMessage().contains("'site-9'") && unknown.getMessage().contains("site-0"),
        unknown::getMessage);
    assertThrows(DataException.class, () -> Partitioner.partition(data,
        new PartitionSettings(Type.NATURAL, 2, 0.5, 1.0, 1, List.of("site-0", "site-1", "site-2"), 42)));
  }

  @Test
  void preprocessingScalesExternalSitesWithTheTrainingSitesPooledScaler() {
    List<SiteData> data = sites(300, 500, 200);
    Dataset ds = new Dataset("t", List.of("id", "site"), data, java.util.Map.of());
    PartitionSettings s = new PartitionSettings(Type.DIRICHLET, 4, 0.5, 1.0, 1, List.of("site-2"), 42);
    Preprocessor.Prepared p = Preprocessor.prepare(ds, new PreprocessSettings(false, Scaling.POOLED, 0.2, 1), s);
    assertEquals(1, p.external().size());
    assertEquals(200, p.external().get(0).size());
    // the pooled scaler is fit on sites 0 and 1 (site column 0 or 1): site 2's column is well above their mean
    assertTrue(p.external().get(0).features()[0][1] > 1.5, "external site scaled with the training sites' scaler");
    int rows = p.sites().stream().mapToInt(x -> x.train().size() + x.validation().size()).sum();
    assertEquals(800, rows);
  }
}
