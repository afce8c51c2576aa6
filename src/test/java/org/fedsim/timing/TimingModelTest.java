package org.fedsim.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingModelTest {
  static SiteProfile profile(double slowdown, double jitter, double availability, double crash) {
    return new SiteProfile(0.5, 0, slowdown, 50, 100, jitter, availability, crash);
  }

  @Test
  void expectedDurationIsComputePlusTwoTransfers() {
    TimingModel t = new TimingModel(profile(1, 0, 1, 0), Map.of(), 1);
    // 100 rows × 10 epochs × 0.5 ms = 500 ms; 41 params × 4 B × 8 bit / 100 Mbit/s = 0.01312 ms; + 2 × 50 ms
    assertEquals(500 + 2 * (50 + 0.01312), t.expectedMillis("A", 100, 10, 41), 1e-9);
  }

  @Test
  void aSlowdownMultipliesComputeOnlyAndPerSiteProfilesOverrideTheDefault() {
    TimingModel t = new TimingModel(profile(1, 0, 1, 0), Map.of("SLOW", profile(5, 0, 1, 0)), 1);
    double fast = t.expectedMillis("A", 100, 10, 0);
    double slow = t.expectedMillis("SLOW", 100, 10, 0);
    assertEquals(500 + 100, fast, 1e-9);
    assertEquals(2500 + 100, slow, 1e-9);
  }

  @Test
  void workIsDrawnFromSeedSiteAndRoundOnly() {
    TimingModel t = new TimingModel(profile(1, 0.3, 1, 0), Map.of(), 7);
    assertEquals(t.work("A", 3, 100, 10, 41), t.work("A", 3, 100, 10, 41));
    assertNotEquals(t.work("A", 3, 100, 10, 41).simulatedMillis(), t.work("A", 4, 100, 10, 41).simulatedMillis());
    assertNotEquals(t.work("A", 3, 100, 10, 41).simulatedMillis(), t.work("B", 3, 100, 10, 41).simulatedMillis());
    TimingModel other = new TimingModel(profile(1, 0.3, 1, 0), Map.of(), 8);
    assertNotEquals(t.work("A", 3, 100, 10, 41).simulatedMillis(), other.work("A", 3, 100, 10, 41).simulatedMillis());
  }

  @Test
  void availabilityAndCrashProbabilityDecideAbsences() {
    TimingModel never = new TimingModel(profile(1, 0, 0, 0), Map.of(), 1);
    assertFalse(never.work("A", 1, 10, 1, 1).online());
    TimingModel crashing = new TimingModel(profile(1, 0, 1, 1), Map.of(), 1);
    SiteWork w = crashing.work("A", 1, 10, 1, 1);
    assertTrue(w.online() && w.crashed());
    assertTrue(w.simulatedMillis() <= crashing.expectedMillis("A", 10, 1, 1), "it dies part-way through");
  }

  @Test
  void crashesHappenAtAboutTheirProbability() {
    TimingModel t = new TimingModel(profile(1, 0, 1, 0.1), Map.of(), 5);
    int crashed = 0;
    for (int round = 1; round <= 5000; round++) if (t.work("A", round, 10, 1, 1).crashed()) crashed++;
    // binomial(5000, 0.1): mean 500, SD 21; ±100 is ~5 SD
    assertTrue(Math.abs(crashed - 500) < 100, "crashes: " + crashed);
  }

  @Test
  void theRealClockScalesSimulatedTimeAndTheVirtualOneTakesNone() {
    assertEquals(java.time.Duration.ofMillis(20), new ClockSettings(ClockSettings.Mode.REAL, 0.01).real(2000));
    assertEquals(java.time.Duration.ZERO, ClockSettings.virtual().real(2000));
  }
}
