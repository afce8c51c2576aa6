package org.fedsim.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.typesafe.config.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.fedsim.scenario.ScenarioException;

/**
 * Who this node is, by its certificate, and what role the certificate gives it. {@code fedsim certs} writes the role
 * into each node certificate's subject ({@code OU=server} or {@code OU=hospital}); cluster roles themselves are only
 * claimed by the joining node, so the certificate is what a hospital node trusts: the server signs each request for
 * a run's hospitals with its key and sends its certificate along, and a hospital node starts hospitals only for a
 * request signed by a server certificate of its own CA. {@code fedsim node} also refuses to start with a role its
 * certificate does not give it. Without TLS (a closed test network) there are no certificates: requests are
 * unsigned and accepted from any member with the server role.
 */
public final class NodeIdentity implements Extension {
  static final String ROLE_UNIT = "OU";
  private static final String ALGORITHM = "SHA256withECDSA";
  /** A site bound to a hospital certificate: {@code urn:fedsim:site:} + the URL-encoded site name (a SAN URI). */
  static final String SITE_URI = "urn:fedsim:site:";
  private static final String SSL = "akka.remote.artery.ssl.config-ssl-engine.";

  /** A signature over a request and the certificate that makes it checkable (Base64 DER; empty without TLS). */
  public record Credential(String certificate, String signature) implements org.fedsim.protocol.CborSerializable {
    public static final Credential NONE = new Credential("", "");
  }

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final List<X509Certificate> trusted;

  private NodeIdentity(X509Certificate certificate, PrivateKey key, List<X509Certificate> trusted) {
    this.certificate = certificate;
    this.key = key;
    this.trusted = trusted;
  }

  /** The identity of a node built by {@link NodeConfig}: its keystore and truststore, or none without TLS. */
  public static NodeIdentity of(Config node) {
    if (!"tls-tcp".equals(node.getString("akka.remote.artery.transport"))) {
      return new NodeIdentity(null, null, List.of());
    }
    try {
      char[] keyPass = node.getString(SSL + "key-store-password").toCharArray();
      KeyStore ks = load(Path.of(node.getString(SSL + "key-store")), keyPass);
      String alias = null;
      for (String a : Collections.list(ks.aliases())) if (ks.isKeyEntry(a)) alias = a;
      if (alias == null) throw new ScenarioException(node.getString(SSL + "key-store") + ": no private key in it");
      PrivateKey key = (PrivateKey) ks.getKey(alias, node.getString(SSL + "key-password").toCharArray());
      X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
      KeyStore ts = load(Path.of(node.getString(SSL + "trust-store")),
          node.getString(SSL + "trust-store-password").toCharArray());
      List<X509Certificate> trusted = new ArrayList<>();
      for (String a : Collections.list(ts.aliases())) {
        if (ts.getCertificate(a) instanceof X509Certificate c) trusted.add(c);
      }
      return new NodeIdentity(cert, key, List.copyOf(trusted));
    } catch (GeneralSecurityException | IOException e) {
      throw new ScenarioException("cannot read this node's certificates: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file, char[] password) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    return ks;
  }

  /** Whether this node has a certificate (TLS is on). */
  public boolean certified() {
    return certificate != null;
  }

  /** The role this node's certificate gives it ("" without one, or when the certificate names none). */
  public String role() {
    return certificate == null ? "" : roleOf(certificate);
  }

  /** Fails, naming the certificate, unless it gives this node {@code role} (nothing to check without TLS). */
  public void requireRole(String role) {
    if (certificate == null || role.equals(role())) return;
    throw new ScenarioException("--role " + role + ": this node's certificate '"
        + certificate.getSubjectX500Principal().getName() + "' is for role '" + (role().isEmpty() ? "(none)" : role())
        + "'. Use --role " + (role().isEmpty() ? "<its role>" : role()) + ", or issue a certificate for this role: "
        + "fedsim certs --out DIR --nodes NAME" + (NodeConfig.ROLE_SERVER.equals(role) ? " --servers NAME" : ""));
  }

  /** This node's signature over {@code request}, with its certificate ({@link Credential#NONE} without TLS). */
  public Credential sign(String request) {
    if (certificate == null) return Credential.NONE;
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(request.getBytes(StandardCharsets.UTF_8));
      Base64.Encoder b64 = Base64.getEncoder();
      return new Credential(b64.encodeToString(certificate.getEncoded()), b64.encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with this node's key: " + e.getMessage(), e);
    }
  }

  /**
   * Why {@code credential} does not show that a server of this cluster made {@code request}, or null when it does:
   * its certificate was issued by a CA this node trusts, is valid now, is for role server, and signed the request.
   * Without TLS every request passes.
   */
  public String notAServer(String request, Credential credential) {
    return notSignedBy(NodeConfig.ROLE_SERVER, "request", request, credential, List.of());
  }

  /**
   * Why {@code credential} does not show that a hospital node of this cluster entitled to {@code sites} made
   * {@code answer}, or null when it does: as {@link #notAServer}, for role hospital, and when its certificate binds
   * sites ({@code fedsim certs --sites}), every one of {@code sites} among them. A hospital certificate that binds
   * none may serve any site. Without TLS every answer passes.
   */
  public String notAHospitalFor(String answer, Credential credential, List<String> sites) {
    return notSignedBy(NodeConfig.ROLE_HOSPITAL, "answer", answer, credential, sites);
  }

  /** {@code what}: "request" or "answer", for the messages. */
  private String notSignedBy(String role, String what, String request, Credential credential, List<String> sites) {
    if (certificate == null) return null;
    if (credential == null || credential.certificate().isEmpty()) return "the " + what + " is not signed";
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(credential.certificate())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "its certificate cannot be read: " + e.getMessage();
    }
    String subject = cert.getSubjectX500Principal().getName();
    if (!issuedByTrustedCa(cert)) return "certificate '" + subject + "' is not signed by this cluster's CA";
    try {
      cert.checkValidity();
    } catch (GeneralSecurityException e) {
      return "certificate '" + subject + "' is not valid now: " + e.getMessage();
    }
    if (!role.equals(roleOf(cert))) {
      String whose = role.equals(NodeConfig.ROLE_SERVER) ? "a server's" : "a " + role + " node's";
      return "certificate '" + subject + "' is not " + whose + " (role '" + roleOf(cert) + "')";
    }
    List<String> bound;
    try {
      bound = sitesOf(cert);
    } catch (IllegalArgumentException e) {
      return "certificate '" + subject + "': " + e.getMessage();
    }
    List<String> missing = missingSites(bound, sites);
    if (!missing.isEmpty()) {
      return "certificate '" + subject + "' does not hold site" + (missing.size() == 1 ? " " + missing.get(0)
          : "s " + missing) + " (it holds " + bound + ")";
    }
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(cert.getPublicKey());
      s.update(request.getBytes(StandardCharsets.UTF_8));
      if (!s.verify(Base64.getDecoder().decode(credential.signature()))) {
        return "the signature of '" + subject + "' does not match the " + what;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "the signature of '" + subject + "' cannot be checked: " + e.getMessage();
    }
    return null;
  }

  private boolean issuedByTrustedCa(X509Certificate cert) {
    for (X509Certificate ca : trusted) {
      if (!ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) continue;
      try {
        cert.verify(ca.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // signed by another key under the same name: not this CA
      }
    }
    return false;
  }

  /** The sites this node's certificate binds it to (empty: none bound, or no certificate). */
  public List<String> sites() {
    if (certificate == null) return List.of();
    try {
      return sitesOf(certificate);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("this node's certificate '" + certificate.getSubjectX500Principal().getName() + "': "
          + e.getMessage(), e);
    }
  }

  /** Fails, naming the certificate, unless it lets this node hold every one of {@code sites}. */
  public void requireSites(List<String> sites) {
    List<String> bound = sites();
    List<String> missing = missingSites(bound, sites);
    if (missing.isEmpty()) return;
    throw new ScenarioException("--sites: this node's certificate '" + certificate.getSubjectX500Principal().getName()
        + "' does not hold " + missing + " (it holds " + bound + "); the server would refuse them. Hold only those, "
        + "or issue a certificate for them (remove DIR/NAME.p12 first, or use a new name): fedsim certs --out DIR "
        + "--nodes NAME --sites NAME=SITE,SITE");
  }

  /** The URI in a certificate's subject alternative names that binds one site to it. */
  static String siteUri(String site) {
    return SITE_URI + java.net.URLEncoder.encode(site, StandardCharsets.UTF_8);
  }

  /** Those of {@code sites} a certificate binding {@code bound} does not hold (none when it binds no site). */
  static List<String> missingSites(List<String> bound, List<String> sites) {
    return bound.isEmpty() ? List.of() : sites.stream().filter(s -> !bound.contains(s)).toList();
  }

  /**
   * The sites a certificate binds (its {@code urn:fedsim:site:} subject alternative names), in order.
   *
   * @throws IllegalArgumentException when its alternative names cannot be read
   */
  static List<String> sitesOf(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      java.util.Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names == null) return List.of();
      for (List<?> name : names) {
        if (Integer.valueOf(6).equals(name.get(0)) && name.get(1) instanceof String uri && uri.startsWith(SITE_URI)) {
          out.add(java.net.URLDecoder.decode(uri.substring(SITE_URI.length()), StandardCharsets.UTF_8));
        }
      }
    } catch (java.security.cert.CertificateParsingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("its site names cannot be read: " + e.getMessage(), e);
    }
    return List.copyOf(out);
  }

  /** The role in a certificate's subject (its OU), or "". */
  static String roleOf(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase(ROLE_UNIT)) return String.valueOf(rdn.getValue());
      }
    } catch (InvalidNameException e) {
      return "";
    }
    return "";
  }

  /** The identity of the node an actor system runs on, read once from its configuration. */
  public static NodeIdentity get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE); // created on first use, then the same instance
  }

  /** The extension's id (Akka typed extensions are looked up by it). */
  public static final class Id extends ExtensionId<NodeIdentity> {
    static final Id INSTANCE = new Id();

    @Override
    public NodeIdentity createExtension(ActorSystem<?> system) {
      return of(system.settings().config());
    }
  }
}
