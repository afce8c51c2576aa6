package org.fedsim.server;

/** What happened to one site in one round's training phase. */
public enum SiteStatus {
  /** Selected, replied in time, update accepted into the aggregate. */
  TRAINED("trained"),
  /** Selected, but nothing arrived by the round deadline (real clock, or a silent site). */
  DROPOUT("dropped"),
  /** Selected and trained, but its update came after the deadline, or after the first m of an over-selection. */
  LATE("late"),
  /** Selected, but offline this round. */
  OFFLINE("offline"),
  /** Selected, but crashed mid-training. */
  CRASHED("crashed"),
  /** Selected and replied, but the update failed validation (see the reason). */
  REJECTED("rejected"),
  /** Not yet a member: scripted to join at a later round. */
  NOT_JOINED("not_joined"),
  /** Left the federation for good (scripted). */
  LEFT("left"),
  /** Its cluster node was lost (downed), and it has not rejoined yet: it cannot be selected. */
  UNREACHABLE("unreachable"),
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
