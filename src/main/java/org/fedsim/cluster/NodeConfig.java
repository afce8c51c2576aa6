package org.fedsim.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fedsim.scenario.ScenarioException;

/**
 * The Akka configuration of one cluster node, from the {@code fedsim.node} settings: cluster provider, Artery over
 * TLS 1.3 with mutual authentication (keystores from {@code fedsim certs}), seed nodes, the split brain resolver
 * (keep-majority among server nodes: the server's side of a partition always survives) and a frame size that takes a
 * 10⁶-parameter model in one message.
 */
public final class NodeConfig {
  public static final String ROLE_SERVER = "server";
  public static final String ROLE_HOSPITAL = "hospital";

  private NodeConfig() {}

  /**
   * @param base the deployment config ({@code fedsim.node} and anything else), already with the node's --config file
   * @param role server or hospital
   * @param defaultName the node's name in the certs directory when {@code fedsim.node.tls.name} is empty
   */
  public static Config build(Config base, String role, String defaultName) {
    try {
      return buildChecked(base, role, defaultName);
    } catch (ConfigException e) {
      throw new ScenarioException("node settings: " + e.getMessage(), e);
    }
  }

  private static Config buildChecked(Config base, String role, String defaultName) {
    Config node = base.getConfig("fedsim.node");
    int port = node.getInt("port");
    if (port < 0 || port > 65535) {
      throw new ScenarioException("fedsim.node.port: expected 0 (any) to 65535, got " + port);
    }
    String system = node.getString("system-name");
    List<String> seeds = new ArrayList<>();
    for (String hp : node.getStringList("seed-nodes")) seeds.add("akka://" + system + "@" + checkHostPort(hp));
    Map<String, Object> akka = new java.util.LinkedHashMap<>();
    akka.put("akka.actor.provider", "cluster");
    akka.put("akka.remote.artery.canonical.hostname", node.getString("hostname"));
    akka.put("akka.remote.artery.canonical.port", port);
    long frame = node.getMemorySize("maximum-frame-size").toBytes();
    akka.put("akka.remote.artery.advanced.maximum-frame-size", frame);
    akka.put("akka.remote.artery.advanced.buffer-pool-size", 16);
    akka.put("akka.cluster.seed-nodes", seeds);
    akka.put("akka.cluster.roles", List.of(role));
    akka.put("akka.cluster.downing-provider-class", "akka.cluster.sbr.SplitBrainResolverProvider");
    akka.put("akka.cluster.split-brain-resolver.active-strategy", "keep-majority");
    akka.put("akka.cluster.split-brain-resolver.keep-majority.role", ROLE_SERVER);
    akka.put("akka.cluster.split-brain-resolver.stable-after", node.getDuration("down-unreachable-after").toMillis() + "ms");
    // a busy machine's pauses must not down the whole cluster: decide on what is stably unreachable only
    akka.put("akka.cluster.split-brain-resolver.down-all-when-unstable", "off");
    akka.put("akka.cluster.failure-detector.acceptable-heartbeat-pause", "5s");
    akka.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    akka.put("akka.coordinated-shutdown.exit-jvm", "off");
    if (node.getBoolean("tls.enabled")) {
      akka.put("akka.remote.artery.transport", "tls-tcp");
      String name = node.getString("tls.name").isBlank() ? defaultName : node.getString("tls.name");
      Path dir = Path.of(node.getString("tls.certs-dir"));
      Path keyStore = DevCertificates.keyStore(dir, name);
      Path trustStore = DevCertificates.trustStore(dir);
      String ssl = "akka.remote.artery.ssl.";
      String engine = ssl + "config-ssl-engine.";
      akka.put(ssl + "ssl-engine-provider", LoggingSslEngineProvider.class.getName());
      akka.put(engine + "key-store", existing(keyStore, "this node's keystore (fedsim.node.tls.name = " + name + ")"));
      String keyPassword = password(DevCertificates.passwordFile(dir, name));
      akka.put(engine + "key-store-password", keyPassword);
      akka.put(engine + "key-password", keyPassword);
      akka.put(engine + "trust-store", existing(trustStore, "the cluster's trust store"));
      akka.put(engine + "trust-store-password", password(DevCertificates.passwordFile(dir, DevCertificates.TRUSTSTORE)));
      akka.put(engine + "protocol", "TLSv1.3");
      akka.put(engine + "enabled-algorithms", List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"));
      akka.put(engine + "require-mutual-authentication", "on");
      akka.put(engine + "hostname-verification", "off");
    } else {
      akka.put("akka.remote.artery.transport", "tcp");
    }
    return ConfigFactory.parseMap(akka, "fedsim.node settings").withFallback(base);
  }

  /** A node's deployment config: its --config file (if any) over the defaults; flags are applied by the caller. */
  public static Config load(Path file) {
    Config base = ConfigFactory.load();
    if (file == null) return base;
    if (!Files.isRegularFile(file)) throw new ScenarioException("node config file not found: " + file);
    try {
      return ConfigFactory.parseFile(file.toFile()).withFallback(base).resolve();
    } catch (ConfigException e) {
      throw new ScenarioException("cannot read node config " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code base} with {@code fedsim.node.<key>} set (a flag's value). */
  public static Config with(Config base, String key, Object value) {
    return base.withValue("fedsim.node." + key, ConfigValueFactory.fromAnyRef(value, "command line"));
  }

  static String checkHostPort(String hp) {
    int colon = hp.lastIndexOf(':');
    boolean ok = colon > 0 && colon < hp.length() - 1;
    if (ok) {
      try {
        int port = Integer.parseInt(hp.substring(colon + 1));
        ok = port > 0 && port < 65536;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) throw new ScenarioException("fedsim.node.seed-nodes: expected host:port, got '" + hp + "'");
    return hp;
  }

  private static String existing(Path p, String what) {
    if (!Files.isRegularFile(p)) {
      throw new ScenarioException(what + " not found: " + p + " (create it with: fedsim certs --out "
          + (p.getParent() == null ? "." : p.getParent()) + " --nodes ...; or set fedsim.node.tls)");
    }
    return p.toAbsolutePath().toString();
  }

  private static String password(Path file) {
    existing(file, "password file");
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new ScenarioException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
