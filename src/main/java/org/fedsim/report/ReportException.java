package org.fedsim.report;

/** A results directory that cannot be reported on (bad input: exit 2). */
public final class ReportException extends RuntimeException {
  public ReportException(String message) {
    super(message);
  }

  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
