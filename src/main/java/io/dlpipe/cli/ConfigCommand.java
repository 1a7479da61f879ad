package io.dlpipe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dlpipe config}: validate a configuration and print it resolved, without starting Spark.
 */
@Command(
    name = "config",
    description =
        "Validate the configuration and print it resolved (defaults < --conf < --set), secrets masked. Starts no Spark.",
    mixinStandardHelpOptions = true)
final class ConfigCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    io.dlpipe.config.DlpipeConfig cfg = options.load();
    // A workspace on this machine's disk is checked as the pipeline commands check it (root, a
    // user's folder);
    // a cluster's file system is left to them, so that config works where HDFS or S3 cannot be
    // reached.
    org.apache.hadoop.conf.Configuration hadoop =
        Runs.hadoopConf(
            io.dlpipe.spark.SparkSessions.resolveMaster(options.master, cfg.spark()), cfg);
    io.dlpipe.workspace.WorkspaceGuard.requireUsablePath(hadoop, cfg.output().dir(), "output.dir");
    if (!cfg.input().isTable()) {
      io.dlpipe.workspace.WorkspaceGuard.requireUsablePath(
          hadoop, cfg.input().path(), "input.path");
    }
    if (io.dlpipe.io.HadoopFiles.isLocal(hadoop, cfg.output().dir())) {
      io.dlpipe.workspace.WorkspaceGuard.requireWorkspace(
          new io.dlpipe.io.HadoopFiles(hadoop), cfg.output().dir());
    }
    System.out.print(cfg.renderMasked());
    return 0;
  }
}
