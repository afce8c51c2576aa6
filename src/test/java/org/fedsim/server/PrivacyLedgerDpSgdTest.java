package org.fedsim.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fedsim.privacy.RdpAccountant;
import org.fedsim.server.PrivacyLedger.Mechanism;
import org.junit.jupiter.api.Test;

/** DP-SGD accounting: each site separately, epochs × ⌈n/batch⌉ subsampled Gaussian steps at q = batch / n. */
class PrivacyLedgerDpSgdTest {
  private final Mechanism dpSgd = Mechanism.dpSgd(1.1, 1e-5, Map.of("big", 1000, "small", 50, "tiny", 6), 32, 3);

  @Test
  void eachSiteIsAccountedWithItsOwnSamplingRate() {
    PrivacyLedger ledger = PrivacyLedger.start(dpSgd).after(List.of("big", "small", "tiny"), List.of(), false);
    assertEquals(RdpAccountant.compose(32 / 1000.0, 1.1, 3 * 32).epsilon(1e-5).epsilon(), ledger.epsilon("big"), 1e-12);
    assertEquals(RdpAccountant.compose(32 / 50.0, 1.1, 3 * 2).epsilon(1e-5).epsilon(), ledger.epsilon("small"), 1e-12);
    assertEquals(RdpAccountant.compose(1.0, 1.1, 3).epsilon(1e-5).epsilon(), ledger.epsilon("tiny"), 1e-12);
    assertTrue(ledger.epsilon("big") < ledger.epsilon("small"));
  }

  @Test
  void onlySitesThatTrainedSpendAndTheTargetStopsBeforeExceeding() {
    PrivacyLedger ledger = PrivacyLedger.start(dpSgd).after(List.of("big"), List.of("big", "small"), true);
    assertEquals(0.0, ledger.epsilon("small"));
    double two = ledger.after(List.of("big"), List.of(), true).epsilon("big");
    assertTrue(ledger.wouldExceed(List.of("big"), two - 1e-9));
    assertFalse(ledger.wouldExceed(List.of("big"), two + 1e-9));
  }
}
