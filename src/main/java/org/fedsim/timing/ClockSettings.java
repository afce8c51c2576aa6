package org.fedsim.timing;

import java.time.Duration;

/**
 * Which clock a run keeps. {@code VIRTUAL}: hospitals report how long their work would have taken and the server
 * decides from those simulated times (as fast as the CPU allows, reproducible). {@code REAL}: the same durations
 * really elapse, scaled by {@code timeScale} real milliseconds per simulated millisecond, and the deadline is an
 * Akka timer.
 */
public record ClockSettings(Mode mode, double timeScale) {
  public enum Mode { VIRTUAL, REAL }

  public ClockSettings {
    if (!(timeScale > 0)) throw new IllegalArgumentException("timing.time-scale must be > 0, got " + timeScale);
  }

  public static ClockSettings virtual() {
    return new ClockSettings(Mode.VIRTUAL, 1);
  }

  public boolean isVirtual() {
    return mode == Mode.VIRTUAL;
  }

  /** The real time that {@code simulatedMillis} takes on this clock (zero on the virtual clock). */
  public Duration real(double simulatedMillis) {
    if (isVirtual() || !(simulatedMillis > 0)) return Duration.ZERO;
    return Duration.ofNanos(Math.round(simulatedMillis * timeScale * 1e6));
  }
}
