package org.fedsim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fedsim} command line. */
@Command(
    name = "fedsim",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A federated-learning simulator for hospitals: hospitals as Akka actors, DL4J models, "
        + "FedAvg rounds, differential privacy.",
    subcommands = {RunCommand.class, ReportCommand.class, BenchCommand.class, PrivacyCommand.class, EtlCommand.class,
        NodeCommand.class,
        CertsCommand.class, ClusterDemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'fedsim run SCENARIO'");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler(new ErrorHandler());
  }
}
