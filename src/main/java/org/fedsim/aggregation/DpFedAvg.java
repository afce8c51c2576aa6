package org.fedsim.aggregation;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.fedsim.common.Seeds;
import org.fedsim.privacy.L2Clipper;

/**
 * Central differential privacy: DP-FedAvg (McMahan et al. 2018) with optional adaptive clipping (Andrew et al.
 * 2021). Each update (local − global) is clipped to L2 norm C; the clipped updates are summed, N(0, (z·C)²) is added
 * to every coordinate, and the sum is divided by the <em>expected</em> number of participants (a fixed denominator,
 * so one hospital's presence changes the sum by at most C). Noise is drawn from a generator seeded by (seed, round).
 *
 * <p>Adaptive clipping moves C geometrically toward the {@code targetQuantile} of update norms:
 * C ← C·exp(−η(b̃ − γ)), where b̃ is the fraction of updates at or under C, counted with N(0, σ_b²) noise. Paying
 * for that count, the value noise multiplier is raised so that the total stays z:
 * z_Δ = (z⁻² − (2σ_b)⁻²)^(−1/2).
 */
public final class DpFedAvg implements AggregationStrategy {

  /** Adaptive clipping: quantile γ, learning rate η, noise σ_b on the clipped count (0: expected participants/20). */
  public record Adaptive(double targetQuantile, double learningRate, double countNoise) {
    public Adaptive {
      if (!(targetQuantile > 0 && targetQuantile < 1)) {
        throw new IllegalArgumentException("privacy.adaptive-clipping.target-quantile must be in (0, 1)");
      }
      if (!(learningRate > 0)) throw new IllegalArgumentException("privacy.adaptive-clipping.learning-rate must be > 0");
      if (!(countNoise >= 0)) throw new IllegalArgumentException("privacy.adaptive-clipping.count-noise must be >= 0");
    }

    /** With count-noise 0 replaced by the paper's default, expected participants / 20. */
    public Adaptive resolved(double expectedParticipants) {
      return countNoise > 0 ? this : new Adaptive(targetQuantile, learningRate, expectedParticipants / 20);
    }
  }

  private final double noiseMultiplier;
  private final double valueNoiseMultiplier;
  private final double expectedParticipants;
  private final long seed;
  private final Adaptive adaptive;
  private double clippingNorm;

  /**
   * @param clippingNorm C (the initial C with adaptive clipping)
   * @param noiseMultiplier z: total noise std over C
   * @param expectedParticipants the fixed denominator (sampled fraction × number of sites)
   * @param adaptive null for a fixed C
   */
  public DpFedAvg(double clippingNorm, double noiseMultiplier, double expectedParticipants, long seed,
      Adaptive adaptive) {
    if (!(clippingNorm > 0)) throw new IllegalArgumentException("privacy.clipping-norm must be > 0");
    if (!(noiseMultiplier >= 0)) throw new IllegalArgumentException("privacy.noise-multiplier must be >= 0");
    if (!(expectedParticipants > 0)) throw new IllegalArgumentException("expected participants must be > 0");
    this.clippingNorm = clippingNorm;
    this.noiseMultiplier = noiseMultiplier;
    this.expectedParticipants = expectedParticipants;
    this.seed = seed;
    this.adaptive = adaptive == null ? null : adaptive.resolved(expectedParticipants);
    this.valueNoiseMultiplier = this.adaptive == null ? noiseMultiplier
        : valueMultiplier(noiseMultiplier, this.adaptive.countNoise());
  }

  /** z_Δ = (z⁻² − (2σ_b)⁻²)^(−1/2): what is left for the values once the count has taken its share. */
  static double valueMultiplier(double z, double countNoise) {
    if (z == 0) return 0;
    double rest = 1 / (z * z) - 1 / (4 * countNoise * countNoise);
    if (!(rest > 0)) {
      throw new IllegalArgumentException("privacy.adaptive-clipping.count-noise " + countNoise
          + " is too small for noise multiplier " + z + ": it must exceed z/2 = " + z / 2);
    }
    return 1 / Math.sqrt(rest);
  }

  public double clippingNorm() {
    return clippingNorm;
  }

  /** The noise multiplier on the values (z, or z_Δ with adaptive clipping). */
  public double valueNoiseMultiplier() {
    return valueNoiseMultiplier;
  }

  @Override
  public Optional<float[]> aggregate(int round, List<ClientUpdate> updates, float[] global) {
    if (updates.isEmpty()) return Optional.empty();
    int d = global.length;
    double[] sum = new double[d];
    int unclipped = 0;
    float[] delta = new float[d];
    for (ClientUpdate u : updates) {
      float[] p = u.params();
      if (p.length != d) {
        throw new IllegalArgumentException("update from " + u.site() + " has " + p.length + " parameters, expected " + d);
      }
      for (int i = 0; i < d; i++) delta[i] = p[i] - global[i];
      double norm = L2Clipper.l2Norm(delta);
      if (norm <= clippingNorm) unclipped++;
      double scale = norm > clippingNorm ? clippingNorm / norm : 1;
      for (int i = 0; i < d; i++) sum[i] += scale * delta[i];
    }
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.DP_NOISE, -1, round));
    double std = valueNoiseMultiplier * clippingNorm;
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      out[i] = (float) (global[i] + (sum[i] + std * rng.nextGaussian()) / expectedParticipants);
    }
    if (adaptive != null) {
      double noisyFraction = (unclipped + adaptive.countNoise() * rng.nextGaussian()) / expectedParticipants;
      clippingNorm *= Math.exp(-adaptive.learningRate() * (noisyFraction - adaptive.targetQuantile()));
    }
    return Optional.of(out);
  }

  @Override
  public List<Double> state() {
    return List.of(clippingNorm);
  }

  @Override
  public void restore(List<Double> state) {
    if (state.size() != 1 || !(state.get(0) > 0)) throw new IllegalArgumentException("bad DP-FedAvg state " + state);
    clippingNorm = state.get(0);
  }
}
