package org.fedsim.timing;

/**
 * One scripted fault or change, from a round on.
 *
 * @param round the round it happens at (1-based)
 * @param site the hospital it happens to
 * @param action what happens
 * @param rounds for {@code OFFLINE}: how many rounds the site stays offline
 * @param factor for {@code SLOW_DOWN}: the factor its compute time is multiplied by from then on
 */
public record ScriptedEvent(int round, String site, Action action, int rounds, double factor) {
  public enum Action {
    /** The hospital's actor really stops when asked to train this round; it is down until a recover. */
    CRASH,
    /** A crashed hospital is restarted, with its data, before this round. */
    RECOVER,
    /** The hospital is offline for {@code rounds} rounds. */
    OFFLINE,
    /** The hospital's compute becomes {@code factor} times slower. */
    SLOW_DOWN,
    /** The hospital joins the federation at this round (it takes no part before). */
    JOIN,
    /** The hospital leaves for good at this round. */
    LEAVE
  }

  public ScriptedEvent {
    if (round < 1) throw new IllegalArgumentException("event round must be >= 1, got " + round);
    if (action == Action.OFFLINE && rounds < 1) throw new IllegalArgumentException("offline needs rounds >= 1");
    if (action == Action.SLOW_DOWN && !(factor > 0)) throw new IllegalArgumentException("slow-down needs factor > 0");
  }
}
