package io.dlpipe.testing;

import io.dlpipe.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the command line in this JVM and keeps its exit code and its own "dlpipe: " lines on stderr
 * (not the log's).
 */
public final class CliRun {
  private CliRun() {}

  /** Exit code and dlpipe's own stderr lines. */
  public record Outcome(int code, String err) {}

  public static Outcome run(String... args) {
    // Bind the log's console appender to the real stderr before stderr is swapped.
    org.slf4j.LoggerFactory.getLogger(CliRun.class).debug("logging initialized");
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.execute(args);
    } finally {
      System.setErr(old);
    }
    String own =
        err.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("dlpipe: "))
            .map(l -> l + "\n")
            .reduce("", String::concat);
    return new Outcome(code, own);
  }
}
