package io.dlpipe.cli;

import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.SecretMasker;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.workspace.StagedOutput;
import io.dlpipe.yarn.YarnSubmission;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dlpipe} command line. The only place where exceptions become exit codes: 0 ok, 2 usage
 * or config, 3 data, 1 anything else.
 */
@Command(
    name = "dlpipe",
    description = "Spark ETL and distributed neural-network training for big tabular data.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = {
      RunCommand.class,
      EtlCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      DoctorCommand.class,
      SynthCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /**
   * System properties log4j2.properties reads: how much of a logged exception it prints, and the
   * level of task failures.
   */
  static final Map<String, String> VERBOSE_LOGGING =
      Map.of("dlpipe.log.exceptions", "full", "dlpipe.log.tasks", "warn");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Print stack traces: of a data or configuration error, and of exceptions in the log (by default one line each).")
  boolean verbose;

  @Override
  public void run() {
    String commands =
        String.join(
            ", ", spec.subcommands().keySet().stream().filter(c -> !c.equals("help")).toList());
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: give one of " + commands + " (see dlpipe --help)");
  }

  /** The one line the last failed command printed, for a driver that cannot exit with its code. */
  private static volatile String lastError = "";

  public static void main(String[] args) {
    int code = execute(args);
    if (isYarnClusterDriver()) {
      // Spark's application master runs this method in a thread: System.exit would end it as
      // FAILED whatever the code ("Shutdown hook called before final status was reported"), and
      // the code would be lost. Returning ends it SUCCEEDED; an exception ends it FAILED with its
      // message in the diagnostics, where the submitting launcher reads code and line back.
      if (code != ExitCodes.OK) {
        throw new IllegalStateException(
            YarnSubmission.DRIVER_EXIT_PREFIX + code + ": " + lastError);
      }
      return;
    }
    System.exit(code);
  }

  /**
   * True in the driver that spark-submit started inside a YARN application master (cluster mode).
   */
  static boolean isYarnClusterDriver() {
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Runs a command line and returns its exit code; used by main and by tests. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionStrategy(
        parseResult -> {
          if (!verbose(parseResult)) {
            return runLast(parseResult);
          }
          Map<String, String> before = new HashMap<>();
          VERBOSE_LOGGING.forEach((k, v) -> before.put(k, System.setProperty(k, v)));
          reconfigureLogging();
          try {
            return runLast(parseResult);
          } finally {
            before.forEach(
                (k, v) -> {
                  if (v == null) {
                    System.clearProperty(k);
                  } else {
                    System.setProperty(k, v);
                  }
                });
            reconfigureLogging();
          }
        });
    // A usage error is one line too, naming where the help is: a scheduler's alert shows it whole.
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          CommandLine failed = e.getCommandLine();
          String command = failed.getCommandSpec().qualifiedName();
          String message =
              SecretMasker.current()
                  .scrub(String.valueOf(e.getMessage()))
                  .strip()
                  .replaceAll("\\s*\\R\\s*", " ");
          failed
              .getErr()
              .println(
                  "dlpipe: "
                      + message
                      + (message.contains("--help") ? "" : " (see " + command + " --help)"));
          failed.getErr().flush();
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Whatever the exception says passes the running command's masker: Hadoop and Spark put
          // paths, URLs and settings into their messages, and this line goes to a scheduler's log.
          SecretMasker masker = SecretMasker.current();
          DlpipeException known = find(e);
          if (known == null) {
            // A Spark or Hadoop exception about the data files (corrupt Parquet, unknown host) is a
            // data error too.
            known = InputReader.dataError(e);
          }
          if (known == null) {
            // A full disk wherever it struck (the lock, a summary): one line naming the path, not a
            // trace.
            known = StagedOutput.noSpace(e);
          }
          if (known != null) {
            // One line, so that a scheduler's alert shows the whole message; the trace only on
            // request.
            lastError =
                masker
                    .scrub(String.valueOf(known.getMessage()))
                    .strip()
                    .replaceAll("\\s*\\R\\s*", " ");
            commandLine.getErr().println("dlpipe: " + lastError);
            if (verbose(parseResult)) {
              commandLine.getErr().print(masker.scrub(trace(e)));
              commandLine
                  .getErr()
                  .flush(); // print() does not flush an auto-flushing PrintWriter; exit follows
            }
            return known.exitCode();
          }
          lastError =
              "failed: " + masker.scrub(String.valueOf(e)).strip().replaceAll("\\s*\\R\\s*", " ");
          commandLine.getErr().println("dlpipe: " + lastError);
          commandLine.getErr().print(masker.scrub(trace(e)));
          commandLine.getErr().flush();
          return ExitCodes.FAILURE;
        });
    // The masker a command installs (see CommonOptions#load) lives as long as the command.
    SecretMasker before = SecretMasker.current();
    try {
      return cli.execute(args);
    } finally {
      SecretMasker.use(before);
    }
  }

  /**
   * Runs the command. The local file system reports a full disk as {@link FSError}, an {@link
   * Error} that picocli would let escape as a raw trace; it becomes an exception for the handler.
   */
  private static int runLast(CommandLine.ParseResult parseResult) {
    try {
      return new CommandLine.RunLast().execute(parseResult);
    } catch (FSError e) {
      throw new CommandLine.ExecutionException(
          parseResult.commandSpec().commandLine(),
          String.valueOf(e.getMessage()),
          HadoopFiles.writeFailure("write failed", e));
    }
  }

  private static String trace(Throwable e) {
    StringWriter text = new StringWriter();
    e.printStackTrace(new PrintWriter(text, true));
    return text.toString();
  }

  /** --verbose on the top command or any subcommand. */
  private static boolean verbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Re-reads log4j2.properties, which reads the properties of {@link #VERBOSE_LOGGING}. */
  private static void reconfigureLogging() {
    if (org.apache.logging.log4j.LogManager.getContext(false)
        instanceof org.apache.logging.log4j.core.LoggerContext context) {
      context.reconfigure();
    }
  }

  /**
   * A DlpipeException anywhere in the cause chain (Spark wraps exceptions thrown in its threads).
   */
  static DlpipeException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof DlpipeException d) {
        return d;
      }
    }
    return null;
  }
}
