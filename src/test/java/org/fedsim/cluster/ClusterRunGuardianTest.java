package org.fedsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.receptionist.Receptionist;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.fedsim.scenario.RunSpec;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.scenario.ScenarioLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server node's run guardian with probe hospital nodes (a one-node cluster): waiting, timeouts, refusals. */
class ClusterRunGuardianTest {
  static ActorTestKit kit;

  @BeforeAll
  static void start() throws Exception {
    int port = ClusterWireTest.freePort();
    kit = ActorTestKit.create("fedsim", ClusterWireTest.node(null, "server", NodeConfig.ROLE_SERVER, port, port));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static RunSpec run(String... sets) {
    List<String> all = new ArrayList<>(List.of("model.engine=dense", "rounds=1"));
    all.addAll(List.of(sets));
    return ScenarioLoader.load(Path.of("scenarios/seed-mimic.conf"), all, null).runs().get(0);
  }

  static TestProbe<ClusterProtocol.HostCommand> offering(String... sites) {
    TestProbe<ClusterProtocol.HostCommand> host = kit.createTestProbe();
    for (String site : sites) {
      kit.system().receptionist().tell(Receptionist.register(ClusterProtocol.siteKey(site), host.ref()));
    }
    return host;
  }

  static Object next(BlockingQueue<Object> sink) throws InterruptedException {
    Object e = sink.poll(30, TimeUnit.SECONDS);
    assertTrue(e != null, "the guardian reported nothing");
    return e;
  }

  @Test
  void aSiteNobodyOffersFailsTheRunAtTheJoinTimeoutNamingIt() throws Exception {
    offering("WHITE");
    BlockingQueue<Object> sink = new LinkedBlockingQueue<>();
    kit.spawn(ClusterRunGuardian.create(run("cluster.join-timeout=1s"), "t1", null, sink::add));
    ScenarioException e = assertInstanceOf(ScenarioException.class, next(sink));
    // (the other test's probe may still offer ASIAN and NATIVE: the kit is shared)
    assertTrue(e.getMessage().matches(".*no hospital node offered \\[(ASIAN, )?BLACK, HISPANIC/LATINO, (NATIVE, )?"
        + "OTHER, UNKNOWN\\] within cluster.join-timeout = PT1S \\(cluster.missing-sites = fail\\); this server "
        + "node is Up in a cluster of 1 member\\(s\\)"), e.getMessage());
  }

  @Test
  void withProceedTheSitesPresentAreAskedForAndAFailedPreparationFailsTheRunWithTheNodesReason() throws Exception {
    TestProbe<ClusterProtocol.HostCommand> host = offering("ASIAN", "NATIVE");
    BlockingQueue<Object> sink = new LinkedBlockingQueue<>();
    var guardian = kit.spawn(ClusterRunGuardian.create(run("cluster.join-timeout=1s", "cluster.missing-sites=proceed"),
        "t2", null, sink::add));
    ClusterProtocol.PrepareSites p = host.expectMessageClass(ClusterProtocol.PrepareSites.class, Duration.ofSeconds(30));
    assertEquals(List.of("ASIAN", "NATIVE"), p.sites());
    assertEquals("t2", p.runId());
    assertTrue(p.scenarioHocon().contains("\"rounds\":1"), "the run's settings travel as HOCON");
    p.replyTo().tell(new ClusterProtocol.PrepareFailed("t2", "h9", List.of("ASIAN"), "h9: site ASIAN has no rows in this node's dataset"));
    ScenarioException e = assertInstanceOf(ScenarioException.class, next(sink));
    assertTrue(e.getMessage().contains("h9: site ASIAN has no rows"), e.getMessage());
    // whatever it started is stopped: each hospital node watches the guardian, which has stopped
    kit.createTestProbe().expectTerminated(guardian, Duration.ofSeconds(10));
  }
}
