package org.fedsim.server;

/** What happened to one site in one round's training phase. */
public enum SiteStatus {
  /** Selected, replied in time, update accepted into the aggregate. */
  TRAINED("trained"),
  /** Selected, but no reply by the round deadline. */
  DROPOUT("dropout"),
  /** Selected and replied, but the update failed validation (see the reason). */
  REJECTED("rejected"),
  /** Not selected this round. */
  NOT_SELECTED("not_selected");

  private final String label;

  SiteStatus(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
