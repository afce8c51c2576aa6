package org.fedsim.data;

/** How features are standardised. */
public enum Scaling {
  /** No scaling. */
  NONE,
  /** One StandardScaler fit on every row of every site, as the seed study did. */
  POOLED,
  /** Each site fits its own scaler on its own training rows only (nothing leaves the site). */
  PER_SITE
}
