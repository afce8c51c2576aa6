package org.fedsim.data;

/**
 * Preprocessing steps, in the order they run: undersample the majority class over the whole cohort
 * ({@code balance}), split each site into training and validation rows stratified by label, then scale.
 *
 * @param balance undersample the majority class to a 50/50 cohort
 * @param scaling how to standardise features
 * @param validationFraction fraction of each site's rows (per class) held out for validation, in (0, 1)
 * @param seed seeds balancing and splitting
 */
public record PreprocessSettings(boolean balance, Scaling scaling, double validationFraction, long seed) {
  public PreprocessSettings {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validation-fraction must be in (0, 1), got " + validationFraction);
    }
  }
}
