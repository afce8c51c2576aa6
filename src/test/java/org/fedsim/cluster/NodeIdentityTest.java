package org.fedsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fedsim.scenario.ScenarioException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles bound to certificates: who may ask a hospital node for a run's hospitals. */
class NodeIdentityTest {
  @TempDir static Path tmp;
  static Path cluster;
  static Path foreign;

  @BeforeAll
  static void issue() {
    cluster = tmp.resolve("cluster");
    foreign = tmp.resolve("foreign");
    DevCertificates.create(cluster, List.of("server", "h1", "boss"), List.of("server", "boss"));
    DevCertificates.create(cluster, List.of("h2", "h3"), List.of(),
        java.util.Map.of("h2", List.of("WHITE", "HISPANIC/LATINO", "a, b")));
    DevCertificates.create(foreign, List.of("server"));
  }

  static NodeIdentity identity(Path certs, String name, String role) {
    return NodeIdentity.of(ClusterWireTest.node(certs, name, role, 0, 25520));
  }

  @Test
  void aCertificateNamesItsNodesRole() {
    assertEquals("server", identity(cluster, "server", "server").role());
    assertEquals("server", identity(cluster, "boss", "server").role(), "--servers names more than one");
    assertEquals("hospital", identity(cluster, "h1", "hospital").role());
    identity(cluster, "h1", "hospital").requireRole("hospital");
    String e = assertThrows(ScenarioException.class, () -> identity(cluster, "h1", "server").requireRole("server"))
        .getMessage();
    assertTrue(e.contains("CN=h1") && e.contains("is for role 'hospital'") && e.contains("--servers"), e);
  }

  @Test
  void aHospitalNodeAcceptsOnlyARequestSignedByAServerOfItsOwnCa() {
    NodeIdentity h1 = identity(cluster, "h1", "hospital");
    String request = ClusterProtocol.PrepareSites.signedText("run-1", "rounds = 3", List.of("WHITE"),
        "akka://fedsim@127.0.0.1:25520/system/run-1#42");
    assertNull(h1.notAServer(request, identity(cluster, "server", "server").sign(request)));
    assertNull(h1.notAServer(request, identity(cluster, "boss", "server").sign(request)));

    String hospital = h1.notAServer(request, identity(cluster, "h1", "hospital").sign(request));
    assertTrue(hospital.contains("is not a server's (role 'hospital')"), hospital);
    String outsider = h1.notAServer(request, identity(foreign, "server", "server").sign(request));
    assertTrue(outsider.contains("is not signed by this cluster's CA"), outsider);
    assertEquals("the request is not signed", h1.notAServer(request, NodeIdentity.Credential.NONE));

    // a server's signed request replayed for other sites, or with its answers going elsewhere
    NodeIdentity.Credential signed = identity(cluster, "server", "server").sign(request);
    for (String altered : List.of(
        ClusterProtocol.PrepareSites.signedText("run-1", "rounds = 3", List.of("WHITE", "BLACK"),
            "akka://fedsim@127.0.0.1:25520/system/run-1#42"),
        ClusterProtocol.PrepareSites.signedText("run-1", "rounds = 3", List.of("WHITE"),
            "akka://fedsim@127.0.0.1:25599/user/rogue#7"))) {
      String e = h1.notAServer(altered, signed);
      assertTrue(e != null && e.contains("does not match the request"), String.valueOf(e));
    }
  }

  @Test
  void aHospitalCertificateBindsItsSitesAndTheServerRefusesAnyOther() {
    NodeIdentity h2 = identity(cluster, "h2", "hospital");
    assertEquals(List.of("WHITE", "HISPANIC/LATINO", "a, b"), h2.sites(), "names with '/', ',' and spaces survive");
    assertEquals(List.of(), identity(cluster, "h3", "hospital").sites(), "not bound");
    h2.requireSites(List.of("HISPANIC/LATINO", "WHITE"));
    String start = assertThrows(ScenarioException.class, () -> h2.requireSites(List.of("WHITE", "ASIAN"))).getMessage();
    assertTrue(start.contains("CN=h2") && start.contains("does not hold [ASIAN]") && start.contains("--sites"), start);

    NodeIdentity server = identity(cluster, "server", "server");
    String answer = "fedsim SitesReady v1\nrun-1\nh2\n...";
    NodeIdentity.Credential byH2 = h2.sign(answer);
    assertNull(server.notAHospitalFor(answer, byH2, List.of("WHITE", "a, b")));
    String other = server.notAHospitalFor(answer, byH2, List.of("WHITE", "ASIAN"));
    assertTrue(other != null && other.contains("CN=h2") && other.contains("does not hold site ASIAN"), other);
    assertNull(server.notAHospitalFor(answer, identity(cluster, "h3", "hospital").sign(answer), List.of("ASIAN")),
        "an unbound hospital certificate serves any site");
    String byServer = server.notAHospitalFor(answer, identity(cluster, "boss", "server").sign(answer), List.of("W"));
    assertTrue(byServer.contains("is not a hospital node's (role 'server')"), byServer);
    String altered = server.notAHospitalFor(answer + "x", byH2, List.of("WHITE"));
    assertTrue(altered.contains("does not match the answer"), altered);
    assertEquals("the answer is not signed", server.notAHospitalFor(answer, NodeIdentity.Credential.NONE, List.of()));
    String two = server.notAHospitalFor(answer, byH2, List.of("ASIAN", "WHITE", "BLACK"));
    assertTrue(two.contains("does not hold sites [ASIAN, BLACK]"), two);
  }

  @Test
  void withoutTlsThereIsNothingToSignOrCheck() {
    NodeIdentity plain = NodeIdentity.of(ClusterWireTest.node(null, "server", "server", 0, 25520));
    assertFalse(plain.certified());
    assertEquals(NodeIdentity.Credential.NONE, plain.sign("x"));
    assertNull(plain.notAServer("x", NodeIdentity.Credential.NONE));
    assertNull(plain.notAHospitalFor("x", NodeIdentity.Credential.NONE, List.of("ANY")));
    plain.requireRole("server");
    plain.requireSites(List.of("ANY"));
  }

  @Test
  void serversMustBeAmongTheNodes() {
    String e = assertThrows(IllegalArgumentException.class,
        () -> DevCertificates.create(tmp.resolve("x"), List.of("h1"), List.of("server"))).getMessage();
    assertTrue(e.contains("--servers") && e.contains("'server'"), e);
  }
}
