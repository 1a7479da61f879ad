package io.dlpipe;

/** A configuration or usage error, found before Spark starts; exit code 2. */
public class ConfigException extends DlpipeException {
  public ConfigException(String message) {
    super(ExitCodes.USAGE, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(ExitCodes.USAGE, message, cause);
  }
}
