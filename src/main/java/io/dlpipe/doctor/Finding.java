package io.dlpipe.doctor;

/**
 * One result of a pre-flight check.
 *
 * @param level OK, WARN (the run works, but not as configured or not well) or ERROR (it would fail)
 * @param topic what was checked: versions, backend, memory, gpu, export, input, output
 * @param message what was found, with the numbers
 * @param fix what to change; empty for OK
 */
public record Finding(Level level, String topic, String message, String fix) {
  /** Severity of a finding. */
  public enum Level {
    OK,
    WARN,
    ERROR
  }

  public static Finding ok(String topic, String message) {
    return new Finding(Level.OK, topic, message, "");
  }

  public static Finding warn(String topic, String message, String fix) {
    return new Finding(Level.WARN, topic, message, fix);
  }

  public static Finding error(String topic, String message, String fix) {
    return new Finding(Level.ERROR, topic, message, fix);
  }

  /** Two lines at most, plain text: reads the same in a terminal and in a scheduler's log. */
  public String render() {
    String head = String.format("%-5s %-8s %s", level, topic, message);
    return fix.isEmpty() ? head : head + "\n               fix: " + fix;
  }
}
