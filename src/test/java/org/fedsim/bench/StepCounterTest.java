package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;
import org.fedsim.server.SiteStatus;
import org.junit.jupiter.api.Test;

class StepCounterTest {
  @Test
  void stepsPerRoundCountThePartialLastBatch() {
    assertEquals(50, StepCounter.stepsPerRound(150, 32, 10)); // 4 full + 1 partial, 10 epochs
    assertEquals(40, StepCounter.stepsPerRound(128, 32, 10)); // exact multiple: no extra batch
    assertEquals(10, StepCounter.stepsPerRound(1, 32, 10));
    assertEquals(0, StepCounter.stepsPerRound(0, 32, 10));
    assertThrows(IllegalArgumentException.class, () -> StepCounter.stepsPerRound(10, 0, 1));
  }

  @Test
  void theSeedSplitTakes1210StepsPerRound() {
    // the peer's README: train sizes 2371, 414, 376, 225, 150, 150, 75 -> 121 batches x 10 epochs
    int[] train = {2371, 414, 376, 225, 150, 150, 75};
    long perRound = 0;
    for (int n : train) perRound += StepCounter.stepsPerRound(n, 32, 10);
    assertEquals(1210, perRound);
  }

  @Test
  void onlySitesThatTrainedCount() {
    RunEvent.RoundCompleted r1 = round(1, 2, site("A", SiteStatus.TRAINED, 100), site("B", SiteStatus.TRAINED, 64),
        site("C", SiteStatus.NOT_SELECTED, 500));
    RunEvent.RoundCompleted r2 = round(2, 1, site("A", SiteStatus.TRAINED, 100), site("B", SiteStatus.REJECTED, 64),
        site("C", SiteStatus.DROPOUT, 500));
    // A: ceil(100/32)=4, B: 2 -> round 1: (4+2)*2 = 12; round 2: A and the rejected B trained: 12 again
    assertEquals(24, StepCounter.steps(List.of(r1, r2), 32, 2));
    assertEquals(3, StepCounter.acceptedUpdates(List.of(r1, r2)));
  }

  private static SiteRound site(String name, SiteStatus status, int nTrain) {
    return new SiteRound(name, status, "", nTrain, 10, 0.5, 0.5, 0.7, 0.7, Double.NaN);
  }

  private static RunEvent.RoundCompleted round(int n, int accepted, SiteRound... sites) {
    return new RunEvent.RoundCompleted(n, 2, sites.length, accepted, List.of(sites), new ModelWeights(new float[1]));
  }
}
