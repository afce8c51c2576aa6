package org.fedsim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Deals a dataset's rows to clients. Every row of a non-external site goes to exactly one client; rows keep their
 * pooled order (site order, then row order) within a client. Seeded by {@link PartitionSettings#seed()} only.
 * <ul>
 *   <li><b>natural</b>: one client per site of the dataset (the site column), as loaded.
 *   <li><b>iid</b>: stratified uniform: each label's rows are shuffled and dealt round-robin over a shuffled client
 *       order, so client sizes, and each label's count per client, differ by at most one.
 *   <li><b>dirichlet</b>: label skew (Hsu et al. 2019): for each label, client shares p ~ Dirichlet(α, ..., α);
 *       the label's shuffled rows are cut into runs of round(p_i · n) rows (largest remainder). Small α gives
 *       clients dominated by one label, and may leave a client with no row (it is then dropped, with a warning).
 *   <li><b>quantity</b>: power-law sizes: the client of rank r (a seeded order) gets a share ∝ r^-exponent of the
 *       shuffled rows, at least one row each (0 = equal sizes).
 *   <li><b>shards</b>: pathological label skew, k labels per client (McMahan et al. 2017's shards, by label):
 *       client i (in a seeded order) holds labels i, i+1, ..., i+k-1 (mod the number of labels); each label's shuffled
 *       rows are split evenly among the clients holding it.
 * </ul>
 * Sites named in {@link PartitionSettings#externalSites()} are taken out first and returned as they are.
 */
public final class Partitioner {
  private Partitioner() {}

  /** The clients, and the external sites held out of training. */
  public record Partition(List<SiteData> clients, List<SiteData> external) {}

  public static Partition partition(List<SiteData> sites, PartitionSettings s) {
    List<String> names = sites.stream().map(SiteData::site).toList();
    for (String ext : s.externalSites()) {
      if (!names.contains(ext)) {
        throw new DataException("dataset.external-sites: '" + ext + "' is not a site of the dataset; its sites are "
            + names);
      }
    }
    List<SiteData> internal = new ArrayList<>();
    List<SiteData> external = new ArrayList<>();
    for (SiteData site : sites) (s.externalSites().contains(site.site()) ? external : internal).add(site);
    if (internal.isEmpty()) {
      throw new DataException("dataset.external-sites holds every site of the dataset " + names
          + ": no site is left to train");
    }
    if (s.type() == PartitionSettings.Type.NATURAL) return new Partition(internal, external);

    int n = internal.stream().mapToInt(SiteData::size).sum();
    float[][] x = new float[n][];
    int[] y = new int[n];
    for (int g = 0, k = 0; k < internal.size(); k++) {
      SiteData site = internal.get(k);
      for (int r = 0; r < site.size(); r++, g++) {
        x[g] = site.features()[r];
        y[g] = site.labels()[r];
      }
    }
    if (n < s.clients()) {
      throw new DataException("dataset.partition.clients = " + s.clients() + " but the dataset has only " + n
          + " rows to deal (after balancing, without external sites)");
    }
    SplittableRandom rng = new SplittableRandom(Randoms.derive(s.seed(), "partition/" + s.type()));
    int[] owner = switch (s.type()) {
      case IID -> iid(y, s.clients(), rng);
      case DIRICHLET -> dirichlet(y, s.clients(), s.alpha(), rng);
      case QUANTITY -> quantity(n, s.clients(), s.exponent(), rng);
      case SHARDS -> shards(y, s.clients(), s.labelsPerClient(), rng);
      case NATURAL -> throw new AssertionError();
    };
    return new Partition(gather(x, y, owner, s.clients()), external);
  }

  /** Rows of each client in pooled order; clients named client-001 ... */
  private static List<SiteData> gather(float[][] x, int[] y, int[] owner, int clients) {
    int[] size = new int[clients];
    for (int o : owner) size[o]++;
    float[][][] cx = new float[clients][][];
    int[][] cy = new int[clients][];
    for (int c = 0; c < clients; c++) {
      cx[c] = new float[size[c]][];
      cy[c] = new int[size[c]];
    }
    int[] fill = new int[clients];
    for (int g = 0; g < owner.length; g++) {
      int c = owner[g];
      cx[c][fill[c]] = x[g];
      cy[c][fill[c]++] = y[g];
    }
    List<SiteData> out = new ArrayList<>(clients);
    for (int c = 0; c < clients; c++) out.add(new SiteData(PartitionSettings.clientName(c, clients), cx[c], cy[c]));
    return out;
  }

  /** The distinct labels, ascending. */
  private static int[] labels(int[] y) {
    TreeSet<Integer> set = new TreeSet<>();
    for (int v : y) set.add(v);
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The row indices with label {@code label}, shuffled. */
  private static int[] shuffledRows(int[] y, int label, SplittableRandom rng) {
    int[] rows = java.util.stream.IntStream.range(0, y.length).filter(g -> y[g] == label).toArray();
    Randoms.partialShuffle(rows, rows.length, rng);
    return rows;
  }

  private static int[] permutation(int n, SplittableRandom rng) {
    int[] p = java.util.stream.IntStream.range(0, n).toArray();
    Randoms.partialShuffle(p, n, rng);
    return p;
  }

  static int[] iid(int[] y, int clients, SplittableRandom rng) {
    int[] owner = new int[y.length];
    int[] order = permutation(clients, rng);
    int next = 0;
    for (int label : labels(y)) {
      for (int g : shuffledRows(y, label, rng)) owner[g] = order[next++ % clients];
    }
    return owner;
  }

  static int[] dirichlet(int[] y, int clients, double alpha, SplittableRandom rng) {
    int[] owner = new int[y.length];
    for (int label : labels(y)) {
      int[] rows = shuffledRows(y, label, rng);
      int[] counts = apportion(dirichletShares(clients, alpha, rng), rows.length, 0);
      deal(rows, counts, owner);
    }
    return owner;
  }

  static int[] quantity(int n, int clients, double exponent, SplittableRandom rng) {
    int[] rank = permutation(clients, rng);
    double[] w = new double[clients];
    for (int c = 0; c < clients; c++) w[c] = Math.pow(rank[c] + 1, -exponent);
    int[] rows = permutation(n, rng);
    int[] owner = new int[n];
    deal(rows, apportion(w, n, 1), owner);
    return owner;
  }

  static int[] shards(int[] y, int clients, int k, SplittableRandom rng) {
    int[] labels = labels(y);
    if (k > labels.length) {
      throw new DataException("dataset.partition.labels-per-client = " + k + " but the dataset has only "
          + labels.length + " label(s)");
    }
    if ((long) clients * k < labels.length) {
      throw new DataException("dataset.partition: " + clients + " clients with " + k + " label(s) each cannot hold all "
          + labels.length + " labels");
    }
    int[] order = permutation(clients, rng);
    List<List<Integer>> holders = new ArrayList<>();
    for (int l = 0; l < labels.length; l++) holders.add(new ArrayList<>());
    for (int i = 0; i < clients; i++) {
      for (int j = 0; j < k; j++) holders.get((i + j) % labels.length).add(order[i]);
    }
    int[] owner = new int[y.length];
    for (int l = 0; l < labels.length; l++) {
      int[] rows = shuffledRows(y, labels[l], rng);
      List<Integer> h = holders.get(l);
      for (int i = 0; i < rows.length; i++) owner[rows[i]] = h.get(i % h.size());
    }
    return owner;
  }

  /** Consecutive runs of {@code rows}: the first counts[0] to client 0, and so on. */
  private static void deal(int[] rows, int[] counts, int[] owner) {
    int i = 0;
    for (int c = 0; c < counts.length; c++) {
      for (int j = 0; j < counts[c]; j++) owner[rows[i++]] = c;
    }
  }

  /**
   * Integer counts summing to {@code n}, proportional to {@code weights} (largest remainder, ties to the lower
   * index), each at least {@code min} (which needs n ≥ min · weights.length).
   */
  static int[] apportion(double[] weights, int n, int min) {
    int m = weights.length;
    int free = n - min * m;
    double total = Arrays.stream(weights).sum();
    int[] counts = new int[m];
    double[] rem = new double[m];
    int given = 0;
    for (int c = 0; c < m; c++) {
      double exact = free * weights[c] / total;
      counts[c] = (int) Math.floor(exact);
      rem[c] = exact - counts[c];
      given += counts[c];
    }
    Integer[] byRemainder = new Integer[m];
    for (int c = 0; c < m; c++) byRemainder[c] = c;
    Arrays.sort(byRemainder, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
    for (int i = 0; given < free; i++, given++) counts[byRemainder[i % m]]++;
    for (int c = 0; c < m; c++) counts[c] += min;
    return counts;
  }

  /** One draw of Dirichlet(α, ..., α) over {@code clients}, computed in log space so tiny α never gives 0/0. */
  static double[] dirichletShares(int clients, double alpha, SplittableRandom rng) {
    double[] logG = new double[clients];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < clients; c++) {
      logG[c] = logGamma(alpha, rng);
      max = Math.max(max, logG[c]);
    }
    double[] p = new double[clients];
    double sum = 0;
    for (int c = 0; c < clients; c++) sum += p[c] = Math.exp(logG[c] - max);
    for (int c = 0; c < clients; c++) p[c] /= sum;
    return p;
  }

  /**
   * The log of a Gamma(shape, 1) draw: Marsaglia and Tsang (2000), with the boost Gamma(a) = Gamma(a + 1) · U^(1/a)
   * for a &lt; 1 (applied in log space).
   */
  static double logGamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      double u = 1 - rng.nextDouble(); // (0, 1]
      return logGamma(shape + 1, rng) + Math.log(u) / shape;
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    double[] z = new double[1];
    while (true) {
      Randoms.fillGaussian(rng, z);
      double v = 1 + c * z[0];
      if (v <= 0) continue;
      v = v * v * v;
      double u = rng.nextDouble();
      if (u > 0 && Math.log(u) < 0.5 * z[0] * z[0] + d - d * v + d * Math.log(v)) return Math.log(d * v);
    }
  }
}
