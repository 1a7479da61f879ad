package io.dlpipe.cli;

import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dlpipe} command line. The only place where exceptions become exit codes: 0 ok, 2
 * usage or config, 3 data, 1 anything else.
 */
@Command(
    name = "dlpipe",
    description = "Spark ETL and distributed neural-network training for big tabular data.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = {RunCommand.class, EtlCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class, DoctorCommand.class, SynthCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    String commands = String.join(", ", spec.subcommands().keySet().stream().filter(c -> !c.equals("help")).toList());
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: give one of " + commands + " (see dlpipe --help)");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; used by main and by tests. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          DlpipeException known = find(e);
          if (known != null) {
            commandLine.getErr().println("dlpipe: " + known.getMessage());
            return known.exitCode();
          }
          commandLine.getErr().println("dlpipe: failed: " + e);
          e.printStackTrace(commandLine.getErr());
          return ExitCodes.FAILURE;
        });
    return cli.execute(args);
  }

  /** A DlpipeException anywhere in the cause chain (Spark wraps exceptions thrown in its threads). */
  static DlpipeException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof DlpipeException d) {
        return d;
      }
    }
    return null;
  }
}
