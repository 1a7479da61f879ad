package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.input.TableSink;
import io.dlpipe.workspace.WorkspaceGuard;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dlpipe predict}: batch scoring of new raw data with the fitted transform and the model.
 */
@Command(
    name = "predict",
    description = {
      "Score new raw data (input.format; the target column may be absent) with <output.dir>/model/ and the very transform it was trained with.",
      "Writes Parquet: the input's columns + prediction (+ probability_<class>), model_id, scored_at; bad rows go to <output>_quarantine.",
      "With --output-table the rows go into a table instead, one partition per run (docs/tables.md)."
    },
    mixinStandardHelpOptions = true)
final class PredictCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "PATH|TABLE",
      description =
          "Raw data to score: a Hadoop path in input.format, or a table when input.format = table.")
  String input;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Where the scored rows go: one of the two. */
  static final class Target {
    @Option(
        names = "--output",
        required = true,
        paramLabel = "PATH",
        description = {
          "Where the scored Parquet goes: a new path, or an earlier prediction output with --overwrite.",
          "Must not contain or lie inside the input, output.dir or the model."
        })
    String output;

    @Option(
        names = "--output-table",
        required = true,
        paramLabel = "TABLE",
        description = {
          "A table of the session's catalog (db.name, catalog.db.name, delta.`/path`) to write into instead: this run's partition",
          "(predict.table.partition-column = run.date, else today in UTC) is replaced, other partitions are untouched;",
          "bad rows go to TABLE_quarantine. Created, partitioned and marked as dlpipe's when missing."
        })
    String table;
  }

  @Option(
      names = "--overwrite",
      description =
          "Replace an earlier prediction output at --output (and its _quarantine). Anything else there is never replaced.")
  boolean overwrite;

  @Option(
      names = TableSink.FOREIGN_FLAG,
      description =
          "Write into an existing --output-table (and its _quarantine) that dlpipe did not create; only this run's partition is replaced.")
  boolean allowForeignTable;

  /**
   * An empty value (a scheduler's unset variable) would reach Hadoop's Path as a trace; it is a
   * usage error.
   */
  private static void requireValue(String option, String value, String expected) {
    if (value.isBlank()) {
      throw new io.dlpipe.ConfigException(
          "Invalid " + option + ": expected " + expected + ", found an empty value");
    }
  }

  @Override
  public Integer call() {
    if (target.table != null && overwrite) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--overwrite applies to --output; --output-table replaces this run's partition by itself");
    }
    if (target.output != null && allowForeignTable) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), TableSink.FOREIGN_FLAG + " applies to --output-table only");
    }
    requireValue("--input", input, "a path, or a table when input.format = table");
    if (target.output != null) {
      requireValue("--output", target.output, "a path");
    }
    if (target.table != null) {
      requireValue("--output-table", target.table, "a table name");
    }
    DlpipeConfig cfg = options.load();
    java.util.function.Function<org.apache.hadoop.conf.Configuration, WorkspaceGuard> outputs =
        target.table != null
            ? conf -> WorkspaceGuard.predictTable(conf, cfg)
            : conf ->
                WorkspaceGuard.predict(
                    conf,
                    cfg,
                    input,
                    target.output,
                    PredictJob.quarantineOf(target.output),
                    "--output",
                    false);
    return Runs.withWorkspace(
        "predict",
        cfg,
        options,
        outputs,
        spark -> {
          if (target.table != null) {
            LocalDate date = cfg.schedule().runDate().orElse(LocalDate.now(ZoneOffset.UTC));
            new PredictJob(
                    spark,
                    cfg,
                    input,
                    new TableSink(spark, target.table, cfg.predictTable(), date, allowForeignTable))
                .run();
          } else {
            new PredictJob(spark, cfg, input, target.output, overwrite).run();
          }
          return 0;
        });
  }
}
