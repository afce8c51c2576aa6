/**
 * Differential-privacy mathematics for fedsim, in plain Java: L2 clipping ({@link
 * org.fedsim.privacy.L2Clipper}), Gaussian-mechanism calibration, classic and analytic ({@link
 * org.fedsim.privacy.GaussianCalibration}), the Gaussian mechanism itself ({@link
 * org.fedsim.privacy.GaussianMechanism}) and Flower-compatible client-side DP for one model update
 * ({@link org.fedsim.privacy.LocalDp}).
 *
 * <p>Caveats that matter when reading an ε: the classic Gaussian formula is proven only for ε
 * &lt; 1; {@link org.fedsim.privacy.LocalDp}'s ε is per round and per client release, and it
 * does not compose itself over rounds.
 */
package org.fedsim.privacy;
