package org.fedsim.privacy;

/** How the Gaussian noise standard deviation is derived from (ε, δ, sensitivity). */
public enum Calibration {
  /**
   * Dwork &amp; Roth (2014), Thm A.1: {@code σ = Δ·sqrt(2 ln(1.25/δ))/ε}. This is what Flower's
   * {@code LocalDpMod} uses. The theorem is proven only for ε &lt; 1; for larger ε the formula
   * still sets a noise level but does not guarantee (ε, δ)-DP (with δ = 1e-5 it is violated for
   * ε ≳ 7). See {@link GaussianCalibration#sigmaClassic}.
   */
  CLASSIC,
  /**
   * Balle &amp; Wang (2018), Thm 8: the smallest σ that gives exactly (ε, δ)-DP for every ε &gt; 0.
   * See {@link GaussianCalibration#sigmaAnalytic}.
   */
  ANALYTIC
}
