package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.workspace.WorkspaceGuard;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dlpipe etl}: raw data to prepared Parquet plus the fitted transform. */
@Command(
    name = "etl",
    description = {
      "Clean, quarantine, split and normalize raw data into <output.dir>/prepared/.",
      "Writes train/, validation/, test/ (Parquet: features, label), transform.json, quarantine/, etl-summary.json and _SUCCESS."
    },
    mixinStandardHelpOptions = true)
final class EtlCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    return Runs.withWorkspace(
        "etl",
        cfg,
        options,
        conf -> WorkspaceGuard.etl(conf, cfg),
        spark -> {
          new EtlJob(spark, cfg).run();
          return 0;
        });
  }
}
