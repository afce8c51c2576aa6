package org.fedsim.hospital;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.data.TestRows;
import org.fedsim.model.Dl4jModel;
import org.fedsim.model.ModelSettings;
import org.fedsim.privacy.Calibration;
import org.fedsim.privacy.L2Clipper;
import org.fedsim.privacy.LocalDp;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class HospitalAndDpFilterTest {
  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("test"));
  static final ModelSettings NET = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
      ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 0.01, 16, 1);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static SiteData rows(int n, long seed) {
    return TestRows.twoBlobs("H", n, seed);
  }

  static ActorRef<HospitalProtocol.Command> hospital() {
    SiteSplit split = new SiteSplit("H", rows(80, 1), rows(20, 2));
    return testKit.spawn(Hospital.create("H", split, () -> new Dl4jModel(NET, 6, 3)));
  }

  static ModelWeights initial() {
    return new ModelWeights(new Dl4jModel(NET, 6, 3).getParams());
  }

  @Test
  void aHospitalTrainsFromTheGlobalWeightsAndRepliesWithWeightsAndCounts() {
    TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
    ModelWeights global = initial();
    hospital().tell(new HospitalProtocol.TrainRequest(4, global, new TrainingPlan(1, 16, 9), server.ref()));
    ServerProtocol.LocalUpdate u = server.expectMessageClass(ServerProtocol.LocalUpdate.class);
    assertEquals(4, u.round());
    assertEquals("H", u.site());
    assertEquals(80, u.numExamples());
    assertEquals(global.size(), u.weights().size());
    assertFalse(global.equals(u.weights()), "training changed the weights");
    assertTrue(Double.isNaN(u.epsilon()), "no DP, no epsilon");
  }

  @Test
  void aHospitalEvaluatesTheWeightsItIsSentOnItsValidationRows() {
    TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
    hospital().tell(new HospitalProtocol.EvaluateRequest(2, initial(), server.ref()));
    ServerProtocol.EvaluationReport e = server.expectMessageClass(ServerProtocol.EvaluationReport.class);
    assertEquals(2, e.round());
    assertEquals(80, e.numTrain());
    assertEquals(20, e.numValidation());
    assertTrue(e.accuracy() >= 0 && e.accuracy() <= 1);
  }

  @Test
  void theDpFilterClipsTheUpdateAndTheServerNeverSeesTheRawOne() {
    TestProbe<HospitalProtocol.Command> hospital = testKit.createTestProbe();
    TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
    // no noise to speak of: what reaches the server is global + clip(update, 1)
    LocalDp dp = new LocalDp(1.0, 1.0, 1e12, 1e-5, Calibration.CLASSIC);
    ActorRef<HospitalProtocol.Command> filter = testKit.spawn(DpFilter.create("H", hospital.ref(), dp, 1e12, 1));
    ModelWeights global = new ModelWeights(new float[] {1f, 1f, 1f});
    filter.tell(new HospitalProtocol.TrainRequest(1, global, new TrainingPlan(1, 8, 0), server.ref()));
    HospitalProtocol.TrainRequest forwarded = hospital.expectMessageClass(HospitalProtocol.TrainRequest.class);
    assertEquals(global, forwarded.global());
    assertFalse(forwarded.replyTo().equals(server.ref()), "the hospital replies to the filter, not the server");

    float[] raw = {4f, 5f, 1f}; // update (3, 4, 0): norm 5
    forwarded.replyTo().tell(new ServerProtocol.LocalUpdate(1, "H", new ModelWeights(raw), 80, 0.5, Double.NaN));
    ServerProtocol.LocalUpdate seen = server.expectMessageClass(ServerProtocol.LocalUpdate.class);
    assertArrayEquals(new float[] {1.6f, 1.8f, 1f}, seen.weights().values(), 1e-5f);
    assertEquals(80, seen.numExamples());
    assertEquals(1e12, seen.epsilon());
  }

  @Test
  void theDpFilterAddsCalibratedNoiseReproduciblyPerSiteAndRound() {
    TestProbe<HospitalProtocol.Command> hospital = testKit.createTestProbe();
    TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
    LocalDp dp = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.CLASSIC); // σ ≈ 4.84
    ActorRef<HospitalProtocol.Command> filter = testKit.spawn(DpFilter.create("H", hospital.ref(), dp, 1.0, 7));
    float[] zeros = new float[20_000];
    ModelWeights global = new ModelWeights(zeros);
    float[][] received = new float[2][];
    for (int attempt = 0; attempt < 2; attempt++) {
      filter.tell(new HospitalProtocol.TrainRequest(5, global, new TrainingPlan(1, 8, 0), server.ref()));
      HospitalProtocol.TrainRequest fwd = hospital.expectMessageClass(HospitalProtocol.TrainRequest.class);
      fwd.replyTo().tell(new ServerProtocol.LocalUpdate(5, "H", global, 10, 0.5, Double.NaN));
      received[attempt] = server.expectMessageClass(ServerProtocol.LocalUpdate.class).weights().values();
    }
    assertArrayEquals(received[0], received[1], 0f, "same seed, site and round: same noise");
    double sd = L2Clipper.l2Norm(received[0]) / Math.sqrt(received[0].length);
    // relative SE of the sample SD with n = 20,000 is 1/sqrt(2n) = 0.5 %: 3 % is 6 SE
    assertEquals(dp.sigma(), sd, 0.03 * dp.sigma());
    assertFalse(Arrays.equals(received[0], zeros));
  }

  @Test
  void evaluationRequestsPassThroughTheFilterUntouched() {
    TestProbe<HospitalProtocol.Command> hospital = testKit.createTestProbe();
    TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
    LocalDp dp = new LocalDp(1.0, 1.0, 1.0, 1e-5, Calibration.CLASSIC);
    ActorRef<HospitalProtocol.Command> filter = testKit.spawn(DpFilter.create("H", hospital.ref(), dp, 1.0, 7));
    HospitalProtocol.EvaluateRequest req = new HospitalProtocol.EvaluateRequest(3, initial(), server.ref());
    filter.tell(req);
    assertEquals(req, hospital.expectMessageClass(HospitalProtocol.EvaluateRequest.class));
  }
}
