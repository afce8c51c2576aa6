package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void theBarCountsRunsAndRoundsAndEstimatesTheRestFromTheRoundsDone() {
    long t0 = 1_000_000_000L;
    Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), false, 2, 8, t0);
    assertTrue(p.line(t0).endsWith("ETA ?"), p.line(t0));
    p.runStarted("seed=1");
    p.round("seed=1", 1, 4);
    p.round("seed=1", 2, 4);
    // 2 of 8 rounds in 10 s: 6 more take 30 s
    assertEquals("[#######.....................] 0/2 runs  2/8 rounds  seed=1 2/4  ETA 30s", p.line(t0 + 10_000_000_000L));
    p.round("seed=1", 3, 4);
    p.round("seed=1", 4, 4);
    p.runFinished("seed=1");
    assertEquals("[##############..............] 1/2 runs  4/8 rounds  ETA 2m00s", p.line(t0 + 120_000_000_000L));
    assertEquals("1h01m", Progress.duration(3660));
  }

  @Test
  void anInactiveBarPrintsNothingAndAnActiveOneRedrawsInPlace() {
    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    try (Progress p = new Progress(new PrintStream(quiet), false, 1, 2)) {
      p.runStarted("a");
      p.round("a", 1, 2);
      p.runFinished("a");
    }
    assertEquals(0, quiet.size());
    ByteArrayOutputStream tty = new ByteArrayOutputStream();
    try (Progress p = new Progress(new PrintStream(tty), true, 1, 2)) {
      p.runStarted("a");
      p.runFinished("a");
    }
    String out = tty.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("\r\033[K["), out);
    assertTrue(out.contains("1/1 runs") && out.endsWith(System.lineSeparator()), out);
  }
}
