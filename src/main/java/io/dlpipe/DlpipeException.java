package io.dlpipe;

/**
 * A failure that the user can act on, carrying the process exit code that reports it.
 *
 * <p>Only the command-line entry point turns these into exit codes; library code throws them and
 * lets them travel up with their cause attached.
 */
public class DlpipeException extends RuntimeException {
  private final int exitCode;

  public DlpipeException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public DlpipeException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
