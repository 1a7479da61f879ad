package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.eval.PredictJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlpipe predict}: batch scoring of new raw data with the fitted transform and the model. */
@Command(
    name = "predict",
    description = {
      "Score new raw data (input.format; the target column may be absent) with <output.dir>/model/ and the very transform it was trained with.",
      "Writes Parquet: the input's columns + prediction (+ probability_<class>), model_id, scored_at; bad rows go to <output>_quarantine."
    },
    mixinStandardHelpOptions = true)
final class PredictCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "Raw data to score (any Hadoop path, in input.format).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = {
      "Where the scored Parquet goes: a new path, or an earlier prediction output with --overwrite.",
      "Must not contain or lie inside the input, output.dir or the model."})
  String output;

  @Option(names = "--overwrite", description = "Replace an earlier prediction output at --output (and its _quarantine). Anything else there is never replaced.")
  boolean overwrite;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    return Runs.withWorkspace("predict", cfg, options, spark -> {
      new PredictJob(spark, cfg, input, output, overwrite).run();
      return 0;
    });
  }
}
