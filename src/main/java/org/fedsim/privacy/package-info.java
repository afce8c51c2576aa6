/**
 * Differential-privacy mathematics for fedsim, in plain Java: L2 clipping ({@link
 * org.fedsim.privacy.L2Clipper}), Gaussian-mechanism calibration, classic and analytic ({@link
 * org.fedsim.privacy.GaussianCalibration}), the Gaussian mechanism itself ({@link
 * org.fedsim.privacy.GaussianMechanism}), Flower-compatible client-side DP for one model update
 * ({@link org.fedsim.privacy.LocalDp}), and privacy accounting over many releases: Rényi DP of the
 * Gaussian and the Poisson-subsampled Gaussian ({@link org.fedsim.privacy.GaussianRdp}), an
 * immutable accountant that composes heterogeneous steps ({@link
 * org.fedsim.privacy.RdpAccountant}) and the RDP → (ε, δ) conversions ({@link
 * org.fedsim.privacy.RdpConversion}).
 *
 * <p>Caveats that matter when reading an ε: the classic Gaussian formula is proven only for ε
 * &lt; 1; {@link org.fedsim.privacy.LocalDp}'s ε is per round and per client release, and it
 * does not compose itself over rounds: the cumulative ε over rounds is {@link
 * org.fedsim.privacy.RdpAccountant}'s.
 */
package org.fedsim.privacy;
