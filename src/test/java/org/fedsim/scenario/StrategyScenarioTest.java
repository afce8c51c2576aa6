package org.fedsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedsim.aggregation.StrategySettings;
import org.fedsim.aggregation.Weighting;
import org.fedsim.hospital.Attack;
import org.fedsim.metrics.Checkpoint;
import org.fedsim.metrics.ResultsWriter;
import org.fedsim.metrics.SiteSummary;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import org.fedsim.server.SiteRound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * strategy.*, attacks and update validation through the scenario loader and small dense runs; the byzantine and
 * FedProx scenario files.
 */
class StrategyScenarioTest extends WithRunner {
  static ScenarioLoader.Loaded small(String... extra) {
    String[] lines = new String[extra.length + 1];
    lines[0] = "model.engine = dense";
    System.arraycopy(extra, 0, lines, 1, extra.length);
    return smallScenario("strategies", 3, lines);
  }

  static Scenario scenario(String... extra) {
    return small(extra).runs().get(0).scenario();
  }

  static String fails(String... extra) {
    return assertThrows(ScenarioException.class, () -> small(extra)).getMessage();
  }

  @Test
  void everyStrategyNameLoadsWithItsOwnParameters() {
    for (StrategySettings.Name n : StrategySettings.Name.values()) {
      assertEquals(n, scenario("strategy.name = " + n.key()).strategy().name());
    }
    StrategySettings adam = scenario("strategy.name = fedadam", "strategy.fedadam.eta = 0.05").strategy();
    assertEquals(0.05, adam.eta());
    assertEquals(0.99, adam.beta2());
    StrategySettings krum = scenario("strategy.name = multi-krum", "strategy.krum.f = 2", "strategy.multi-krum.m = 4")
        .strategy();
    assertEquals(2, krum.f());
    assertEquals(4, krum.m());
    assertEquals(0.3, scenario("strategy.name = trimmed-mean", "strategy.trimmed-mean.beta = 0.3").strategy()
        .trimBeta());
    assertEquals(0.01, scenario("strategy.name = fedprox").strategy().mu());
    assertEquals(0.05, scenario("strategy.name = fedprox", "strategy.fedprox.mu = 0.05", "model.engine = dl4j")
        .strategy().mu(), "both engines train with the proximal term");
    assertEquals(0.0, scenario().strategy().mu(), "only fedprox trains with a proximal term");
    assertEquals(Weighting.QUALITY, scenario("strategy.weighting = quality").strategy().weighting());
    assertEquals(Double.POSITIVE_INFINITY, scenario().strategy().maxUpdateNorm());
    assertEquals(5.0, scenario("strategy.validation.max-norm = 5").strategy().maxUpdateNorm());
  }

  @Test
  void badStrategySettingsFailNamingTheKey() {
    String e = fails("strategy.name = fedadam", "strategy.fedadam.eta = 0");
    assertTrue(e.contains("'strategy.fedadam.eta'") && e.contains("(0, "), e);
    e = fails("strategy.name = krum-ish");
    assertTrue(e.contains("'strategy.name'") && e.contains("multi-krum"), e);
    e = fails("strategy.name = median", "strategy.weighting = uniform");
    assertTrue(e.contains("'strategy.weighting'") && e.contains("median"), e);
    e = fails("strategy.name = trimmed-mean", "strategy.trimmed-mean.beta = 0.5");
    assertTrue(e.contains("'strategy.trimmed-mean.beta'"), e);
    e = fails("strategy.validation.max-norm = -1");
    assertTrue(e.contains("'strategy.validation.max-norm'"), e);
    e = fails("strategy.name = fedprox", "strategy.fedprox.mu = -0.1");
    assertTrue(e.contains("'strategy.fedprox.mu'"), e);
    e = fails("strategy.name = krum", "privacy.mode = central");
    assertTrue(e.contains("'strategy.name'") && e.contains("central"), e);
    e = fails("strategy.krum.fx = 1");
    assertTrue(e.contains("strategy.krum.f"), e);
  }

  @Test
  void attacksLoadAndBadOnesFailNamingTheKey() {
    AttackSettings a = scenario("attacks = [{site = ASIAN, from-round = 3, behaviour = sign-flip, scale = 10},"
        + " {site = BLACK, from-round = 1, behaviour = gaussian, std = 0.5}, {site = WHITE, from-round = 2,"
        + " behaviour = label-flip}]").attacks();
    assertEquals(List.of(new Attack("ASIAN", 3, Attack.Behaviour.SIGN_FLIP, 10, 1),
        new Attack("BLACK", 1, Attack.Behaviour.GAUSSIAN, 1, 0.5),
        new Attack("WHITE", 2, Attack.Behaviour.LABEL_FLIP, 1, 1)), a.attacks());
    String e = fails("attacks = [{site = ASIAN, from-round = 3, behavior = nan}]");
    assertTrue(e.contains("unknown key 'behavior'") && e.contains("behaviour"), e);
    e = fails("attacks = [{site = ASIAN, from-round = 3, behaviour = nan, scale = 2}]");
    assertTrue(e.contains("'scale'") && e.contains("nan"), e);
    e = fails("attacks = [{site = ASIAN, from-round = 3, behaviour = scale}]");
    assertTrue(e.contains("needs 'scale'"), e);
    e = fails("attacks = [{site = ASIAN, from-round = 0, behaviour = nan}]");
    assertTrue(e.contains("'from-round'"), e);
    e = fails("attacks = [{site = ASIAN, from-round = 1, behaviour = melt}]");
    assertTrue(e.contains("'behaviour'") && e.contains("free-ride"), e);
    // a site the dataset does not have: refused when the run is wired, naming the key
    ScenarioLoader.Loaded bad = small("attacks = [{site = MARS, from-round = 1, behaviour = nan}]");
    Throwable t = assertThrows(IllegalStateException.class, () -> runner.run(bad.runs().get(0), (s, r) -> { }));
    assertTrue(t.getCause() instanceof ScenarioException && t.getMessage().contains("'MARS'"), t.getMessage());
  }

  @Test
  void aRobustRuleThatCanNeverAggregateIsRefusedNamingF() {
    ScenarioLoader.Loaded loaded = small("strategy.name = krum", "strategy.krum.f = 3"); // 7 sites < 2·3 + 3
    Throwable t = assertThrows(IllegalStateException.class, () -> runner.run(loaded.runs().get(0), (s, r) -> { }));
    assertTrue(t.getCause() instanceof ScenarioException, t.toString());
    assertTrue(t.getMessage().contains("strategy.krum.f") && t.getMessage().contains("needs at least 9"),
        t.getMessage());
  }

  @Test
  void theAdviceNamesTheKeyThatExceedsMForMultiKrumAndHowFarToLowerIt() {
    // 7 sites, f = 1, m = 10: 2f + 3 = 5 fits, m + f = 11 does not -> lower m (to 7 - 1 = 6), not f
    String m = assertThrows(ScenarioException.class, () -> RunGuardian.checkEnoughParticipants(
        scenario("strategy.name = multi-krum", "strategy.krum.f = 1", "strategy.multi-krum.m = 10"), 7)).getMessage();
    assertTrue(m.startsWith("key 'strategy.multi-krum.m':") && m.contains("needs at least 11 updates a round (m + f)")
        && m.endsWith("lower strategy.multi-krum.m to at most 6 (or strategy.krum.f)"), m);
    assertFalse(m.contains("lower f"), m);
    // f = 3: 2f + 3 = 9 > 7 -> lower f to 2, and m = 6 with f = 2 would still exceed -> m to 5 as well
    String f = assertThrows(ScenarioException.class, () -> RunGuardian.checkEnoughParticipants(
        scenario("strategy.name = multi-krum", "strategy.krum.f = 3", "strategy.multi-krum.m = 6"), 7)).getMessage();
    assertTrue(f.startsWith("key 'strategy.krum.f':") && f.contains("needs at least 9 updates a round (2f + 3)")
        && f.endsWith("lower strategy.krum.f to at most 2 and strategy.multi-krum.m to at most 5"), f);
    String b = assertThrows(ScenarioException.class, () -> RunGuardian.checkEnoughParticipants(
        scenario("strategy.name = bulyan", "strategy.bulyan.f = 2"), 7)).getMessage();
    assertTrue(b.startsWith("key 'strategy.bulyan.f':") && b.endsWith("lower strategy.bulyan.f to at most 1"), b);
  }

  @Test
  void nanAndHugeNormUpdatesFromHospitalsAreRejectedWithReasonsAndTheRunCompletes(@TempDir Path tmp)
      throws Exception {
    ScenarioLoader.Loaded loaded = small("strategy.validation.max-norm = 1",
        "attacks = [{site = ASIAN, from-round = 2, behaviour = nan},"
            + " {site = BLACK, from-round = 1, behaviour = scale, scale = 1000}]");
    EndToEndRunTest.runInto(runner, loaded, tmp);
    List<String> lines = Files.readAllLines(tmp.resolve("metrics.csv"));
    assertEquals(1 + 3 * 8, lines.size(), "every round completes");
    assertEquals("trained", EndToEndRunTest.status(lines, 1, "ASIAN"));
    for (int round = 1; round <= 3; round++) {
      if (round >= 2) assertEquals("rejected:non-finite", EndToEndRunTest.status(lines, round, "ASIAN"));
      assertEquals("rejected:norm-above-bound", EndToEndRunTest.status(lines, round, "BLACK"));
      assertEquals("trained", EndToEndRunTest.status(lines, round, "WHITE"));
    }
    String all = lines.stream().filter(l -> l.startsWith("seed=1,3,ALL,")).findFirst().orElseThrow();
    assertEquals("5", all.split(",", -1)[3], "5 of 7 updates aggregated");
    double loss = Double.parseDouble(all.split(",", -1)[8]);
    assertTrue(Double.isFinite(loss) && loss < 1, "the global model stays sound: loss " + loss);
    assertTrue(Files.readString(tmp.resolve("summary.json")).contains("\"rejected\" : 5"));
  }

  @Test
  void hostileRunsAreReproducibleToTheByte(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = small("rounds = 2", "strategy.weighting = quality",
        "attacks = [{site = BLACK, from-round = 1, behaviour = gaussian, std = 0.1},"
            + " {site = WHITE, from-round = 2, behaviour = label-flip}, {site = OTHER, from-round = 2, behaviour = replay}]");
    byte[] first = EndToEndRunTest.runInto(runner, loaded, tmp.resolve("a"));
    assertTrue(java.util.Arrays.equals(first, EndToEndRunTest.runInto(runner, loaded, tmp.resolve("b"))));
    byte[] otherSeed = EndToEndRunTest.runInto(runner, small("rounds = 2", "seed = 2", "strategy.weighting = quality",
        "attacks = [{site = BLACK, from-round = 1, behaviour = gaussian, std = 0.1}]"), tmp.resolve("c"));
    assertFalse(java.util.Arrays.equals(first, otherSeed));
  }

  @Test
  void driftColumnsAreAppendedAndFilled(@TempDir Path tmp) throws Exception {
    EndToEndRunTest.runInto(runner, small("rounds = 1"), tmp);
    List<String> lines = Files.readAllLines(tmp.resolve("metrics.csv"));
    assertTrue(lines.get(0).endsWith(",status,selected,sim_ms,drift,drift_max,cosine"), lines.get(0));
    String[] site = lines.get(1).split(",", -1);
    String[] all = lines.get(8).split(",", -1);
    assertEquals("ALL", all[2]);
    double drift = Double.parseDouble(site[13]);
    double cosine = Double.parseDouble(site[15]);
    assertTrue(drift > 0 && cosine > 0 && cosine <= 1, drift + " " + cosine);
    assertEquals("", site[14], "drift_max only on ALL");
    double mean = Double.parseDouble(all[13]);
    double max = Double.parseDouble(all[14]);
    assertTrue(mean > 0 && mean <= max, mean + " " + max);
  }

  @Test
  void qualityWeightingUsesTheReportedScoresAndChangesTheModel() {
    RunEvent.RoundCompleted byExamples = runner.run(small("rounds = 1").runs().get(0), (s, r) -> { }).last();
    RunEvent.RoundCompleted byQuality = runner.run(small("rounds = 1", "strategy.weighting = quality").runs().get(0),
        (s, r) -> { }).last();
    assertEquals(7, byQuality.accepted());
    assertFalse(byExamples.global().equals(byQuality.global()), "other weights, another aggregate");
  }

  @Test
  void anAdaptiveOptimizersStateSurvivesACheckpointAndResume(@TempDir Path tmp) throws Exception {
    ScenarioLoader.Loaded loaded = small("strategy.name = fedadam", "rounds = 3");
    RunSpec spec = loaded.runs().get(0);
    List<RunEvent.RoundCompleted> whole = runner.run(spec, (s, r) -> { }).rounds();
    ServerState after1 = whole.get(0).state();
    assertEquals(2 * after1.global().size(), after1.strategyState().size(), "FedAdam's m and v are checkpointed");
    // through checkpoint.json, as --resume reads it
    new Checkpoint(Checkpoint.FORMAT, "strategies", List.of(), spec.label(), after1,
        ResultsWriter.Participation.NONE, 0, 0, ResultsWriter.RunSummary.of(spec.label(), whole.subList(0, 1), 0),
        whole.get(0).sites()).writeTo(tmp);
    ServerState restored = Checkpoint.readFrom(tmp).state();
    List<RunEvent.RoundCompleted> resumed = runner.run(spec, (s, r) -> { }, restored).rounds();
    assertEquals(2, resumed.size());
    assertEquals(whole.get(2).global(), resumed.get(1).global(), "the same model as without the interruption");
    assertEquals(whole.get(2).state().strategyState(), resumed.get(1).state().strategyState());
  }

  /**
   * scenarios/byzantine.conf (dense engine): two hospitals sign-flip their update ×10 from round 3. FedAvg is
   * wrecked; the coordinate-wise median, trimmed mean and Krum end within 0.05 of a clean FedAvg run (every hospital
   * takes the same number of local steps; README: Aggregation).
   */
  @Test
  void robustRulesResistTwoSignFlippingHospitalsWhereFedAvgFails() {
    ScenarioLoader.Loaded byzantine = ScenarioLoader.load(Path.of("scenarios/byzantine.conf"), List.of(), null);
    assertEquals(List.of("name=fedavg", "name=median", "name=trimmed-mean", "name=krum"),
        byzantine.runs().stream().map(RunSpec::label).toList());
    ScenarioLoader.Loaded clean = ScenarioLoader.load(Path.of("scenarios/byzantine.conf"),
        List.of("attacks = []", "strategy.name = fedavg"), null);
    List<RunEvent.RoundCompleted> cleanRounds = runner.run(clean.runs().get(0), (s, r) -> { }).rounds();
    double cleanFedAvg = SiteSummary.of(cleanRounds.get(cleanRounds.size() - 1).sites()).accuracy();
    Map<String, Double> acc = new HashMap<>();
    List<RunEvent.RoundCompleted> fedAvgRounds = null;
    for (RunSpec run : byzantine.runs()) {
      ExperimentRunner.RunResult r = runner.run(run, (s, x) -> { });
      acc.put(run.label(), SiteSummary.of(r.last().sites()).accuracy());
      if (run.label().equals("name=fedavg")) fedAvgRounds = r.rounds();
    }
    String numbers = "clean FedAvg " + cleanFedAvg + ", under attack " + acc;
    assertTrue(cleanFedAvg > 0.68, numbers);
    assertTrue(acc.get("name=fedavg") < 0.56, numbers);
    assertTrue(acc.get("name=median") >= cleanFedAvg - 0.05, numbers);
    assertTrue(acc.get("name=trimmed-mean") >= cleanFedAvg - 0.05, numbers);
    assertTrue(acc.get("name=krum") >= cleanFedAvg - 0.05, numbers);
    // the sign-flipped updates pass validation (finite, right length, no norm bound) and show as drift
    RunEvent.RoundCompleted last = fedAvgRounds.get(fedAvgRounds.size() - 1);
    double attackerDrift = 0;
    double honestDrift = 0;
    for (SiteRound s : last.sites()) {
      assertEquals("trained", s.statusLabel(), s.site());
      boolean attacker = s.site().equals("UNKNOWN") || s.site().equals("HISPANIC/LATINO");
      if (attacker) attackerDrift = Math.max(attackerDrift, s.drift());
      else if (!s.site().equals("WHITE")) honestDrift = Math.max(honestDrift, s.drift());
    }
    assertTrue(attackerDrift > 3 * honestDrift, attackerDrift + " vs " + honestDrift);
    // the attack starts at round 3: until then the run is the clean one
    assertEquals(cleanRounds.get(1).global(), fedAvgRounds.get(1).global());
    assertTrue(!cleanRounds.get(2).global().equals(fedAvgRounds.get(2).global()));
  }

  /** Mean over the rounds of the mean ‖w_i − w_global‖ of the accepted updates (the ALL rows' drift). */
  private static double meanDrift(RunSpec spec) {
    List<RunEvent.RoundCompleted> rounds = runner.run(spec, (s, r) -> { }).rounds();
    double sum = 0;
    for (RunEvent.RoundCompleted r : rounds) sum += ResultsWriter.Drift.of(r.sites()).mean();
    return sum / rounds.size();
  }

  /** scenarios/fedprox-dirichlet.conf, seed 1: FedProx (μ = 0.01) lowers the mean client drift against FedAvg. */
  @Test
  void fedProxLowersClientDriftOnADirichletLabelSkew() {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(Path.of("scenarios/fedprox-dirichlet.conf"), List.of(), 1L);
    assertEquals(List.of("name=fedavg", "name=fedprox"), loaded.runs().stream().map(RunSpec::label).toList());
    assertEquals(0.3, loaded.runs().get(0).scenario().partition().alpha());
    double fedAvg = meanDrift(loaded.runs().get(0));
    double fedProx = meanDrift(loaded.runs().get(1));
    assertTrue(fedProx < fedAvg, "FedProx drift " + fedProx + " vs FedAvg " + fedAvg);
  }
}
