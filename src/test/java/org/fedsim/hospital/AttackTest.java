package org.fedsim.hospital;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.DenseModel;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.protocol.TrainingPlan;
import org.fedsim.timing.ClockSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AttackTest {
  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("test"));
  static final float[] GLOBAL = {1f, 2f, 3f};
  static final float[] TRAINED = {2f, 1f, 3.5f}; // Δ = (1, −1, 0.5)

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Attack attack(Attack.Behaviour b, double scale, double std) {
    return new Attack("H", 3, b, scale, std);
  }

  @Test
  void signFlipAndScaleActOnTheUpdateNotTheWeights() {
    assertArrayEquals(new float[] {-9f, 12f, -2f},
        attack(Attack.Behaviour.SIGN_FLIP, 10, 1).forge(GLOBAL, TRAINED, 1, 3), 1e-6f); // g − 10Δ
    assertArrayEquals(new float[] {0f, 3f, 2.5f},
        attack(Attack.Behaviour.SIGN_FLIP, 1, 1).forge(GLOBAL, TRAINED, 1, 3), 1e-6f); // g − Δ
    assertArrayEquals(new float[] {4f, -1f, 4.5f},
        attack(Attack.Behaviour.SCALE, 3, 1).forge(GLOBAL, TRAINED, 1, 3), 1e-6f); // g + 3Δ
  }

  @Test
  void freeRideSendsTheGlobalNanSendsNanLabelFlipAndReplaySendWhatWasTrained() {
    assertArrayEquals(GLOBAL, attack(Attack.Behaviour.FREE_RIDE, 1, 1).forge(GLOBAL, null, 1, 3));
    for (float v : attack(Attack.Behaviour.NAN, 1, 1).forge(GLOBAL, null, 1, 3)) assertTrue(Float.isNaN(v));
    assertArrayEquals(TRAINED, attack(Attack.Behaviour.LABEL_FLIP, 1, 1).forge(GLOBAL, TRAINED, 1, 3));
    assertFalse(attack(Attack.Behaviour.GAUSSIAN, 1, 1).trains());
    assertTrue(attack(Attack.Behaviour.LABEL_FLIP, 1, 1).trains());
  }

  @Test
  void gaussianNoiseIsSeededBySeedSiteAndRoundAndHasTheGivenStd() {
    Attack g = attack(Attack.Behaviour.GAUSSIAN, 1, 0.5);
    float[] zeros = new float[20000];
    float[] a = g.forge(zeros, null, 7, 4);
    assertArrayEquals(a, g.forge(zeros, null, 7, 4), "same seed and round, same noise");
    assertFalse(java.util.Arrays.equals(a, g.forge(zeros, null, 7, 5)), "another round, other noise");
    assertFalse(java.util.Arrays.equals(a, new Attack("K", 3, Attack.Behaviour.GAUSSIAN, 1, 0.5)
        .forge(zeros, null, 7, 4)), "another site, other noise");
    double ss = 0;
    for (float v : a) ss += v * v;
    assertEquals(0.5, Math.sqrt(ss / a.length), 0.01);
  }

  @Test
  void labelFlipFlipsEveryLabelAndKeepsTheFeatures() {
    SiteData rows = new SiteData("H", new float[][] {{1f}, {2f}, {3f}}, new int[] {0, 1, 1});
    SiteData flipped = attack(Attack.Behaviour.LABEL_FLIP, 1, 1).trainingRows(rows);
    assertArrayEquals(new int[] {1, 0, 0}, flipped.labels());
    assertSame(rows.features(), flipped.features());
    assertSame(rows, attack(Attack.Behaviour.SIGN_FLIP, 1, 1).trainingRows(rows));
  }

  @Test
  void theLatestStartedAttackIsInForce() {
    Attack flip = new Attack("H", 3, Attack.Behaviour.SIGN_FLIP, 1, 1);
    Attack nan = new Attack("H", 5, Attack.Behaviour.NAN, 1, 1);
    Attack other = new Attack("K", 1, Attack.Behaviour.NAN, 1, 1);
    Conduct c = new Conduct(List.of(nan, flip, other), 1, false).forSite("H");
    assertNull(c.active(2));
    assertSame(flip, c.active(3));
    assertSame(flip, c.active(4));
    assertSame(nan, c.active(5));
    assertThrows(IllegalArgumentException.class, () -> new Attack("H", 0, Attack.Behaviour.NAN, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Attack("H", 1, Attack.Behaviour.SCALE, 0, 1));
  }

  // ---- inside a hospital actor (dense engine) ----

  private static ActorRef<HospitalProtocol.Command> hospital(Conduct conduct) {
    SiteSplit split = new SiteSplit("H", HospitalAndDpFilterTest.rows(80, 1), HospitalAndDpFilterTest.rows(20, 2));
    float[] init = HospitalAndDpFilterTest.initial().values();
    return testKit.spawn(Hospital.create("H", split,
        () -> new DenseModel(HospitalAndDpFilterTest.NET, 6, init), null, ClockSettings.virtual(), conduct));
  }

  private static ServerProtocol.LocalUpdate train(ActorRef<HospitalProtocol.Command> h, int round, ModelWeights g) {
    TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
    h.tell(new HospitalProtocol.TrainRequest(round, g, new TrainingPlan(1, 16, 9 + round), server.ref()));
    return server.expectMessageClass(ServerProtocol.LocalUpdate.class);
  }

  @Test
  void aHospitalIsHonestBeforeItsAttackStartsAndAFreeRiderReturnsTheGlobal() {
    ModelWeights g = HospitalAndDpFilterTest.initial();
    var h = hospital(new Conduct(List.of(new Attack("H", 2, Attack.Behaviour.FREE_RIDE, 1, 1)), 1, false));
    assertFalse(g.equals(train(h, 1, g).weights()), "round 1: honest training");
    ServerProtocol.LocalUpdate u = train(h, 2, g);
    assertEquals(g, u.weights(), "round 2: the global weights back");
    assertEquals(2, u.round());
    assertEquals(80, u.numExamples(), "a free-rider still claims its rows");
  }

  @Test
  void aReplayingHospitalSendsItsLastUpdateBeforeTheAttackAsThisRoundsUpdate() {
    ModelWeights g = HospitalAndDpFilterTest.initial();
    var h = hospital(new Conduct(List.of(new Attack("H", 3, Attack.Behaviour.REPLAY, 1, 1)), 1, false));
    train(h, 1, g);
    ServerProtocol.LocalUpdate second = train(h, 2, g);
    ServerProtocol.LocalUpdate third = train(h, 3, new ModelWeights(new float[g.size()]));
    ServerProtocol.LocalUpdate fourth = train(h, 4, g);
    assertEquals(second.weights(), third.weights());
    assertEquals(second.weights(), fourth.weights());
    assertEquals(4, fourth.round(), "restamped with the current round");
  }

  @Test
  void aHospitalScoresItsOwnUpdateOnItsValidationRowsWhenAsked() {
    ModelWeights g = HospitalAndDpFilterTest.initial();
    ServerProtocol.LocalUpdate scored = train(hospital(new Conduct(List.of(), 1, true)), 1, g);
    assertTrue(scored.validationScore() >= 0 && scored.validationScore() <= 1, "score " + scored.validationScore());
    var check = new DenseModel(HospitalAndDpFilterTest.NET, 6, scored.weights().values());
    assertEquals(check.evaluate(HospitalAndDpFilterTest.rows(20, 2)).accuracy(), scored.validationScore(), 0);
    assertTrue(Double.isNaN(train(hospital(Conduct.honest()), 1, g).validationScore()), "not asked, no score");
    ServerProtocol.LocalUpdate nan = train(hospital(new Conduct(List.of(new Attack("H", 1, Attack.Behaviour.NAN, 1,
        1)), 1, true)), 1, g);
    assertTrue(Double.isNaN(nan.validationScore()), "NaN weights, no score");
  }
}
