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
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command, e.g. 'fedsim run SCENARIO' (commands: run, report, bench, privacy, etl, node, certs, "
            + "cluster-demo)");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler(new ErrorHandler())
        .setParameterExceptionHandler(Main::badFlags);
  }

  /**
   * A bad flag or argument (unknown option, a value of the wrong type, a missing required option) of any command:
   * one line naming it, one line pointing at the command's help, exit 2; not the whole usage.
   */
  static int badFlags(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String message = e.getMessage();
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      String key = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0).replaceFirst("^--", "");
      if (cmd.getCommandSpec().findOption("--set") != null && !key.isEmpty() && !key.startsWith("-")
          && isScenarioKey(key)) {
        String value = u.getUnmatched().size() > 1 ? u.getUnmatched().get(1) : "VALUE";
        message += " (" + key + " is a scenario key: --set " + key + "=" + value + ")";
      } else if (!u.getSuggestions().isEmpty()) {
        message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
      }
    }
    cmd.getErr().println("fedsim: " + message);
    cmd.getErr().println("try '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    cmd.getErr().flush();
    return ErrorHandler.BAD_INPUT;
  }

  private static boolean isScenarioKey(String key) {
    try {
      return com.typesafe.config.ConfigFactory.defaultReference().hasPathOrNull("fedsim.scenario." + key);
    } catch (com.typesafe.config.ConfigException notAPath) {
      return false;
    }
  }
}
