package org.fedsim.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;
import org.fedsim.server.SiteStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every message that crosses an actor boundary survives Akka serialization (jackson-cbor) unchanged. */
class ProtocolSerializationTest {
  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("test"));
  static final SerializationTestKit serialization = testKit.serializationTestKit();
  static final ModelWeights WEIGHTS = new ModelWeights(new float[] {0.5f, -1.25f, 3e-8f, Float.MAX_VALUE});

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static void roundTrip(Object message) {
    assertEquals(message, serialization.verifySerialization(message, true));
  }

  @Test
  void hospitalCommands() {
    roundTrip(new HospitalProtocol.TrainRequest(3, WEIGHTS, new TrainingPlan(10, 32, -42L),
        testKit.<ServerProtocol.Command>createTestProbe().ref()));
    roundTrip(new HospitalProtocol.EvaluateRequest(3, WEIGHTS, testKit.<ServerProtocol.Command>createTestProbe().ref()));
  }

  @Test
  void serverCommands() {
    roundTrip(new ServerProtocol.LocalUpdate(3, "HISPANIC/LATINO", WEIGHTS, 144, 0.61, Double.NaN));
    roundTrip(new ServerProtocol.LocalUpdate(3, "WHITE", WEIGHTS, 2419, 0.6, 0.5));
    roundTrip(new ServerProtocol.EvaluationReport(3, "NATIVE", 6, 2, 1.0, Double.NaN, 0.2));
  }

  @Test
  void runEventsAndTheirParts() {
    SiteRound line = new SiteRound("A", SiteStatus.REJECTED, "non-finite", 10, 3, 0.7, 0.8, 0.5, 0.6, Double.NaN);
    roundTrip(line);
    roundTrip(new RunEvent.RoundCompleted(2, 25, 7, 6, List.of(line), WEIGHTS));
    roundTrip(new RunEvent.RunFinished(25, WEIGHTS));
    roundTrip(new TrainingPlan(1, 1, Long.MIN_VALUE));
    roundTrip(WEIGHTS);
  }
}
