package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code fedsim node}, {@code fedsim certs} and {@code fedsim cluster-demo}: exit 2 and a precise message. */
class NodeCommandTest extends InProcessCli {
  void refused(String expected, String... args) {
    err.getBuffer().setLength(0);
    assertEquals(2, execute(args), err.toString());
    assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
  }

  @Test
  void badRolesSitesAndServerOptionsAreRefused() {
    refused("--role: expected server or hospital", "node", "--role", "manager");
    refused("--sites is for hospital nodes", "node", "--role", "server", "--sites", "A", "--scenario", "x.conf");
    refused("needs --scenario", "node", "--role", "server");
    refused("are for the server node", "node", "--role", "hospital", "--sites", "A", "--scenario", "x.conf");
  }

  @Test
  void missingCertificatesAndBadSeedNodesAreNamed(@TempDir Path tmp) {
    refused("this node's keystore (fedsim.node.tls.name = h1) not found: " + tmp.resolve("h1.p12"),
        "node", "--role", "hospital", "--sites", "A", "--name", "h1", "--certs", tmp.toString());
    refused("--data " + tmp.resolve("nope.csv") + ": no such file", "node", "--role", "hospital", "--sites", "A",
        "--no-tls", "--data", tmp.resolve("nope.csv").toString());
    refused("fedsim.node.seed-nodes: expected host:port, got 'localhost'",
        "node", "--role", "hospital", "--sites", "A", "--seed-nodes", "localhost", "--no-tls");
  }

  @Test
  void aNodeCannotStartWithARoleItsCertificateDoesNotGiveIt(@TempDir Path tmp) {
    assertEquals(0, execute("certs", "--out", tmp.toString(), "--nodes", "h1,lead", "--servers", "lead"));
    refused("this node's certificate 'CN=h1,OU=hospital,O=fedsim' is for role 'hospital'",
        "node", "--role", "server", "--name", "h1", "--certs", tmp.toString(), "--scenario", "scenarios/seed-mimic.conf");
    refused("this node's certificate 'CN=lead,OU=server,O=fedsim' is for role 'server'",
        "node", "--role", "hospital", "--sites", "A", "--name", "lead", "--certs", tmp.toString());
    refused("--servers: 'boss' is not one of --nodes", "certs", "--out", tmp.resolve("x").toString(), "--nodes", "h2",
        "--servers", "boss");
  }

  @Test
  void aHospitalNodeCannotStartHoldingASiteItsCertificateDoesNotBind(@TempDir Path tmp) {
    assertEquals(0, execute("certs", "--out", tmp.toString(), "--nodes", "server,h1", "--sites",
        "h1=WHITE,HISPANIC/LATINO"));
    refused("--sites: this node's certificate 'CN=h1,OU=hospital,O=fedsim' does not hold [BLACK] (it holds [WHITE, "
        + "HISPANIC/LATINO])", "node", "--role", "hospital", "--sites", "WHITE,BLACK", "--name", "h1", "--certs",
        tmp.toString());
    org.fedsim.cluster.NodeIdentity h1 = org.fedsim.cluster.NodeIdentity.of(org.fedsim.cluster.NodeConfig.build(
        org.fedsim.cluster.NodeConfig.with(org.fedsim.cluster.NodeConfig.load(null), "tls.certs-dir", tmp.toString()),
        "hospital", "h1"));
    assertEquals(java.util.List.of("WHITE", "HISPANIC/LATINO"), NodeCommand.sitesFor(h1, java.util.List.of()),
        "without --sites, the sites its certificate binds");
    assertEquals(java.util.List.of("WHITE"), NodeCommand.sitesFor(h1, java.util.List.of("WHITE")));
    assertEquals(0, execute("certs", "--out", tmp.toString(), "--nodes", "h3"));
    refused("a hospital node needs --sites A,B,...: its certificate binds none", "node", "--role", "hospital",
        "--name", "h3", "--certs", tmp.toString());
    refused("(or --name NAME, whose certificate binds its sites)", "node", "--role", "hospital");
    refused("--sites server=...: 'server' is a server", "certs", "--out", tmp.resolve("x").toString(), "--nodes",
        "server,h2", "--sites", "server=WHITE");
    refused("--sites h9=...: 'h9' is not one of --nodes", "certs", "--out", tmp.resolve("x").toString(), "--nodes",
        "h2", "--sites", "h9=WHITE");
    refused("--sites h2=WHITE,: expected NODE=SITE[,SITE...]", "certs", "--out", tmp.resolve("x").toString(),
        "--nodes", "h2", "--sites", "h2=WHITE,");
    refused("--sites h2: site ' WHITE' begins or ends with a space", "certs", "--out", tmp.resolve("x").toString(),
        "--nodes", "h2", "--sites", "h2= WHITE");
    refused("--sites h2: a site is listed twice: [WHITE, WHITE]", "certs", "--out", tmp.resolve("x").toString(),
        "--nodes", "h2", "--sites", "h2=WHITE,WHITE");
    refused("--sites: node 'h2' is given twice", "certs", "--out", tmp.resolve("x").toString(), "--nodes", "h2",
        "--sites", "h2=WHITE", "--sites", "h2=BLACK");
    refused("--sites WHITE: expected NODE=SITE[,SITE...]", "certs", "--out", tmp.resolve("x").toString(), "--nodes",
        "h2", "--sites", "WHITE");
  }

  @Test
  void certsRefusesBadNodeNamesAndClusterDemoBadCounts(@TempDir Path tmp) {
    refused("not a usable node name", "certs", "--out", tmp.toString(), "--nodes", "a b");
    refused("--restart-after needs --kill-at-round", "cluster-demo", "--restart-after", "2");
  }
}
