package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerProtocolTest {
  static WorkerResult sample(double auc) {
    return new WorkerResult("seed-mimic", 1, 25, 2, 12.5, 20.25, 30250, 175, 0.7123, auc, 123.4, 3.2, 1.1, 0.5,
        1.5, "17.0.12", List.of("-Xmx4g", "-XX:+UseParallelGC"), "1", 2,
        List.of(new WorkerResult.RunOutcome("seed=1", 25, 12.4, 30250, 175, 0.7123, auc)), "dl4j", 1, auc, auc);
  }

  @Test
  void roundTripsThroughOneLine() {
    WorkerResult r = sample(0.78);
    String line = WorkerProtocol.format(r);
    assertTrue(line.startsWith("BENCH {"));
    assertFalse(line.contains("\n"));
    assertEquals(r, WorkerProtocol.parse(line));
    assertEquals(2420.0, r.stepsPerSecond(), 1e-9);
    assertEquals(14.0, r.updatesPerSecond(), 1e-9);
  }

  @Test
  void nanSurvivesTheRoundTrip() {
    WorkerResult back = WorkerProtocol.parse(WorkerProtocol.format(sample(Double.NaN)));
    assertTrue(Double.isNaN(back.finalAuc()));
    assertTrue(Double.isNaN(back.perRun().get(0).finalAuc()));
    assertTrue(Double.isNaN(back.warmupRunSeconds()));
    assertTrue(Double.isNaN(back.warmupFinalAccuracy()));
  }

  @Test
  void findsTheResultAmongOtherStdoutLines() {
    String line = WorkerProtocol.format(sample(0.78));
    List<String> stdout = List.of("some native library chatter", line, "");
    assertEquals(sample(0.78), WorkerProtocol.find(stdout).orElseThrow());
    assertTrue(WorkerProtocol.find(List.of("nothing here")).isEmpty());
  }

  @Test
  void ignoresUnknownKeysAndRejectsGarbage() {
    String line = WorkerProtocol.format(sample(0.78));
    String extended = line.replaceFirst("\\{", "{\"futureField\":42,");
    assertEquals(0.7123, WorkerProtocol.parse(extended).finalAccuracy(), 0);
    assertThrows(IllegalArgumentException.class, () -> WorkerProtocol.parse("BENCH {not json"));
    assertThrows(IllegalArgumentException.class, () -> WorkerProtocol.parse("RESULT {}"));
    assertThrows(IllegalArgumentException.class, () -> WorkerProtocol.parse(null));
  }
}
