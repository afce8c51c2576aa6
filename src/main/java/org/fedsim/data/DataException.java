package org.fedsim.data;

/** Bad input data: the message names the file, line and column, and what was expected. */
public class DataException extends RuntimeException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
