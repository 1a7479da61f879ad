package io.dlpipe;

/**
 * The input data cannot be processed as configured (missing, empty, wrong schema, too dirty); exit
 * code 3.
 */
public class DataException extends DlpipeException {
  public DataException(String message) {
    super(ExitCodes.DATA, message);
  }

  public DataException(String message, Throwable cause) {
    super(ExitCodes.DATA, message, cause);
  }
}
