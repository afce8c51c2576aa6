package org.fedsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedsim.scenario.DatasetSpec;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.RunGuardian;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.scenario.ScenarioLoader;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteStatus;
import org.junit.jupiter.api.Test;

/**
 * A CSV scenario on a two-node cluster (server and one hospital node, in this JVM, over real sockets): the server's
 * copy of the scenario points at a file that does not exist, and the run still works, because only the hospital
 * node reads the data, from its own path; and its results equal a single JVM's.
 */
class ClusterDataStaysHomeTest {
  static final Path DATA = Path.of("../shared/data/physionet-2012/features-a.csv");
  static final List<String> SITES = List.of("coronary_care", "cardiac_surgery_recovery", "medical_icu", "surgical_icu");

  @Test
  void theServerNeedsNoDataAndAHospitalNodeReadsItsOwnCopy() throws Exception {
    Runs runs = clusterAndLocal(List.of("rounds=2"));
    List<RunEvent.RoundCompleted> clusterRounds = runs.cluster();
    assertEquals(2, clusterRounds.size());
    for (int r = 0; r < 2; r++) assertEquals(runs.local().get(r).sites(), clusterRounds.get(r).sites(), "round " + (r + 1));
    assertTrue(clusterRounds.get(1).sites().stream().allMatch(l -> l.accuracy() > 0), "every site evaluated");
  }

  /**
   * A scripted crash and recover on a cluster: the hospital's actor on its node stops at round 2, the node starts a
   * new one for round 3 (the server talks to a stand-in until it is up), and every round equals the single JVM's.
   */
  @Test
  void aScriptedCrashAndRecoverOnAClusterEqualsTheSingleJvmRun() throws Exception {
    Runs runs = clusterAndLocal(List.of("rounds=4",
        "events=[{round=2,site=medical_icu,action=crash},{round=3,site=medical_icu,action=recover}]"));
    for (int r = 0; r < 4; r++) assertEquals(runs.local().get(r).sites(), runs.cluster().get(r).sites(), "round " + (r + 1));
    assertEquals(SiteStatus.CRASHED, status(runs.cluster().get(1), "medical_icu"));
    assertEquals(SiteStatus.TRAINED, status(runs.cluster().get(2), "medical_icu"), "recovered, it trains again");
  }

  /**
   * An external (held-out) site on a cluster: its node keeps its rows, trains nothing, and scores each round's global
   * model; the scores equal those the single JVM computes, round by round.
   */
  @Test
  void anExternalSiteIsScoredByItsOwnNodeAsInOneJvm() throws Exception {
    Runs runs = clusterAndLocal(List.of("rounds=3", "dataset.external-sites=[coronary_care]"));
    assertEquals(3, runs.clusterExternal().size(), "scores for every round");
    assertEquals(runs.localExternal(), runs.clusterExternal());
    ExperimentRunner.ExternalEvaluation first = runs.clusterExternal().get(0).get(0);
    assertEquals("coronary_care", first.site());
    assertTrue(first.rows() > 0 && first.accuracy() > 0, first.toString());
    for (int r = 0; r < 3; r++) {
      assertEquals(runs.local().get(r).sites(), runs.cluster().get(r).sites(), "round " + (r + 1));
      assertTrue(runs.cluster().get(r).sites().stream().noneMatch(l -> l.site().equals("coronary_care")),
          "the external site does not train");
    }
  }

  /**
   * The node holding the external site leaves mid-run: the rounds go on at once (they do not wait out the scoring
   * timeout), the external site is scored NaN from then on, and the run completes.
   */
  @Test
  void losingTheNodeOfAnExternalSiteDoesNotHoldTheRunBack() throws Exception {
    assumeTrue(Files.isRegularFile(DATA), "needs ../shared/data (PhysioNet 2012 features)");
    // the real clock (~0.25 s a round): the node is gone long before the last round, whatever the machine's speed
    RunSpec remote = ScenarioLoader.load(Path.of("scenarios/physionet2012-icu.conf"), List.of("rounds=30",
        "timing.clock=real", "timing.time-scale=0.5", "model.engine=dense", "model.local-epochs=1", "cluster.sites=[" + String.join(",", SITES) + "]",
        "cluster.join-timeout=60s", "dataset.external-sites=[coronary_care]"), null).runs().get(0);
    int serverPort = ClusterWireTest.freePort();
    ActorSystem<Void> server = ActorSystem.create(Behaviors.empty(), "fedsim", plain(NodeConfig.ROLE_SERVER, serverPort,
        serverPort));
    ActorSystem<Void> training = ActorSystem.create(Behaviors.empty(), "fedsim", plain(NodeConfig.ROLE_HOSPITAL,
        ClusterWireTest.freePort(), serverPort));
    ActorSystem<Void> external = ActorSystem.create(Behaviors.empty(), "fedsim", plain(NodeConfig.ROLE_HOSPITAL,
        ClusterWireTest.freePort(), serverPort));
    List<RunEvent.RoundCompleted> rounds = new ArrayList<>();
    List<List<ExperimentRunner.ExternalEvaluation>> scores = new ArrayList<>();
    long start = System.nanoTime();
    try {
      training.systemActorOf(SiteHost.create("h1", SITES.subList(1, 4), DATA.toAbsolutePath().toString()),
          "site-host", DispatcherSelector.fromConfig(RunGuardian.TRAINING_DISPATCHER));
      external.systemActorOf(SiteHost.create("h2", SITES.subList(0, 1), DATA.toAbsolutePath().toString()),
          "site-host", DispatcherSelector.fromConfig(RunGuardian.TRAINING_DISPATCHER));
      ExperimentRunner.RoundListener collect = collect(rounds, scores);
      try (ExperimentRunner runner = new ExperimentRunner(server, ClusterRunGuardian.launcher("t"))) {
        runner.run(remote, new ExperimentRunner.RoundListener() {
          @Override
          public void onRound(RunSpec run, RunEvent.RoundCompleted round) {
            collect.onRound(run, round);
          }

          @Override
          public void onExternal(RunSpec run, RunEvent.RoundCompleted round,
              List<ExperimentRunner.ExternalEvaluation> ext) {
            collect.onExternal(run, round, ext);
            if (round.round() == 2) { // the external site's node leaves
              external.terminate();
              external.getWhenTerminated().toCompletableFuture().join();
            }
          }
        });
      }
    } finally {
      for (ActorSystem<Void> sys : List.of(external, training, server)) {
        sys.terminate();
        sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(30, rounds.size(), "the run completes");
    assertEquals(30, scores.size(), "every round has its external line");
    assertTrue(scores.get(0).get(0).accuracy() > 0, "scored while its node is there: " + scores.get(0));
    assertTrue(Double.isNaN(scores.get(29).get(0).accuracy()), "NaN once its node is gone: " + scores.get(29));
    assertTrue(seconds < 120, "no round waited out the scoring timeout (10.5 min): " + seconds + " s");
  }

  /** Both runs' rounds and external scores. */
  private record Runs(List<RunEvent.RoundCompleted> cluster, List<RunEvent.RoundCompleted> local,
      List<List<ExperimentRunner.ExternalEvaluation>> clusterExternal,
      List<List<ExperimentRunner.ExternalEvaluation>> localExternal) {}

  private static ExperimentRunner.RoundListener collect(List<RunEvent.RoundCompleted> rounds,
      List<List<ExperimentRunner.ExternalEvaluation>> external) {
    return new ExperimentRunner.RoundListener() {
      @Override
      public void onRound(RunSpec run, RunEvent.RoundCompleted round) {
        rounds.add(round);
      }

      @Override
      public void onExternal(RunSpec run, RunEvent.RoundCompleted round,
          List<ExperimentRunner.ExternalEvaluation> scores) {
        external.add(scores);
      }
    };
  }

  private static SiteStatus status(RunEvent.RoundCompleted round, String site) {
    return round.sites().stream().filter(l -> l.site().equals(site)).findFirst().orElseThrow().status();
  }

  /**
   * physionet2012-icu.conf with {@code extra} settings, on a server and a hospital node in this JVM (the server's
   * copy pointing at no file), and in one JVM.
   */
  private static Runs clusterAndLocal(List<String> extra) throws Exception {
    assumeTrue(Files.isRegularFile(DATA), "needs ../shared/data (PhysioNet 2012 features)");
    List<String> sets = new ArrayList<>(List.of("model.engine=dense", "model.local-epochs=2",
        "cluster.sites=[" + String.join(",", SITES) + "]", "cluster.join-timeout=60s"));
    sets.addAll(extra);
    ScenarioLoader.Loaded local = ScenarioLoader.load(Path.of("scenarios/physionet2012-icu.conf"), sets, null);
    List<String> remoteSets = new ArrayList<>(sets);
    remoteSets.add("dataset.csv.path=\"/nonexistent/on-the-server.csv\"");
    RunSpec remote = ScenarioLoader.load(Path.of("scenarios/physionet2012-icu.conf"), remoteSets, null).runs().get(0);
    DatasetSpec.Csv csv = assertInstanceOf(DatasetSpec.Csv.class, remote.scenario().dataset());
    assertFalse(Files.exists(csv.settings().path()), "the server's scenario points nowhere");

    int serverPort = ClusterWireTest.freePort();
    int hospitalPort = ClusterWireTest.freePort();
    ActorSystem<Void> server = ActorSystem.create(Behaviors.empty(), "fedsim", plain(NodeConfig.ROLE_SERVER, serverPort,
        serverPort));
    ActorSystem<Void> hospital = ActorSystem.create(Behaviors.empty(), "fedsim", plain(NodeConfig.ROLE_HOSPITAL,
        hospitalPort, serverPort));
    Runs runs = new Runs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try {
      hospital.systemActorOf(SiteHost.create("h1", SITES, DATA.toAbsolutePath().toString()), "site-host",
          DispatcherSelector.fromConfig(RunGuardian.TRAINING_DISPATCHER));
      try (ExperimentRunner runner = new ExperimentRunner(server, ClusterRunGuardian.launcher("t"))) {
        runner.run(remote, collect(runs.cluster(), runs.clusterExternal()));
      }
    } finally {
      hospital.terminate();
      server.terminate();
      hospital.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      server.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    try (ExperimentRunner runner = new ExperimentRunner(1)) {
      runner.run(local.runs().get(0), collect(runs.local(), runs.localExternal()));
    }
    return runs;
  }

  @Test
  void aCsvScenarioOnAClusterMustListItsSites() {
    RunSpec run = ScenarioLoader.load(Path.of("scenarios/physionet2012-icu.conf"), List.of(), null).runs().get(0);
    ScenarioException e = assertThrows(ScenarioException.class, () -> org.fedsim.scenario.ClusterRunSettings.of(run));
    // the run's settings travel as text; the message names the scenario and the key, not the text's origin "String"
    assertTrue(e.getMessage().startsWith("scenario: key 'cluster.sites': expected the sites the run needs"),
        e.getMessage());
    assertFalse(e.getMessage().contains("String"), e.getMessage());
  }

  /** A node on plain TCP (TLS is ClusterWireTest's and MultiJvmClusterTest's subject). */
  private static com.typesafe.config.Config plain(String role, int port, int seedPort) {
    return ClusterWireTest.node(null, role, role, port, seedPort);
  }
}
