package org.fedsim.timing;

import java.util.List;

/**
 * The scripted events of a run, asked by round: is a site a member of the federation (joined, not left), up (not
 * crashed), online, how slow? Pure: every question is answered from the script alone, so hospitals, the timing
 * model and the server agree without talking.
 */
public final class EventSchedule {
  private final List<ScriptedEvent> events;

  public EventSchedule(List<ScriptedEvent> events) {
    this.events = List.copyOf(events);
  }

  public static EventSchedule none() {
    return new EventSchedule(List.of());
  }

  public List<ScriptedEvent> events() {
    return events;
  }

  private boolean has(String site, ScriptedEvent.Action action) {
    for (ScriptedEvent e : events) if (e.site().equals(site) && e.action() == action) return true;
    return false;
  }

  /** False before the site's join round and from its leave round on. */
  public boolean isMember(String site, int round) {
    for (ScriptedEvent e : events) {
      if (!e.site().equals(site)) continue;
      if (e.action() == ScriptedEvent.Action.JOIN && round < e.round()) return false;
      if (e.action() == ScriptedEvent.Action.LEAVE && round >= e.round()) return false;
    }
    return true;
  }

  /** Whether the site has joined at some round before or at {@code round} (false for a site scripted to join later). */
  public boolean joinsLater(String site, int round) {
    return has(site, ScriptedEvent.Action.JOIN) && !isMember(site, round) && !hasLeft(site, round);
  }

  public boolean hasLeft(String site, int round) {
    for (ScriptedEvent e : events) {
      if (e.site().equals(site) && e.action() == ScriptedEvent.Action.LEAVE && round >= e.round()) return true;
    }
    return false;
  }

  /** The hospital stops itself when asked to train in this round. */
  public boolean crashesAt(String site, int round) {
    for (ScriptedEvent e : events) {
      if (e.site().equals(site) && e.action() == ScriptedEvent.Action.CRASH && e.round() == round) return true;
    }
    return false;
  }

  /** A crashed site is restarted before this round. */
  public boolean recoversAt(String site, int round) {
    for (ScriptedEvent e : events) {
      if (e.site().equals(site) && e.action() == ScriptedEvent.Action.RECOVER && e.round() == round) return true;
    }
    return false;
  }

  /** Inside a scripted offline window. */
  public boolean isOffline(String site, int round) {
    for (ScriptedEvent e : events) {
      if (e.site().equals(site) && e.action() == ScriptedEvent.Action.OFFLINE && round >= e.round()
          && round < e.round() + e.rounds()) {
        return true;
      }
    }
    return false;
  }

  /** The product of the slow-down factors in force at this round. */
  public double slowdown(String site, int round) {
    double f = 1;
    for (ScriptedEvent e : events) {
      if (e.site().equals(site) && e.action() == ScriptedEvent.Action.SLOW_DOWN && round >= e.round()) f *= e.factor();
    }
    return f;
  }
}
