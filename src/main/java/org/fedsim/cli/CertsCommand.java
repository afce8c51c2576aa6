package org.fedsim.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedsim.cluster.DevCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedsim certs}: a development CA and one keystore per cluster node. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description = {
        "Create a development certificate authority and one PKCS#12 keystore per node (signed by the CA), with the "
            + "JDK's keytool, for 'fedsim node' (mutual TLS). Run it again on the same directory to add nodes: the "
            + "CA is reused. Passwords are random, in DIR/<node>.password (readable by you only).",
        "Each certificate names its node's role (OU=server or OU=hospital): a node cannot start with another role, "
            + "and hospital nodes start hospitals only for requests signed by a server certificate.",
        "--sites binds a hospital node to its sites (named in its certificate): the server refuses any other site "
            + "from it, and the node will not start holding one. A hospital certificate without --sites may serve "
            + "any site.",
        "Not for production: a real deployment uses its own PKI."},
    footer = {"", "Examples:", "  fedsim certs --out certs --nodes server,h1,h2,h3",
        "  fedsim certs --out certs --nodes server,h1,h2 \\",
        "      --sites h1=WHITE,BLACK --sites 'h2=HISPANIC/LATINO'"})
final class CertsCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for the CA and keystores")
  Path out;

  @Option(names = "--nodes", required = true, split = ",", paramLabel = "NAME",
      description = "node names, comma-separated (use them as 'fedsim node --name')")
  List<String> nodes;

  @Option(names = "--servers", split = ",", paramLabel = "NAME",
      description = "which of --nodes get a server certificate (default: the node named '"
          + DevCertificates.DEFAULT_SERVER + "', if listed); the others get hospital certificates")
  List<String> servers;

  @Option(names = "--sites", paramLabel = "NODE=SITE[,SITE...]",
      description = "bind a hospital node to these sites (repeat for each node); default: unbound, any site")
  List<String> sites = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    List<Path> written;
    OutputDirectory.check(out, "--out");
    java.util.Map<String, List<String>> bound = new java.util.LinkedHashMap<>();
    for (String binding : sites) {
      int eq = binding.indexOf('=');
      if (eq <= 0) {
        throw new org.fedsim.scenario.ScenarioException("--sites " + binding + ": expected NODE=SITE[,SITE...]");
      }
      String node = binding.substring(0, eq);
      if (bound.put(node, List.of(binding.substring(eq + 1).split(",", -1))) != null) {
        throw new org.fedsim.scenario.ScenarioException("--sites: node '" + node + "' is given twice; list all its "
            + "sites once: --sites " + node + "=SITE,SITE");
      }
    }
    try {
      written = DevCertificates.create(out, nodes, servers != null ? servers : DevCertificates.defaultServers(nodes),
          bound);
    } catch (IllegalArgumentException e) {
      throw new org.fedsim.scenario.ScenarioException(e.getMessage(), e);
    }
    System.out.println("fedsim certs: wrote " + written.size() + " files in " + out);
    for (Path p : written) System.out.println("  " + p);
    return 0;
  }
}
