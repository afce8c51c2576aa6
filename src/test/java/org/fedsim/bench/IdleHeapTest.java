package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fedsim.data.SiteData;
import org.fedsim.model.Engine;
import org.junit.jupiter.api.Test;

/** The idle-heap child's pure parts: its arguments, its data and its one-line protocol (no measuring here). */
class IdleHeapTest {
  @Test
  void resultsRoundTripThroughOneStdoutLine() {
    IdleHeap.Result r = new IdleHeap.Result("dense", "6-4-2-1", 41, 164, 20_000, 310, 20_000, 1480, 31.5, 9.8,
        List.of("-Xmx4g", "-XX:+UseParallelGC"));
    String line = IdleHeap.format(r);
    assertTrue(line.startsWith("IDLE-HEAP {"));
    assertFalse(line.contains("\n"));
    assertEquals(r, IdleHeap.find(List.of("chatter", line, "")).orElseThrow());
    assertTrue(IdleHeap.find(List.of("BENCH {}", "nothing")).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> IdleHeap.find(List.of("IDLE-HEAP {broken")));
  }

  @Test
  void enginesAndTheirInstanceCounts() {
    assertEquals(Engine.DENSE, IdleHeap.parseEngine(" Dense"));
    assertEquals(Engine.DL4J, IdleHeap.parseEngine("dl4j"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdleHeap.parseEngine("torch"));
    assertTrue(e.getMessage().contains("dense or dl4j"), e.getMessage());
    assertEquals(20_000, IdleHeap.defaultInstances(Engine.DENSE));
    assertEquals(1_000, IdleHeap.defaultInstances(Engine.DL4J));
  }

  @Test
  void theBlobsAreReproducibleAndUseBothLabels() {
    SiteData a = IdleHeap.blobs("H", 200, 6, 1);
    SiteData b = IdleHeap.blobs("H", 200, 6, 1);
    assertEquals(200, a.size());
    assertEquals(6, a.features()[0].length);
    assertArrayEquals(a.labels(), b.labels());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.features()[i], b.features()[i]);
    assertTrue(a.positives() > 50 && a.positives() < 150, "both classes: " + a.positives());
    assertEquals(IdleHeap.SEED_NET.numParams(IdleHeap.INPUTS), 41);
  }
}
