package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.run.RunJob;
import io.dlpipe.workspace.WorkspaceGuard;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlpipe run}: etl, train, evaluate; the command a scheduler calls. */
@Command(
    name = "run",
    description = {
      "Run etl -> train -> evaluate. A stage is skipped when its inputs (for etl: the raw files' content) and its part of the config are unchanged.",
      "Writes <output.dir>/run-summary.json: stages run or skipped, seconds per stage, key metrics, exit status.",
      "With --date: one day of a schedule. Measures the day's drift against the model, retrains when schedule.retrain says so (or there is no model),",
      "and scores the day's input into <output.dir>/predictions/dt=<date>/ (drift/dt=<date>/drift.json, runs/dt=<date>/run-summary.json beside it)."
    },
    mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--force", description = "Redo every stage (training starts fresh).")
  boolean force;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    return Runs.withWorkspace(
        "run",
        cfg,
        options,
        conf -> WorkspaceGuard.run(conf, cfg),
        spark -> {
          new RunJob(spark, cfg).run(force);
          return 0;
        });
  }
}
