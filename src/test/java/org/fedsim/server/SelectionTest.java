package org.fedsim.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionTest {
  @Test
  void selectsTheCeilingOfTheFractionReproduciblyFromTheSeed() {
    int[] a = ParticipantSelector.select(10, 0.25, 1, 11, 3);
    assertEquals(3, a.length);
    assertArrayEquals(a, ParticipantSelector.select(10, 0.25, 1, 11, 3));
    assertTrue(Arrays.stream(a).allMatch(i -> i >= 0 && i < 10));
    assertEquals(3, Arrays.stream(a).distinct().count());
  }

  @Test
  void theMinimumWinsOverASmallFractionAndNeverExceedsTheSites() {
    assertEquals(4, ParticipantSelector.select(10, 0.1, 4, 3, 1).length);
    assertEquals(5, ParticipantSelector.select(5, 0.1, 9, 3, 1).length);
  }

  @Test
  void fractionOneSelectsEverySiteInOrder() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, ParticipantSelector.select(4, 1.0, 1, 99, 7));
  }

  @Test
  void roundsAndSeedsDrawDifferentSamples() {
    Set<String> seen = new HashSet<>();
    for (int round = 1; round <= 10; round++) seen.add(Arrays.toString(ParticipantSelector.select(20, 0.2, 1, 5, round)));
    assertTrue(seen.size() > 5, "10 rounds of 4-of-20 should rarely repeat: " + seen);
  }

  @Test
  void everySiteIsSelectedAboutAsOftenAsTheFractionSays() {
    int[] counts = new int[10];
    for (int round = 1; round <= 2000; round++) {
      for (int i : ParticipantSelector.select(10, 0.3, 1, 1, round)) counts[i]++;
    }
    // expected 600 per site; binomial SD ≈ 20.5, so ±100 is about 5 SD
    for (int c : counts) assertTrue(Math.abs(c - 600) < 100, Arrays.toString(counts));
  }
}
