package org.fedsim.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedsim.privacy.RdpAccountant;

/**
 * What each site has spent so far, in Rényi DP (composed over the rounds it released an update) and as (ε, δ) at
 * the scenario's δ with the improved conversion. Local DP: each release is a Gaussian mechanism with noise
 * multiplier z = σ/Δ on that site's update (q = 1). Central DP: every round is one subsampled Gaussian with q = the
 * sampled fraction and the value noise multiplier, the same for every site. Immutable.
 */
public final class PrivacyLedger {
  /** How a round costs privacy. */
  public enum Kind { NONE, LOCAL, CENTRAL, DP_SGD }

  /**
   * The mechanism: kind, noise multiplier per release, sampling rate (central), δ; for DP-SGD also each site's
   * number of training rows, the batch size and the local epochs (a site's round is epochs × ⌈n/batch⌉ steps of
   * the Poisson-subsampled Gaussian with q = batch / n).
   */
  public record Mechanism(Kind kind, double noiseMultiplier, double samplingRate, double delta,
      Map<String, Integer> trainingRows, int batchSize, int localEpochs) {
    public Mechanism {
      trainingRows = Map.copyOf(trainingRows);
    }

    public Mechanism(Kind kind, double noiseMultiplier, double samplingRate, double delta) {
      this(kind, noiseMultiplier, samplingRate, delta, Map.of(), 0, 0);
    }

    /** DP-SGD inside each site's training. */
    public static Mechanism dpSgd(double noiseMultiplier, double delta, Map<String, Integer> trainingRows,
        int batchSize, int localEpochs) {
      return new Mechanism(Kind.DP_SGD, noiseMultiplier, Double.NaN, delta, trainingRows, batchSize, localEpochs);
    }

    public static Mechanism none() {
      return new Mechanism(Kind.NONE, 0, 0, Double.NaN);
    }
  }

  private final Mechanism mechanism;
  private final Map<String, RdpAccountant> sites;

  private PrivacyLedger(Mechanism mechanism, Map<String, RdpAccountant> sites) {
    this.mechanism = mechanism;
    this.sites = sites;
  }

  public static PrivacyLedger start(Mechanism mechanism) {
    return new PrivacyLedger(mechanism, new TreeMap<>());
  }

  public Mechanism mechanism() {
    return mechanism;
  }

  /** The ledger after one round: {@code released} are the sites whose update left them (local DP). */
  public PrivacyLedger after(List<String> released, List<String> allSites, boolean aggregated) {
    if (mechanism.kind() == Kind.NONE) return this;
    Map<String, RdpAccountant> next = new TreeMap<>(sites);
    if (mechanism.kind() == Kind.LOCAL) {
      for (String s : released) next.put(s, account(s).step(1.0, mechanism.noiseMultiplier()));
    } else if (mechanism.kind() == Kind.DP_SGD) {
      for (String s : released) next.put(s, dpSgdRound(account(s), s));
    } else if (aggregated) {
      for (String s : allSites) next.put(s, account(s).step(mechanism.samplingRate(), mechanism.noiseMultiplier()));
    }
    return new PrivacyLedger(mechanism, next);
  }

  /** One round of a site's DP-SGD: epochs × ⌈n/batch⌉ subsampled Gaussian steps with q = batch / n. */
  private RdpAccountant dpSgdRound(RdpAccountant a, String site) {
    Integer n = mechanism.trainingRows().get(site);
    if (n == null || n == 0) return a;
    int batch = Math.min(mechanism.batchSize(), n);
    long steps = (long) mechanism.localEpochs() * ((n + batch - 1) / batch);
    return a.steps(batch / (double) n, mechanism.noiseMultiplier(), steps);
  }

  private RdpAccountant account(String site) {
    return sites.getOrDefault(site, RdpAccountant.create());
  }

  /** The site's cumulative ε at δ (NaN without DP; 0 before its first release). */
  public double epsilon(String site) {
    if (mechanism.kind() == Kind.NONE) return Double.NaN;
    RdpAccountant a = sites.get(site);
    return a == null ? 0 : a.epsilon(mechanism.delta()).epsilon();
  }

  /** Would one more release by any of {@code sites} take its ε past {@code target}? */
  public boolean wouldExceed(List<String> candidates, double target) {
    if (mechanism.kind() == Kind.NONE || Double.isNaN(target)) return false;
    PrivacyLedger next = after(candidates, candidates, true);
    for (String s : candidates) if (next.epsilon(s) > target) return true;
    return false;
  }

  /** Per-site RDP vectors (default orders), for checkpoints. */
  public Map<String, List<Double>> rdp() {
    Map<String, List<Double>> out = new TreeMap<>();
    for (Map.Entry<String, RdpAccountant> e : sites.entrySet()) {
      List<Double> v = new ArrayList<>();
      for (double d : e.getValue().rdp()) v.add(d);
      out.put(e.getKey(), v);
    }
    return out;
  }

  /** Restores {@link #rdp()} (default orders). */
  public static PrivacyLedger restore(Mechanism mechanism, Map<String, List<Double>> rdp) {
    Map<String, RdpAccountant> sites = new TreeMap<>();
    double[] orders = RdpAccountant.defaultOrders();
    for (Map.Entry<String, List<Double>> e : rdp.entrySet()) {
      double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      sites.put(e.getKey(), RdpAccountant.restore(orders, v));
    }
    return new PrivacyLedger(mechanism, sites);
  }
}
