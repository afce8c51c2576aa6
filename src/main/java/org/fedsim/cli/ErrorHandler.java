package org.fedsim.cli;

import org.fedsim.data.DataException;
import org.fedsim.scenario.ScenarioException;
import picocli.CommandLine;

/**
 * Bad input (scenario, data, flags) is the user's to fix: one precise line, exit code 2, no stack trace.
 * Anything else is a failure of ours: the stack trace and exit code 1.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  static final int BAD_INPUT = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable cause = rootInputError(e);
    if (cause != null) {
      cmd.getErr().println("fedsim: " + cause.getMessage());
      return BAD_INPUT;
    }
    cmd.getErr().println("fedsim: failed: " + e);
    e.printStackTrace(cmd.getErr());
    return 1;
  }

  private static Throwable rootInputError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ScenarioException || t instanceof DataException || t instanceof IllegalArgumentException
          || t instanceof org.fedsim.report.ReportException) {
        return t;
      }
    }
    return null;
  }
}
