package org.fedsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedsim certs}: node certificates chain to the cluster's CA, and to nobody else's. */
class DevCertificatesTest {
  @TempDir static Path tmp;
  static Path cluster;
  static Path other;

  @BeforeAll
  static void issue() {
    cluster = tmp.resolve("cluster");
    other = tmp.resolve("other");
    DevCertificates.create(cluster, List.of("server", "h1"));
    DevCertificates.create(other, List.of("intruder"));
  }

  static KeyStore load(Path store, Path passwordFile) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, Files.readString(passwordFile).trim().toCharArray());
    }
    return ks;
  }

  static X509TrustManager clusterTrust() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(DevCertificates.trustStore(cluster), DevCertificates.passwordFile(cluster, "truststore")));
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  static X509Certificate[] chain(Path dir, String node) throws Exception {
    Certificate[] chain = load(DevCertificates.keyStore(dir, node), DevCertificates.passwordFile(dir, node))
        .getCertificateChain("node");
    X509Certificate[] out = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) out[i] = (X509Certificate) chain[i];
    return out;
  }

  @Test
  void aNodeCertificateChainsToTheClusterCaAndNamesTheNode() throws Exception {
    X509Certificate[] server = chain(cluster, "server");
    assertEquals(2, server.length, "node certificate + CA");
    assertTrue(server[0].getSubjectX500Principal().getName().contains("CN=server"));
    assertEquals(server[1].getSubjectX500Principal(), server[0].getIssuerX500Principal());
    clusterTrust().checkClientTrusted(server, "EC"); // throws when not trusted
    clusterTrust().checkServerTrusted(chain(cluster, "h1"), "ECDHE_ECDSA");
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() throws Exception {
    X509Certificate[] intruder = chain(other, "intruder");
    assertThrows(CertificateException.class, () -> clusterTrust().checkClientTrusted(intruder, "EC"));
  }

  @Test
  void addingNodesReusesTheCaAndPasswordsAreOwnerOnly() throws Exception {
    DevCertificates.create(cluster, List.of("h2"));
    clusterTrust().checkClientTrusted(chain(cluster, "h2"), "EC");
    Set<PosixFilePermission> ownerOnly = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertEquals(ownerOnly, Files.getPosixFilePermissions(DevCertificates.passwordFile(cluster, "h2")));
    assertEquals(ownerOnly, Files.getPosixFilePermissions(DevCertificates.keyStore(cluster, "h2")), "a node's key");
    assertEquals(ownerOnly, Files.getPosixFilePermissions(DevCertificates.keyStore(cluster.resolve("ca"), "ca")),
        "the CA's key");
  }

  @Test
  void badNodeNamesAndExistingNodesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> DevCertificates.create(cluster, List.of("server")));
    assertThrows(IllegalArgumentException.class, () -> DevCertificates.create(cluster, List.of("a b")));
    assertThrows(IllegalArgumentException.class, () -> DevCertificates.create(cluster, List.of("x", "x")));
    assertThrows(IllegalArgumentException.class, () -> DevCertificates.create(cluster, List.of("truststore")));
  }
}
