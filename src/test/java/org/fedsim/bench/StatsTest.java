package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(17.3, Stats.median(List.of(22.7, 16.2, 17.3)), 1e-12);
    assertEquals(16.75, Stats.median(List.of(17.3, 22.7, 16.2, 16.2 + 0.0)), 1e-12);
    assertEquals(5.0, Stats.median(List.of(5.0)), 1e-12);
    assertTrue(Double.isNaN(Stats.median(List.of())));
  }

  @Test
  void meanAndRatio() {
    assertEquals(2.0, Stats.mean(List.of(1.0, 2.0, 3.0)), 1e-12);
    assertEquals(2.0, Stats.ratio(17.0, 8.5), 1e-12);
    assertTrue(Double.isNaN(Stats.ratio(1, 0)));
    assertTrue(Double.isNaN(Stats.ratio(Double.NaN, 1)));
  }
}
