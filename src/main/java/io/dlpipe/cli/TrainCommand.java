package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.train.TrainJob;
import io.dlpipe.workspace.WorkspaceGuard;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlpipe train}: prepared Parquet to a trained network, data-parallel on Spark. */
@Command(
    name = "train",
    description = {
      "Train a neural network on <output.dir>/prepared/ with DL4J parameter averaging across the Spark cluster.",
      "Writes <output.dir>/model/ (model.zip, model.json, training-history.csv, _SUCCESS) and per-epoch <output.dir>/checkpoints/.",
      "Resumes from the newest checkpoint in checkpoints/ unless --fresh is given."
    },
    mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(
      names = "--fresh",
      description =
          "Delete the checkpoints and start from epoch 1 (the current model stays in place until the new one replaces it).")
  boolean fresh;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    return Runs.withWorkspace(
        "train",
        cfg,
        options,
        conf -> WorkspaceGuard.train(conf, cfg),
        spark -> {
          new TrainJob(spark, cfg).run(fresh);
          return 0;
        });
  }
}
