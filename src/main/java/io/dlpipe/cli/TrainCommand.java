package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.train.TrainJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlpipe train}: prepared Parquet to a trained network, data-parallel on Spark. */
@Command(
    name = "train",
    description = {
      "Train a neural network on <output.dir>/prepared/ with DL4J parameter averaging across the Spark cluster.",
      "Writes <output.dir>/model/: model.zip, model.json, training-history.csv, checkpoints/ and _SUCCESS.",
      "Resumes from the newest checkpoint in model/checkpoints/ unless --fresh is given."
    },
    mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--fresh", description = "Ignore and delete existing checkpoints and model output; start from epoch 1.")
  boolean fresh;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    return Runs.withSpark("train", cfg, options, spark -> {
      new TrainJob(spark, cfg).run(fresh);
      return 0;
    });
  }
}
