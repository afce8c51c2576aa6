package org.fedsim.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fedsim.aggregation.FedAvg;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class FlServerTest {
  static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load("test")));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final Duration ROUND_TIMEOUT = Duration.ofSeconds(30);
  static final ModelWeights INITIAL = new ModelWeights(new float[] {0f, 0f});

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ServerSettings settings(int rounds) {
    return new ServerSettings(rounds, 1.0, 1, ROUND_TIMEOUT, ROUND_TIMEOUT, 1, 32, 7);
  }

  private record Federation(List<TestProbe<HospitalProtocol.Command>> hospitals, TestProbe<RunEvent> listener,
      ActorRef<ServerProtocol.Command> server) {}

  private static Federation start(int sites, int rounds) {
    List<TestProbe<HospitalProtocol.Command>> probes = new ArrayList<>();
    List<FlServer.Site> list = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      TestProbe<HospitalProtocol.Command> p = testKit.createTestProbe();
      probes.add(p);
      list.add(new FlServer.Site("S" + i, p.ref()));
    }
    TestProbe<RunEvent> listener = testKit.createTestProbe();
    ActorRef<ServerProtocol.Command> server =
        testKit.spawn(FlServer.create(settings(rounds), list, INITIAL, new FedAvg(true), listener.ref()));
    return new Federation(probes, listener, server);
  }

  private static void reply(HospitalProtocol.TrainRequest req, String site, float[] weights, int n) {
    req.replyTo().tell(new ServerProtocol.LocalUpdate(req.round(), site, new ModelWeights(weights), n, 0.5, Double.NaN));
  }

  private static void evaluate(TestProbe<HospitalProtocol.Command> probe, String site) {
    HospitalProtocol.EvaluateRequest e = probe.expectMessageClass(HospitalProtocol.EvaluateRequest.class);
    e.replyTo().tell(new ServerProtocol.EvaluationReport(e.round(), site, 10, 5, 0.8, 0.9, 0.4));
  }

  @Test
  void aSiteThatNeverAnswersIsADropoutAtTheDeadline() {
    Federation f = start(3, 1);
    List<HospitalProtocol.TrainRequest> requests = new ArrayList<>();
    for (TestProbe<HospitalProtocol.Command> p : f.hospitals()) {
      requests.add(p.expectMessageClass(HospitalProtocol.TrainRequest.class));
    }
    assertEquals(INITIAL, requests.get(0).global());
    reply(requests.get(0), "S0", new float[] {1f, 1f}, 100);
    reply(requests.get(1), "S1", new float[] {3f, -1f}, 300);
    // S2 never answers: nothing happens until the deadline, then the round goes on without it.
    time.expectNoMessageFor(ROUND_TIMEOUT.minusMillis(1), f.hospitals().get(0));
    time.timePasses(Duration.ofMillis(1));
    for (int i = 0; i < 3; i++) evaluate(f.hospitals().get(i), "S" + i);

    RunEvent.RoundCompleted round = f.listener().expectMessageClass(RunEvent.RoundCompleted.class);
    Map<String, SiteRound> bySite =
        round.sites().stream().collect(Collectors.toMap(SiteRound::site, Function.identity()));
    assertEquals(SiteStatus.TRAINED, bySite.get("S0").status());
    assertEquals(SiteStatus.TRAINED, bySite.get("S1").status());
    assertEquals(SiteStatus.DROPOUT, bySite.get("S2").status());
    assertEquals(3, round.selected());
    assertEquals(2, round.accepted());
    // FedAvg of the two that answered: (100·[1,1] + 300·[3,-1]) / 400 = [2.5, -0.5]
    assertArrayEquals(new float[] {2.5f, -0.5f}, round.global().values(), 1e-6f);
    RunEvent.RunFinished done = f.listener().expectMessageClass(RunEvent.RunFinished.class);
    assertEquals(round.global(), done.global());
  }

  @Test
  void whenEveryoneAnswersTheRoundEndsWithoutWaitingForTheDeadline() {
    Federation f = start(2, 2);
    for (int i = 0; i < 2; i++) {
      reply(f.hospitals().get(i).expectMessageClass(HospitalProtocol.TrainRequest.class), "S" + i, new float[] {1f, 2f}, 10);
    }
    for (int i = 0; i < 2; i++) evaluate(f.hospitals().get(i), "S" + i);
    RunEvent.RoundCompleted r1 = f.listener().expectMessageClass(RunEvent.RoundCompleted.class);
    assertEquals(1, r1.round());
    // round 2 starts at once, from the aggregate of round 1
    HospitalProtocol.TrainRequest next = f.hospitals().get(0).expectMessageClass(HospitalProtocol.TrainRequest.class);
    assertEquals(2, next.round());
    assertArrayEquals(new float[] {1f, 2f}, next.global().values(), 1e-6f);
  }

  @Test
  void aLateUpdateFromAnEarlierRoundIsIgnored() {
    Federation f = start(2, 2);
    HospitalProtocol.TrainRequest a = f.hospitals().get(0).expectMessageClass(HospitalProtocol.TrainRequest.class);
    HospitalProtocol.TrainRequest b = f.hospitals().get(1).expectMessageClass(HospitalProtocol.TrainRequest.class);
    reply(a, "S0", new float[] {1f, 1f}, 10);
    time.timePasses(ROUND_TIMEOUT);
    for (int i = 0; i < 2; i++) evaluate(f.hospitals().get(i), "S" + i);
    f.listener().expectMessageClass(RunEvent.RoundCompleted.class);
    // round 2 is under way; S1's round-1 update arrives now and must not count for round 2
    HospitalProtocol.TrainRequest a2 = f.hospitals().get(0).expectMessageClass(HospitalProtocol.TrainRequest.class);
    f.hospitals().get(1).expectMessageClass(HospitalProtocol.TrainRequest.class);
    reply(b, "S1", new float[] {100f, 100f}, 10);
    reply(a2, "S0", new float[] {3f, 3f}, 10);
    time.timePasses(ROUND_TIMEOUT);
    for (int i = 0; i < 2; i++) evaluate(f.hospitals().get(i), "S" + i);
    RunEvent.RoundCompleted r2 = f.listener().expectMessageClass(RunEvent.RoundCompleted.class);
    assertEquals(SiteStatus.DROPOUT, r2.sites().get(1).status());
    assertArrayEquals(new float[] {3f, 3f}, r2.global().values(), 1e-6f);
  }

  @Test
  void anUpdateWithNonFiniteValuesIsRejectedWithAReasonAndLeftOut() {
    Federation f = start(2, 1);
    reply(f.hospitals().get(0).expectMessageClass(HospitalProtocol.TrainRequest.class), "S0", new float[] {1f, 1f}, 10);
    reply(f.hospitals().get(1).expectMessageClass(HospitalProtocol.TrainRequest.class), "S1",
        new float[] {Float.NaN, 1f}, 10);
    for (int i = 0; i < 2; i++) evaluate(f.hospitals().get(i), "S" + i);
    RunEvent.RoundCompleted r = f.listener().expectMessageClass(RunEvent.RoundCompleted.class);
    assertEquals("rejected:non-finite", r.sites().get(1).statusLabel());
    assertArrayEquals(new float[] {1f, 1f}, r.global().values(), 1e-6f);
  }

  @Test
  void aMissingEvaluationLeavesThatSitesMetricsEmpty() {
    Federation f = start(2, 1);
    for (int i = 0; i < 2; i++) {
      reply(f.hospitals().get(i).expectMessageClass(HospitalProtocol.TrainRequest.class), "S" + i, new float[] {1f, 1f}, 10);
    }
    evaluate(f.hospitals().get(0), "S0");
    f.hospitals().get(1).expectMessageClass(HospitalProtocol.EvaluateRequest.class);
    time.timePasses(ROUND_TIMEOUT);
    RunEvent.RoundCompleted r = f.listener().expectMessageClass(RunEvent.RoundCompleted.class);
    assertTrue(r.sites().get(0).evaluated());
    assertTrue(!r.sites().get(1).evaluated());
  }
}
