package org.fedsim.scenario;

/** A scenario that cannot run: the message names the file, line and key, and what was expected. */
public class ScenarioException extends RuntimeException {
  public ScenarioException(String message) {
    super(message);
  }

  public ScenarioException(String message, Throwable cause) {
    super(message, cause);
  }
}
