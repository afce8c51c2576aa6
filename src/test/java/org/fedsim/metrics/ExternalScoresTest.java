package org.fedsim.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalScoresTest {
  @Test
  void eachRunKeepsItsExternalSitesLastRound() {
    String csv = FairnessTest.HEADER
        + FairnessTest.row("a", 1, "s", 10, "0.7", "0.7", "trained")
        + FairnessTest.row("a", 1, "X", 30, "0.500000", "0.5", "external")
        + FairnessTest.row("a", 1, "Y", 20, "0.400000", "", "external")
        + FairnessTest.row("a", 2, "X", 30, "0.600000", "0.6", "external")
        + FairnessTest.row("a", 2, "Y", 20, "0.650000", "0.7", "external")
        + FairnessTest.row("b", 1, "X", 30, "0.550000", "0.5", "external");
    Map<String, List<ExternalScores.Score>> last = ExternalScores.lastRound(csv);
    assertEquals(List.of(new ExternalScores.Score("X", 2, 30, 0.6, 0.6), new ExternalScores.Score("Y", 2, 20, 0.65, 0.7)),
        last.get("a"));
    assertEquals(1, last.get("b").size());
    assertEquals(List.of("a", "b"), List.copyOf(last.keySet()));
  }
}
