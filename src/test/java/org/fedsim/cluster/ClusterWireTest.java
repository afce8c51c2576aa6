package org.fedsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster's messages on the wire: CBOR round trips, and a 10⁶-parameter model across two nodes over mutual TLS. */
class ClusterWireTest {

  @Test
  void everyClusterMessageSurvivesSerialization() {
    ActorTestKit kit = ActorTestKit.create(ConfigFactory.load("test"));
    try {
      SerializationTestKit serialization = kit.serializationTestKit();
      TestProbe<HospitalProtocol.Command> hospital = kit.createTestProbe();
      TestProbe<ClusterProtocol.HostReply> guardian = kit.createTestProbe();
      TestProbe<ClusterProtocol.HostCommand> hostProbe = kit.createTestProbe();
      List<Object> messages = List.of(
          new ClusterProtocol.PrepareSites("abc-1", "{\"rounds\":5}", List.of("WHITE", "HISPANIC/LATINO"),
              guardian.ref(), new NodeIdentity.Credential("MIIBcert", "MEUCsig")),
          new ClusterProtocol.PrepareSites("abc-2", "{}", List.of("WHITE"), guardian.ref(),
              NodeIdentity.Credential.NONE),
          new ClusterProtocol.SitesReady("abc-1", "h1", 6,
              List.of(new ClusterProtocol.SiteInfo("WHITE", 0, 2419, 605, hospital.ref())),
              List.of(new ClusterProtocol.ExternalInfo("NATIVE", 0, 8)), new NodeIdentity.Credential("MIIBh1", "MEUCh1")),
          new ClusterProtocol.EvaluateExternal("abc-1", 3, new ModelWeights(new float[] {1f, -2f}), guardian.ref()),
          new ClusterProtocol.ExternalScores("abc-1", 3, "h1", hostProbe.ref(), List.of(new ClusterProtocol.ExternalScore(0,
              new org.fedsim.scenario.ExperimentRunner.ExternalEvaluation("NATIVE", 8, 0.75, 0.8, 0.5)))),
          new ClusterProtocol.PrepareFailed("abc-1", "h1", List.of("X"), "site X has no rows"),
          new ServerProtocol.NoUpdate(3, "WHITE", ServerProtocol.Absence.LOST, 0));
      for (Object m : messages) assertEquals(m, serialization.verifySerialization(m, true), m.getClass().getName());
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aMillionParameterModelCrossesBetweenTwoNodesOverMutualTlsInOneMessage(@TempDir Path tmp) throws Exception {
    DevCertificates.create(tmp, List.of("server", "h1"));
    int portA = freePort();
    int portB = freePort();
    ActorTestKit a = ActorTestKit.create("fedsim", node(tmp, "server", NodeConfig.ROLE_SERVER, portA, portA));
    ActorTestKit b = ActorTestKit.create("fedsim", node(tmp, "h1", NodeConfig.ROLE_HOSPITAL, portB, portA));
    try {
      float[] values = new float[1_000_000];
      Random random = new Random(3);
      for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
      ModelWeights big = new ModelWeights(values);
      TestProbe<ServerProtocol.Command> replyTo = a.createTestProbe();
      HospitalProtocol.TrainRequest request = new HospitalProtocol.TrainRequest(1, big, new TrainingPlan(1, 32, 5),
          replyTo.ref());
      Serialization serialization = SerializationExtension.get(a.system());
      int bytes = serialization.serialize(request).get().length;
      long frame = a.system().settings().config().getBytes("akka.remote.artery.advanced.maximum-frame-size");
      assertTrue(bytes > 4_000_000 && bytes < frame, "CBOR size " + bytes + " vs frame " + frame);

      ServiceKey<HospitalProtocol.Command> key = ServiceKey.create(HospitalProtocol.Command.class, "wire-test");
      TestProbe<HospitalProtocol.Command> receiver = b.createTestProbe();
      b.system().receptionist().tell(Receptionist.register(key, receiver.ref()));
      TestProbe<Receptionist.Listing> listings = a.createTestProbe();
      a.system().receptionist().tell(Receptionist.subscribe(key, listings.ref()));
      java.util.Set<akka.actor.typed.ActorRef<HospitalProtocol.Command>> offered = java.util.Set.of();
      while (offered.isEmpty()) { // until the nodes have joined and the registration has spread
        offered = listings.expectMessageClass(Receptionist.Listing.class, Duration.ofSeconds(60)).getServiceInstances(key);
      }
      akka.actor.typed.ActorRef<HospitalProtocol.Command> remote = offered.iterator().next();
      assertTrue(remote.path().address().hasGlobalScope(), "the receiver is on the other node");
      remote.tell(request);
      HospitalProtocol.TrainRequest received =
          receiver.expectMessageClass(HospitalProtocol.TrainRequest.class, Duration.ofSeconds(30));
      assertEquals(big, received.global());
      assertEquals(request.plan(), received.plan());
    } finally {
      stop(b, a);
    }
  }

  /**
   * A node that claims the server role with a hospital's certificate (another build of fedsim, or its config
   * edited): the hospital node over mutual TLS refuses to start hospitals for it, and says why.
   */
  @Test
  void aHospitalNodeRefusesARunRequestFromANodeWithoutAServerCertificate(@TempDir Path tmp) throws Exception {
    DevCertificates.create(tmp, List.of("server", "h1", "rogue"));
    int portA = freePort();
    int portB = freePort();
    ActorTestKit rogue = ActorTestKit.create("fedsim", node(tmp, "rogue", NodeConfig.ROLE_SERVER, portA, portA));
    ActorTestKit b = ActorTestKit.create("fedsim", node(tmp, "h1", NodeConfig.ROLE_HOSPITAL, portB, portA));
    try {
      b.system().systemActorOf(SiteHost.create("h1", List.of("WHITE"), null), "site-host",
          akka.actor.typed.Props.empty());
      TestProbe<Receptionist.Listing> listings = rogue.createTestProbe();
      rogue.system().receptionist().tell(Receptionist.subscribe(ClusterProtocol.siteKey("WHITE"), listings.ref()));
      java.util.Set<akka.actor.typed.ActorRef<ClusterProtocol.HostCommand>> offered = java.util.Set.of();
      while (offered.isEmpty()) {
        offered = listings.expectMessageClass(Receptionist.Listing.class, Duration.ofSeconds(60))
            .getServiceInstances(ClusterProtocol.siteKey("WHITE"));
      }
      TestProbe<ClusterProtocol.HostReply> replies = rogue.createTestProbe();
      // signed as a server signs, but with the rogue's hospital certificate
      offered.iterator().next().tell(ClusterProtocol.PrepareSites.signed(rogue.system(), "r-1", "rounds = 3",
          List.of("WHITE"), replies.ref()));
      ClusterProtocol.PrepareFailed refused =
          replies.expectMessageClass(ClusterProtocol.PrepareFailed.class, Duration.ofSeconds(30));
      assertTrue(refused.reason().contains("is not a server's (role 'hospital')"), refused.reason());
      assertTrue(refused.reason().contains("CN=rogue"), refused.reason());
    } finally {
      stop(b, rogue);
    }
  }

  /**
   * A hospital node bound by its certificate to WHITE but holding BLACK too (another build, or --sites checked
   * nowhere): its signed answer for WHITE is accepted by the server node, its answer for BLACK refused, naming it.
   */
  @Test
  void theServerRefusesSitesAHospitalsCertificateDoesNotHold(@TempDir Path tmp) throws Exception {
    DevCertificates.create(tmp, List.of("server", "h1"), List.of("server"), java.util.Map.of("h1", List.of("WHITE")));
    int portA = freePort();
    int portB = freePort();
    ActorTestKit server = ActorTestKit.create("fedsim", node(tmp, "server", NodeConfig.ROLE_SERVER, portA, portA));
    ActorTestKit h1 = ActorTestKit.create("fedsim", node(tmp, "h1", NodeConfig.ROLE_HOSPITAL, portB, portA));
    try {
      h1.system().systemActorOf(SiteHost.create("h1", List.of("WHITE", "BLACK"), null), "site-host",
          akka.actor.typed.Props.empty());
      String hocon = org.fedsim.scenario.ScenarioLoader.load(Path.of("scenarios/seed-mimic.conf"), List.of("rounds=1"),
          null).runs().get(0).hocon();
      java.util.Map<String, String> verdicts = new java.util.LinkedHashMap<>();
      for (String site : List.of("WHITE", "BLACK")) {
        TestProbe<Receptionist.Listing> listings = server.createTestProbe();
        server.system().receptionist().tell(Receptionist.subscribe(ClusterProtocol.siteKey(site), listings.ref()));
        java.util.Set<akka.actor.typed.ActorRef<ClusterProtocol.HostCommand>> offered = java.util.Set.of();
        while (offered.isEmpty()) {
          offered = listings.expectMessageClass(Receptionist.Listing.class, Duration.ofSeconds(60))
              .getServiceInstances(ClusterProtocol.siteKey(site));
        }
        TestProbe<ClusterProtocol.HostReply> replies = server.createTestProbe();
        offered.iterator().next().tell(ClusterProtocol.PrepareSites.signed(server.system(), "run-" + site, hocon,
            List.of(site), replies.ref()));
        ClusterProtocol.SitesReady ready =
            replies.expectMessageClass(ClusterProtocol.SitesReady.class, Duration.ofSeconds(60));
        assertTrue(ready.sites().get(0).ref().path().address().hasGlobalScope(), "the answer crossed the wire");
        verdicts.put(site, String.valueOf(ready.notFromAHospital(server.system())));
      }
      assertEquals("null", verdicts.get("WHITE"), "signed by h1, which holds WHITE");
      assertTrue(verdicts.get("BLACK").contains("hospital node h1 is refused")
          && verdicts.get("BLACK").contains("CN=h1") && verdicts.get("BLACK").contains("does not hold site BLACK"),
          verdicts.get("BLACK"));
    } finally {
      stop(h1, server);
    }
  }

  /**
   * Stops the nodes one after the other, each leaving the cluster by coordinated shutdown (every phase bounded by
   * its timeout). Akka's own termination hanging after that (its TLS stream, see {@link NodeStop}) is logged, not
   * failed: that is Akka's, and the node has left.
   */
  static void stop(ActorTestKit... nodes) throws InterruptedException {
    for (ActorTestKit node : nodes) NodeStop.stop(node.system());
  }

  /**
   * A node's Akka config on loopback: with mutual TLS from {@code certs}, or plain TCP when it is null. A member's
   * shutdown leaves the cluster first (gossip rounds of 1 s), which on a loaded 2-core machine can outlast the
   * testkit's default 10 s, so the tests allow 60 s.
   */
  static Config node(Path certs, String name, String role, int port, int seedPort) {
    Config base = ConfigFactory.parseString("akka.actor.testkit.typed.system-shutdown-default = 60s")
        .withFallback(ConfigFactory.load());
    base = NodeConfig.with(base, "port", port);
    base = NodeConfig.with(base, "seed-nodes", List.of("127.0.0.1:" + seedPort));
    base = certs == null ? NodeConfig.with(base, "tls.enabled", false)
        : NodeConfig.with(base, "tls.certs-dir", certs.toString());
    return NodeConfig.build(base, role, name);
  }

  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
