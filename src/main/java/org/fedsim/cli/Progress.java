package org.fedsim.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A one-line progress bar over a sweep's runs and their rounds, with an ETA from the rounds done so far, redrawn in
 * place (carriage return) at most ten times a second. Inactive (prints nothing) unless output is a terminal and not
 * --quiet. Thread-safe: runs that go on side by side report to it from their own threads.
 */
final class Progress implements AutoCloseable {
  static final int WIDTH = 28;
  private final PrintStream out;
  private final boolean active;
  private final int runs;
  private final int totalRounds;
  private final long start;
  private final Map<String, String> current = new LinkedHashMap<>();
  private int runsDone;
  private int roundsDone;
  private long lastDraw;
  private boolean drawn;

  Progress(PrintStream out, boolean active, int runs, int totalRounds) {
    this(out, active, runs, totalRounds, System.nanoTime());
  }

  /** With the instant the work started (System.nanoTime()), for the ETA. */
  Progress(PrintStream out, boolean active, int runs, int totalRounds, long startNanos) {
    this.start = startNanos;
    this.out = out;
    this.active = active;
    this.runs = runs;
    this.totalRounds = Math.max(1, totalRounds);
  }

  /** A bar only on a terminal (System.console() is null when output is redirected or piped) and without --quiet. */
  static boolean enabled(boolean quiet) {
    return !quiet && System.console() != null;
  }

  boolean active() {
    return active;
  }

  synchronized void runStarted(String run) {
    current.put(run, "starting");
    draw(false);
  }

  synchronized void round(String run, int round, int rounds) {
    roundsDone++;
    current.put(run, round + "/" + rounds);
    draw(false);
  }

  synchronized void runFinished(String run) {
    runsDone++;
    current.remove(run);
    draw(true);
  }

  /** A line of its own above the bar. */
  synchronized void println(String line) {
    clear();
    out.println(line);
    draw(true);
  }

  /** Removes the bar so that other output starts on a clean line (it comes back at the next update). */
  synchronized void clear() {
    if (active && drawn) {
      out.print("\r\033[K");
      out.flush();
      drawn = false;
    }
  }

  /** The bar's text: {@code [#####.....]  3/27 runs  80/675 rounds  eps=0.1,seed=2 13/25  ETA 1m05s}. */
  synchronized String line(long nowNanos) {
    double done = Math.min(1, roundsDone / (double) totalRounds);
    int filled = (int) Math.round(done * WIDTH);
    StringBuilder b = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
    b.append(String.format(Locale.ROOT, "%d/%d runs  %d/%d rounds", runsDone, runs, roundsDone, totalRounds));
    current.forEach((run, at) -> b.append("  ").append(run).append(' ').append(at));
    double elapsed = (nowNanos - start) / 1e9;
    b.append("  ETA ").append(roundsDone == 0 ? "?" : duration(elapsed * (totalRounds - roundsDone) / roundsDone));
    return b.toString();
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) return s + "s";
    if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  private void draw(boolean force) {
    if (!active) return;
    long now = System.nanoTime();
    if (!force && now - lastDraw < 100_000_000L) return;
    lastDraw = now;
    String text = line(now);
    if (text.length() > 160) text = text.substring(0, 157) + "...";
    out.print("\r\033[K" + text);
    out.flush();
    drawn = true;
  }

  @Override
  public synchronized void close() {
    if (active && drawn) {
      out.println();
      drawn = false;
    }
  }
}
