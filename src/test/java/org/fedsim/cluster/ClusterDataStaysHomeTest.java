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
import org.fedsim.server.SiteRound;
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
    assumeTrue(Files.isRegularFile(DATA), "needs ../shared/data (PhysioNet 2012 features)");
    List<String> sets = List.of("rounds=2", "model.engine=dense", "model.local-epochs=2",
        "cluster.sites=[" + String.join(",", SITES) + "]", "cluster.join-timeout=60s");
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
    List<RunEvent.RoundCompleted> clusterRounds = new ArrayList<>();
    List<RunEvent.RoundCompleted> localRounds = new ArrayList<>();
    try {
      hospital.systemActorOf(SiteHost.create("h1", SITES, DATA.toAbsolutePath().toString()), "site-host",
          DispatcherSelector.fromConfig(RunGuardian.TRAINING_DISPATCHER));
      try (ExperimentRunner runner = new ExperimentRunner(server, ClusterRunGuardian.launcher("t"))) {
        runner.run(remote, (spec, round) -> clusterRounds.add(round));
      }
    } finally {
      hospital.terminate();
      server.terminate();
      hospital.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      server.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    try (ExperimentRunner runner = new ExperimentRunner(1)) {
      runner.run(local.runs().get(0), (spec, round) -> localRounds.add(round));
    }
    assertEquals(2, clusterRounds.size());
    for (int r = 0; r < 2; r++) {
      List<SiteRound> a = clusterRounds.get(r).sites();
      List<SiteRound> b = localRounds.get(r).sites();
      assertEquals(b, a, "round " + (r + 1));
    }
    assertTrue(clusterRounds.get(1).sites().stream().allMatch(l -> l.accuracy() > 0), "every site evaluated");
  }

  @Test
  void aCsvScenarioOnAClusterMustListItsSites() {
    RunSpec run = ScenarioLoader.load(Path.of("scenarios/physionet2012-icu.conf"), List.of(), null).runs().get(0);
    ScenarioException e = assertThrows(ScenarioException.class, () -> org.fedsim.scenario.ClusterRunSettings.of(run));
    assertTrue(e.getMessage().contains("cluster.sites"), e.getMessage());
  }

  /** A node on plain TCP (TLS is ClusterWireTest's and MultiJvmClusterTest's subject). */
  private static com.typesafe.config.Config plain(String role, int port, int seedPort) {
    return ClusterWireTest.node(null, role, role, port, seedPort);
  }
}
