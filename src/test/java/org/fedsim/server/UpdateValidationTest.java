package org.fedsim.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedsim.aggregation.AggregationStrategy;
import org.fedsim.aggregation.FedAvg;
import org.fedsim.aggregation.Krum;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.timing.ClockSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Broken updates are rejected with a reason, count against the quorum, and never stop the run. */
class UpdateValidationTest {
  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("test"));
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final ModelWeights INITIAL = new ModelWeights(new float[] {0f, 0f});

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Sites S0..S{n-1} as probes; the server with the given quorum and norm bound. */
  private record Federation(List<TestProbe<HospitalProtocol.Command>> hospitals, TestProbe<RunEvent> listener) {
    HospitalProtocol.TrainRequest request(int i) {
      return hospitals.get(i).expectMessageClass(HospitalProtocol.TrainRequest.class);
    }

    RunEvent.RoundCompleted evaluateAll() {
      for (int i = 0; i < hospitals.size(); i++) {
        HospitalProtocol.EvaluateRequest e = hospitals.get(i).expectMessageClass(HospitalProtocol.EvaluateRequest.class);
        e.replyTo().tell(new ServerProtocol.EvaluationReport(e.round(), "S" + i, 10, 5, 0.8, 0.9, 0.4));
      }
      return listener.expectMessageClass(RunEvent.RoundCompleted.class);
    }
  }

  private static Federation start(int sites, int rounds, int quorum, double maxNorm, AggregationStrategy strategy) {
    List<TestProbe<HospitalProtocol.Command>> probes = new ArrayList<>();
    List<FlServer.Site> list = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      TestProbe<HospitalProtocol.Command> p = testKit.createTestProbe();
      probes.add(p);
      list.add(new FlServer.Site("S" + i, p.ref()));
    }
    RoundPolicy policy = new RoundPolicy(RoundPolicy.DeadlineKind.NONE, 0, quorum, 1.0,
        RoundPolicy.LateUpdates.DISCARD, 0.5, RoundPolicy.QuorumMissed.SKIP);
    ServerSettings settings = new ServerSettings(rounds, 1.0, 1, TIMEOUT, TIMEOUT, 1, 32, 7, policy,
        ClockSettings.virtual(), PrivacyLedger.Mechanism.none(), Double.NaN, maxNorm);
    TestProbe<RunEvent> listener = testKit.createTestProbe();
    testKit.spawn(FlServer.create(settings, list, INITIAL, strategy, listener.ref()));
    return new Federation(probes, listener);
  }

  private static void reply(HospitalProtocol.TrainRequest req, String site, float[] w, int round, double score) {
    req.replyTo().tell(new ServerProtocol.LocalUpdate(round, site, new ModelWeights(w), 10, 0.5, Double.NaN, 0,
        score));
  }

  private static void reply(HospitalProtocol.TrainRequest req, String site, float[] w) {
    reply(req, site, w, req.round(), Double.NaN);
  }

  @Test
  void nanWrongLengthHugeNormWrongRoundAndBadScoreAreRejectedWithReasonsAndTheRunGoesOn() {
    Federation f = start(6, 2, 1, 100, new FedAvg(true));
    reply(f.request(0), "S0", new float[] {1f, 1f});
    reply(f.request(1), "S1", new float[] {Float.NaN, 1f});
    reply(f.request(2), "S2", new float[] {1f, 1f, 1f});
    reply(f.request(3), "S3", new float[] {1e3f, -1e3f}); // ‖Δ‖ ≈ 1414 > 100
    HospitalProtocol.TrainRequest r4 = f.request(4);
    reply(r4, "S4", new float[] {2f, 2f}, r4.round() + 5, Double.NaN);
    HospitalProtocol.TrainRequest r5 = f.request(5);
    reply(r5, "S5", new float[] {2f, 2f}, r5.round(), 1.5); // a score outside [0, 1]
    RunEvent.RoundCompleted r1 = f.evaluateAll();
    List<String> labels = r1.sites().stream().map(SiteRound::statusLabel).toList();
    assertEquals(List.of("trained", "rejected:non-finite", "rejected:wrong-length", "rejected:norm-above-bound",
        "rejected:wrong-round", "rejected:bad-score"), labels);
    assertEquals(1, r1.accepted());
    assertArrayEquals(new float[] {1f, 1f}, r1.global().values(), 0f, "only S0's update went in");
    // the rejected huge update's size is still reported: its drift, not its cosine, tells why it was refused
    assertEquals(Math.sqrt(2e6), r1.sites().get(3).drift(), 1e-3);
    assertTrue(Double.isNaN(r1.sites().get(1).drift()), "a NaN update has no drift");
    assertTrue(Double.isNaN(r1.sites().get(2).drift()), "a wrong-length update has no drift");
    // round 2 runs as usual
    for (int i = 0; i < 6; i++) reply(f.request(i), "S" + i, new float[] {1f, 1f});
    RunEvent.RoundCompleted r2 = f.evaluateAll();
    assertEquals(2, r2.round());
    assertEquals(6, r2.accepted());
  }

  @Test
  void rejectedUpdatesCountAgainstTheQuorum() {
    Federation f = start(3, 1, 2, Double.POSITIVE_INFINITY, new FedAvg(true));
    reply(f.request(0), "S0", new float[] {1f, 1f});
    reply(f.request(1), "S1", new float[] {Float.POSITIVE_INFINITY, 1f});
    reply(f.request(2), "S2", new float[] {1f});
    RunEvent.RoundCompleted r = f.evaluateAll();
    assertEquals("skipped:quorum-missed", r.decision());
    assertEquals(INITIAL, r.global());
    assertFalse(r.sites().get(0).participated());
  }

  @Test
  void aRobustRuleWithTooFewAcceptedUpdatesSkipsTheRoundInsteadOfFailing() {
    // Krum f = 1 needs 5 updates; 5 sites answer but one is NaN
    Federation f = start(5, 2, 1, Double.POSITIVE_INFINITY, new Krum(1));
    for (int i = 0; i < 4; i++) reply(f.request(i), "S" + i, new float[] {i, i});
    reply(f.request(4), "S4", new float[] {Float.NaN, 0f});
    RunEvent.RoundCompleted r1 = f.evaluateAll();
    assertEquals("skipped:too-few-updates", r1.decision());
    assertEquals(0, r1.accepted());
    assertEquals(INITIAL, r1.global());
    for (int i = 0; i < 5; i++) reply(f.request(i), "S" + i, new float[] {i, i});
    RunEvent.RoundCompleted r2 = f.evaluateAll();
    assertEquals("aggregated", r2.decision());
    // f = 1, 2 nearest: scores 0 → 2+8 = 10, 1 → 2+2 = 4, 2 → 4, 3 → 4, 4 → 10: site 1 wins the tie
    assertArrayEquals(new float[] {1f, 1f}, r2.global().values(), 0f);
    // only Krum's winner went into the aggregate; every update was accepted (and counts in the drift)
    assertEquals(1, r2.accepted());
    assertEquals(List.of(false, true, false, false, false),
        r2.sites().stream().map(SiteRound::participated).toList());
    assertEquals(List.of("trained", "trained", "trained", "trained", "trained"),
        r2.sites().stream().map(SiteRound::statusLabel).toList());
  }

  @Test
  void driftAndCosineOfEachUpdateAgainstTheAggregate() {
    Federation f = start(2, 1, 1, Double.POSITIVE_INFINITY, new FedAvg(true));
    reply(f.request(0), "S0", new float[] {3f, 4f}); // ‖Δ‖ = 5
    reply(f.request(1), "S1", new float[] {1f, 0f}); // ‖Δ‖ = 1
    RunEvent.RoundCompleted r = f.evaluateAll();
    // aggregate (equal counts): (2, 2); cos((3,4),(2,2)) = 14 / (5·2√2); cos((1,0),(2,2)) = 2 / (1·2√2)
    assertArrayEquals(new float[] {2f, 2f}, r.global().values(), 0f);
    assertEquals(5.0, r.sites().get(0).drift(), 1e-12);
    assertEquals(1.0, r.sites().get(1).drift(), 1e-12);
    assertEquals(14 / (10 * Math.sqrt(2)), r.sites().get(0).cosine(), 1e-12);
    assertEquals(1 / Math.sqrt(2), r.sites().get(1).cosine(), 1e-12);
  }

  @Test
  void validatorReasonsInOrder() {
    float[] g = {0f, 0f};
    assertNull(UpdateValidator.problem(update(1, new float[] {1f, 1f}, 0.7), 1, g, 2));
    assertEquals("norm-above-bound", UpdateValidator.problem(update(1, new float[] {2f, 2f}, 0.7), 1, g, 2));
    assertNull(UpdateValidator.problem(update(1, new float[] {2f, 0f}, 0.7), 1, g, 2), "a norm at the bound passes");
    assertEquals("wrong-round", UpdateValidator.problem(update(0, new float[] {1f, 1f}, 0.7), 1, g, 2));
    assertEquals("bad-score", UpdateValidator.problem(update(1, new float[] {1f, 1f}, -0.1), 1, g, 2));
    assertTrue(Double.isNaN(UpdateValidator.cosine(new float[] {1f, 1f}, g, g)), "no aggregate change, no cosine");
  }

  private static ServerProtocol.LocalUpdate update(int round, float[] w, double score) {
    return new ServerProtocol.LocalUpdate(round, "S", new ModelWeights(w), 10, 0.5, Double.NaN, 0, score);
  }
}
