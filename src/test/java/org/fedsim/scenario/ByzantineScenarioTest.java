package org.fedsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedsim.metrics.SiteSummary;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * scenarios/byzantine.conf (dense engine): two hospitals sign-flip their update ×10 from round 3. FedAvg is wrecked;
 * the coordinate-wise median and trimmed mean end within 0.05 of a clean FedAvg run; Krum stays well above FedAvg
 * but, choosing one small hospital's update each round, learns slowly (README: Aggregation).
 */
class ByzantineScenarioTest {
  static ExperimentRunner runner;

  @BeforeAll
  static void start() {
    runner = new ExperimentRunner(2);
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

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
    assertTrue(acc.get("name=krum") > acc.get("name=fedavg") + 0.05, numbers);
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
}
