package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.eval.EvaluateJob;
import io.dlpipe.workspace.WorkspaceGuard;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dlpipe evaluate}: metrics, baseline, importance and the report for the trained model. */
@Command(
    name = "evaluate",
    description = {
      "Evaluate <output.dir>/model/ on prepared/test, on Spark, beside a linear MLlib baseline.",
      "Writes <output.dir>/evaluation/: metrics.json, curves.json, predictions/, report.html and _SUCCESS."
    },
    mixinStandardHelpOptions = true)
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    return Runs.withWorkspace(
        "evaluate",
        cfg,
        options,
        conf -> WorkspaceGuard.evaluate(conf, cfg),
        spark -> {
          new EvaluateJob(spark, cfg).run();
          return 0;
        });
  }
}
