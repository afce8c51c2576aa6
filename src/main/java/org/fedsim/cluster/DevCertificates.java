package org.fedsim.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development certificate authority and one PKCS#12 keystore per node, made with the JDK's own {@code keytool}
 * (EC P-256 keys, SHA256withECDSA). Layout of the directory:
 * <pre>
 *   ca/ca.p12, ca/ca.password           the CA's key (keep it private, off the nodes; signs nodes added later)
 *   ca.pem                              the CA's certificate
 *   truststore.p12, truststore.password the CA's certificate, what every node trusts
 *   NODE.p12, NODE.password             NODE's key and CA-signed certificate chain
 * </pre>
 * A node's certificate names its role: {@code CN=NODE, OU=server|hospital, O=fedsim} (see {@link NodeIdentity}).
 * Running it again on the same directory reuses the CA, so nodes can be added; an existing node is refused. A
 * machine gets only its own NODE.p12 and NODE.password and the two truststore files. Passwords reach keytool through
 * the password files (-storepass:file), never on a command line.
 */
public final class DevCertificates {
  private static final Logger log = LoggerFactory.getLogger(DevCertificates.class);
  static final String TRUSTSTORE = "truststore";
  private static final String CA = "ca";
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final String VALIDITY_DAYS = "825";

  private DevCertificates() {}

  public static Path keyStore(Path dir, String node) {
    return dir.resolve(node + ".p12");
  }

  public static Path trustStore(Path dir) {
    return dir.resolve(TRUSTSTORE + ".p12");
  }

  public static Path passwordFile(Path dir, String node) {
    return dir.resolve(node + ".password");
  }

  /** The node names that get a server certificate when none are named: {@value}. */
  public static final String DEFAULT_SERVER = "server";

  /** As {@link #create(Path, List, List)}, the node named {@value #DEFAULT_SERVER} (if listed) being the server. */
  public static List<Path> create(Path dir, List<String> nodes) {
    return create(dir, nodes, defaultServers(nodes));
  }

  /** The servers when none are named: the node named {@value #DEFAULT_SERVER}, if listed. */
  public static List<String> defaultServers(List<String> nodes) {
    return nodes.contains(DEFAULT_SERVER) ? List.of(DEFAULT_SERVER) : List.of();
  }

  /**
   * Creates (or reuses) the CA in {@code dir} and a keystore for each of {@code nodes}, those in {@code servers}
   * with server certificates, the others with hospital certificates; returns the files written.
   */
  public static List<Path> create(Path dir, List<String> nodes, List<String> servers) {
    return create(dir, nodes, servers, java.util.Map.of());
  }

  /**
   * As {@link #create(Path, List, List)}, each hospital node in {@code sites} bound to the sites listed for it (its
   * certificate names them; the server refuses any other site from it). A hospital not in {@code sites} may serve
   * any site.
   */
  public static List<Path> create(Path dir, List<String> nodes, List<String> servers,
      java.util.Map<String, List<String>> sites) {
    for (java.util.Map.Entry<String, List<String>> e : sites.entrySet()) {
      if (!nodes.contains(e.getKey())) {
        throw new IllegalArgumentException("--sites " + e.getKey() + "=...: '" + e.getKey() + "' is not one of --nodes "
            + nodes);
      }
      if (servers.contains(e.getKey())) {
        throw new IllegalArgumentException("--sites " + e.getKey() + "=...: '" + e.getKey()
            + "' is a server; only hospital nodes hold sites");
      }
      if (e.getValue().isEmpty() || e.getValue().stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("--sites " + e.getKey() + "=" + String.join(",", e.getValue())
            + ": expected NODE=SITE[,SITE...] with non-empty site names");
      }
      for (String site : e.getValue()) {
        if (!site.equals(site.strip())) {
          throw new IllegalArgumentException("--sites " + e.getKey() + ": site '" + site + "' begins or ends with "
              + "a space (no site is named so; write " + e.getKey() + "=" + site.strip() + ")");
        }
      }
      if (e.getValue().stream().distinct().count() != e.getValue().size()) {
        throw new IllegalArgumentException("--sites " + e.getKey() + ": a site is listed twice: " + e.getValue());
      }
    }
    if (nodes.isEmpty()) throw new IllegalArgumentException("--nodes: expected at least one node name");
    for (String s : servers) {
      if (!nodes.contains(s)) {
        throw new IllegalArgumentException("--servers: '" + s + "' is not one of --nodes " + nodes);
      }
    }
    for (String node : nodes) {
      if (!NODE_NAME.matcher(node).matches() || node.equals(CA) || node.equals(TRUSTSTORE)) {
        throw new IllegalArgumentException("--nodes: '" + node + "' is not a usable node name (letters, digits, "
            + "'.', '_', '-'; not 'ca' or 'truststore')");
      }
      if (Files.exists(keyStore(dir, node))) {
        throw new IllegalArgumentException(keyStore(dir, node) + " already exists; remove it to issue a new one");
      }
    }
    if (nodes.stream().distinct().count() != nodes.size()) {
      throw new IllegalArgumentException("--nodes: a node name is listed twice: " + nodes);
    }
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Path ca = dir.resolve(CA);
      if (!Files.exists(keyStore(ca, CA))) {
        createCa(dir);
        written.addAll(List.of(keyStore(ca, CA), passwordFile(ca, CA), dir.resolve("ca.pem"), trustStore(dir),
            passwordFile(dir, TRUSTSTORE)));
      } else {
        log.info("reusing the CA in {}", dir);
      }
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
      try {
        List<Future<?>> jobs = new ArrayList<>();
        for (String node : nodes) jobs.add(pool.submit(() -> {
          createNode(dir, node, servers.contains(node) ? NodeConfig.ROLE_SERVER : NodeConfig.ROLE_HOSPITAL,
              sites.getOrDefault(node, List.of()));
          return null;
        }));
        for (Future<?> job : jobs) job.get();
      } finally {
        pool.shutdown();
      }
      for (String node : nodes) written.addAll(List.of(keyStore(dir, node), passwordFile(dir, node)));
      return written;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write certificates in " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void createCa(Path dir) throws IOException {
    Path ca = Files.createDirectories(dir.resolve(CA));
    String pass = newPassword(passwordFile(ca, CA)).toString();
    keytool("-genkeypair", "-alias", CA, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=fedsim development CA", "-ext", "bc:c", "-ext", "KeyUsage=keyCertSign,cRLSign",
        "-validity", VALIDITY_DAYS, "-keystore", keyStore(ca, CA).toString(), "-storetype", "PKCS12",
        "-storepass:file", pass);
    ownerOnly(keyStore(ca, CA)); // the CA's private key: the password guards it, the mode too
    keytool("-exportcert", "-rfc", "-alias", CA, "-keystore", keyStore(ca, CA).toString(), "-storepass:file", pass,
        "-file", dir.resolve("ca.pem").toString());
    String trustPass = newPassword(passwordFile(dir, TRUSTSTORE)).toString();
    keytool("-importcert", "-noprompt", "-alias", "fedsim-ca", "-file", dir.resolve("ca.pem").toString(),
        "-keystore", trustStore(dir).toString(), "-storetype", "PKCS12", "-storepass:file", trustPass);
  }

  private static void createNode(Path dir, String node, String role, List<String> sites) throws IOException {
    String caPass = passwordFile(dir.resolve(CA), CA).toString();
    String pass = newPassword(passwordFile(dir, node)).toString();
    String ks = keyStore(dir, node).toString();
    Path csr = dir.resolve(node + ".csr");
    Path pem = dir.resolve(node + ".pem");
    try {
      keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
          "SHA256withECDSA", "-dname", "CN=" + node + ", " + NodeIdentity.ROLE_UNIT + "=" + role + ", O=fedsim", "-validity", VALIDITY_DAYS, "-keystore", ks,
          "-storetype", "PKCS12", "-storepass:file", pass);
      ownerOnly(Path.of(ks));
      keytool("-certreq", "-alias", "node", "-keystore", ks, "-storepass:file", pass, "-file", csr.toString());
      List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", CA, "-keystore",
          keyStore(dir.resolve(CA), CA).toString(), "-storepass:file", caPass, "-infile", csr.toString(), "-outfile",
          pem.toString(), "-validity", VALIDITY_DAYS, "-ext", "KeyUsage=digitalSignature", "-ext",
          "ExtendedKeyUsage=serverAuth,clientAuth"));
      if (!sites.isEmpty()) { // the sites as URIs in the subject alternative names (URL-encoded: no ',' left)
        gencert.addAll(List.of("-ext", "SAN=" + String.join(",",
            sites.stream().map(site -> "uri:" + NodeIdentity.siteUri(site)).toList())));
      }
      keytool(gencert.toArray(String[]::new));
      keytool("-importcert", "-noprompt", "-alias", "fedsim-ca", "-file", dir.resolve("ca.pem").toString(),
          "-keystore", ks, "-storepass:file", pass);
      keytool("-importcert", "-alias", "node", "-file", pem.toString(), "-keystore", ks, "-storepass:file", pass);
    } finally {
      Files.deleteIfExists(csr);
      Files.deleteIfExists(pem);
    }
    log.info("issued {} (CN={}, role {}{}) signed by the CA in {}", ks, node, role,
        sites.isEmpty() ? "" : ", sites " + sites, dir);
  }

  /** Makes a keystore keytool wrote readable by its owner only (where the file system has POSIX modes). */
  private static void ownerOnly(Path file) throws IOException {
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** A random password, written to {@code file} readable by its owner only; returns the file. */
  private static Path newPassword(Path file) throws IOException {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    String pass = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, pass + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
