package org.fedsim.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.fedsim.aggregation.FedAvg;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A site whose actor stops without a scripted crash (its cluster node was lost) is dropped from the round in
 * progress, unreachable afterwards, and takes part again once it rejoins with a new actor.
 */
class FlServerLostSiteTest {
  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("test"));
  static final Duration TIMEOUT = Duration.ofMinutes(1);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static void train(TestProbe<HospitalProtocol.Command> probe, String site) {
    answer(probe.expectMessageClass(HospitalProtocol.TrainRequest.class), site);
  }

  private static void answer(HospitalProtocol.TrainRequest req, String site) {
    req.replyTo().tell(new ServerProtocol.LocalUpdate(req.round(), site, new ModelWeights(new float[] {1f, 2f}), 10,
        0.5, Double.NaN));
  }

  private static void evaluate(TestProbe<HospitalProtocol.Command> probe, String site) {
    HospitalProtocol.EvaluateRequest e = probe.expectMessageClass(HospitalProtocol.EvaluateRequest.class);
    e.replyTo().tell(new ServerProtocol.EvaluationReport(e.round(), site, 10, 5, 0.8, 0.9, 0.4));
  }

  private static SiteStatus status(RunEvent.RoundCompleted r, String site) {
    return r.sites().stream().filter(l -> l.site().equals(site)).findFirst().orElseThrow().status();
  }

  @Test
  void aLostSiteIsDroppedThenUnreachableAndTakesPartAgainAfterItRejoins() {
    TestProbe<HospitalProtocol.Command> a = testKit.createTestProbe();
    TestProbe<HospitalProtocol.Command> b = testKit.createTestProbe();
    TestProbe<RunEvent> listener = testKit.createTestProbe();
    ServerSettings settings = new ServerSettings(3, 1.0, 1, TIMEOUT, TIMEOUT, 1, 32, 7);
    ActorRef<ServerProtocol.Command> server = testKit.spawn(FlServer.create(settings,
        List.of(new FlServer.Site("A", a.ref()), new FlServer.Site("B", b.ref())),
        new ModelWeights(new float[] {0f, 0f}), new FedAvg(true), listener.ref()));

    // round 1: B's node is lost while it trains; the round does not wait for the deadline
    train(a, "A");
    b.expectMessageClass(HospitalProtocol.TrainRequest.class);
    b.stop();
    evaluate(a, "A");
    RunEvent.RoundCompleted r1 = listener.expectMessageClass(RunEvent.RoundCompleted.class, Duration.ofSeconds(10));
    assertEquals(SiteStatus.TRAINED, status(r1, "A"));
    assertEquals(SiteStatus.DROPOUT, status(r1, "B"));
    assertEquals(1, r1.accepted());

    // round 2: B is not asked; it rejoins (its node restarted) while the round runs, and evaluates the new model
    HospitalProtocol.TrainRequest req = a.expectMessageClass(HospitalProtocol.TrainRequest.class);
    TestProbe<HospitalProtocol.Command> b2 = testKit.createTestProbe();
    server.tell(new FlServer.SiteRejoined("B", b2.ref()));
    answer(req, "A");
    evaluate(a, "A");
    evaluate(b2, "B");
    RunEvent.RoundCompleted r2 = listener.expectMessageClass(RunEvent.RoundCompleted.class);
    assertEquals(SiteStatus.UNREACHABLE, status(r2, "B"));
    assertEquals(1, r2.selected());

    // round 3: B's new actor trains again
    train(a, "A");
    train(b2, "B");
    evaluate(a, "A");
    evaluate(b2, "B");
    RunEvent.RoundCompleted r3 = listener.expectMessageClass(RunEvent.RoundCompleted.class);
    assertEquals(SiteStatus.TRAINED, status(r3, "B"));
    assertEquals(2, r3.accepted());
  }
}
