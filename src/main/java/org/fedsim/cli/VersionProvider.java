package org.fedsim.cli;

import picocli.CommandLine;

/** The version from the jar manifest, or "dev". */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"fedsim " + (v == null ? "dev" : v)};
  }
}
