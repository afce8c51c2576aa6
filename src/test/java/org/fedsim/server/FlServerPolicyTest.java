package org.fedsim.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fedsim.aggregation.FedAvg;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.timing.ClockSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Round policies: deadlines on both clocks, over-selection, missed quorum, late updates, absences. */
class FlServerPolicyTest {
  static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load("test")));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final Duration GUARD = Duration.ofMinutes(5);
  static final ModelWeights ZERO = new ModelWeights(new float[] {0f});

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static RoundPolicy policy(double deadlineMs, int quorum, double overSelection, RoundPolicy.LateUpdates late,
      RoundPolicy.QuorumMissed missed) {
    RoundPolicy.DeadlineKind kind = deadlineMs > 0 ? RoundPolicy.DeadlineKind.ABSOLUTE : RoundPolicy.DeadlineKind.NONE;
    return new RoundPolicy(kind, deadlineMs, quorum, overSelection, late, 0.5, missed);
  }

  record Fed(List<TestProbe<HospitalProtocol.Command>> hospitals, TestProbe<RunEvent> listener) {
    HospitalProtocol.TrainRequest train(int i) {
      return hospitals.get(i).expectMessageClass(HospitalProtocol.TrainRequest.class);
    }

    void evaluateAll() {
      for (int i = 0; i < hospitals.size(); i++) {
        HospitalProtocol.EvaluateRequest e = hospitals.get(i).expectMessageClass(HospitalProtocol.EvaluateRequest.class);
        e.replyTo().tell(new ServerProtocol.EvaluationReport(e.round(), "S" + i, 10, 5, 0.5, 0.5, 0.7));
      }
    }

    RunEvent.RoundCompleted round() {
      return listener.expectMessageClass(RunEvent.RoundCompleted.class);
    }
  }

  static Fed start(int n, int rounds, double fraction, RoundPolicy policy, ClockSettings clock) {
    List<TestProbe<HospitalProtocol.Command>> probes = new ArrayList<>();
    List<FlServer.Site> sites = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestProbe<HospitalProtocol.Command> p = testKit.createTestProbe();
      probes.add(p);
      sites.add(new FlServer.Site("S" + i, p.ref()));
    }
    TestProbe<RunEvent> listener = testKit.createTestProbe();
    ServerSettings s = new ServerSettings(rounds, fraction, 1, GUARD, GUARD, 1, 8, 3, policy, clock);
    testKit.spawn(FlServer.create(s, sites, ZERO, new FedAvg(true), listener.ref(), Map.of()));
    return new Fed(probes, listener);
  }

  static void update(HospitalProtocol.TrainRequest req, String site, float w, double simMs) {
    req.replyTo().tell(new ServerProtocol.LocalUpdate(req.round(), site, new ModelWeights(new float[] {w}), 10, 0.5,
        Double.NaN, simMs));
  }

  @Test
  void anUpdateFinishingAfterTheSimulatedDeadlineIsLateAndLeftOut() {
    Fed f = start(2, 1, 1.0, policy(1000, 1, 1, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.SKIP),
        ClockSettings.virtual());
    update(f.train(0), "S0", 1f, 500);
    update(f.train(1), "S1", 9f, 1500);
    f.evaluateAll();
    RunEvent.RoundCompleted r = f.round();
    assertEquals(SiteStatus.TRAINED, r.sites().get(0).status());
    assertEquals(SiteStatus.LATE, r.sites().get(1).status());
    assertFalse(r.sites().get(1).participated());
    assertArrayEquals(new float[] {1f}, r.global().values());
    assertEquals(1000, r.simulatedMillis(), 1e-9, "the server waited until the deadline for the late one");
    assertEquals(1500, r.sites().get(1).simulatedMillis(), 1e-9);
  }

  @Test
  void overSelectionKeepsTheFirstMUpdatesToArrive() {
    // fraction 0.5 of 4 sites: m = 2; over-selection 2: ask all 4, keep the 2 fastest
    Fed f = start(4, 1, 0.5, policy(0, 1, 2.0, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.SKIP),
        ClockSettings.virtual());
    double[] sim = {400, 100, 300, 200};
    for (int i = 0; i < 4; i++) update(f.train(i), "S" + i, i, sim[i]);
    f.evaluateAll();
    RunEvent.RoundCompleted r = f.round();
    assertEquals(4, r.selected());
    assertEquals(2, r.accepted());
    assertTrue(r.sites().get(1).participated() && r.sites().get(3).participated());
    assertEquals(SiteStatus.LATE, r.sites().get(0).status());
    assertEquals(SiteStatus.LATE, r.sites().get(2).status());
    assertArrayEquals(new float[] {2f}, r.global().values(), 1e-6f); // mean of sites 1 and 3
    assertEquals(200, r.simulatedMillis(), 1e-9, "the round ends with the m-th update");
  }

  @Test
  void aMissedQuorumSkipsTheRoundAndKeepsTheGlobalModel() {
    Fed f = start(2, 1, 1.0, policy(1000, 2, 1, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.SKIP),
        ClockSettings.virtual());
    update(f.train(0), "S0", 1f, 500);
    update(f.train(1), "S1", 9f, 1500);
    f.evaluateAll();
    RunEvent.RoundCompleted r = f.round();
    assertEquals("skipped:quorum-missed", r.decision());
    assertEquals(ZERO, r.global());
    assertEquals(0, r.accepted());
    assertEquals(SiteStatus.TRAINED, r.sites().get(0).status(), "on time, but not enough of them");
  }

  @Test
  void aMissedQuorumCanExtendTheDeadlineOnce() {
    Fed f = start(2, 1, 1.0, policy(1000, 2, 1, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.EXTEND),
        ClockSettings.virtual());
    update(f.train(0), "S0", 1f, 500);
    update(f.train(1), "S1", 3f, 1500); // within the doubled deadline of 2000
    f.evaluateAll();
    RunEvent.RoundCompleted r = f.round();
    assertEquals("aggregated:deadline-extended", r.decision());
    assertEquals(2, r.accepted());
    assertArrayEquals(new float[] {2f}, r.global().values(), 1e-6f);
  }

  @Test
  void aLateUpdateCanBeFoldedIntoTheNextRoundWithItsStalenessWeight() {
    Fed f = start(2, 2, 1.0, policy(1000, 1, 1, RoundPolicy.LateUpdates.FOLD, RoundPolicy.QuorumMissed.SKIP),
        ClockSettings.virtual());
    update(f.train(0), "S0", 1f, 500);
    update(f.train(1), "S1", 7f, 1500);
    f.evaluateAll();
    assertArrayEquals(new float[] {1f}, f.round().global().values(), 1e-6f);
    update(f.train(0), "S0", 4f, 500);
    update(f.train(1), "S1", 4f, 1500); // late again: waits for round 3
    f.evaluateAll();
    // round 2 = (10·4 + 0.5·10·7) / (10 + 5) = 5: S0's fresh update and S1's round-1 update at half weight
    assertArrayEquals(new float[] {5f}, f.round().global().values(), 1e-5f);
  }

  @Test
  void offlineAndCrashedSitesAreRecordedAsSuch() {
    Fed f = start(3, 1, 1.0, policy(0, 1, 1, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.SKIP),
        ClockSettings.virtual());
    update(f.train(0), "S0", 1f, 100);
    HospitalProtocol.TrainRequest r1 = f.train(1);
    r1.replyTo().tell(new ServerProtocol.NoUpdate(1, "S1", ServerProtocol.Absence.OFFLINE, 0));
    HospitalProtocol.TrainRequest r2 = f.train(2);
    r2.replyTo().tell(new ServerProtocol.NoUpdate(1, "S2", ServerProtocol.Absence.CRASHED, 50));
    f.evaluateAll();
    RunEvent.RoundCompleted r = f.round();
    assertEquals("offline", r.sites().get(1).statusLabel());
    assertEquals("crashed", r.sites().get(2).statusLabel());
    assertEquals(1, r.accepted());
  }

  @Test
  void onTheRealClockTheDeadlineIsATimerScaledFromSimulatedTime() {
    // 1 simulated ms = 1 real ms: a 1000 ms deadline is a 1 s timer
    Fed f = start(2, 1, 1.0, policy(1000, 1, 1, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.SKIP),
        new ClockSettings(ClockSettings.Mode.REAL, 1.0));
    update(f.train(0), "S0", 1f, 0);
    HospitalProtocol.TrainRequest slow = f.train(1);
    time.expectNoMessageFor(Duration.ofMillis(999), f.hospitals().get(0));
    time.timePasses(Duration.ofMillis(1));
    update(slow, "S1", 9f, 0); // arrives after the timer: ignored
    f.evaluateAll();
    RunEvent.RoundCompleted r = f.round();
    assertEquals(SiteStatus.DROPOUT, r.sites().get(1).status());
    assertArrayEquals(new float[] {1f}, r.global().values());
  }

  @Test
  void onTheRealClockAnUpdateArrivingAfterTheDeadlineIsStillChargedToItsSite() {
    PrivacyLedger.Mechanism local = new PrivacyLedger.Mechanism(PrivacyLedger.Kind.LOCAL, 5.0, 1.0, 1e-5);
    List<TestProbe<HospitalProtocol.Command>> probes = new ArrayList<>();
    List<FlServer.Site> sites = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      TestProbe<HospitalProtocol.Command> p = testKit.createTestProbe();
      probes.add(p);
      sites.add(new FlServer.Site("S" + i, p.ref()));
    }
    TestProbe<RunEvent> listener = testKit.createTestProbe();
    ServerSettings s = new ServerSettings(2, 1.0, 1, GUARD, GUARD, 1, 8, 3,
        policy(1000, 1, 1, RoundPolicy.LateUpdates.DISCARD, RoundPolicy.QuorumMissed.SKIP),
        new ClockSettings(ClockSettings.Mode.REAL, 1.0), local, Double.NaN);
    testKit.spawn(FlServer.create(s, sites, ZERO, new FedAvg(true), listener.ref(), Map.of()));
    Fed f = new Fed(probes, listener);
    update(f.train(0), "S0", 1f, 0);
    HospitalProtocol.TrainRequest slow = f.train(1);
    time.timePasses(Duration.ofMillis(1000));
    update(slow, "S1", 9f, 0); // released by its hospital, after the deadline: not used, but spent
    f.evaluateAll();
    RunEvent.RoundCompleted r1 = f.round();
    assertEquals(SiteStatus.DROPOUT, r1.sites().get(1).status());
    double once = org.fedsim.privacy.RdpAccountant.compose(1.0, 5.0, 1).epsilon(1e-5).epsilon();
    assertEquals(once, r1.sites().get(0).epsilon(), 1e-9);
    assertEquals(once, r1.sites().get(1).epsilon(), 1e-9, "S1's late release is charged");
  }
}
