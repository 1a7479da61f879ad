package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.submit.SparkSubmitPlan;
import io.dlpipe.submit.SparkSubmitter;
import io.dlpipe.workspace.WorkspaceGuard;
import io.dlpipe.workspace.WorkspaceLock;
import io.dlpipe.yarn.YarnSubmission;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Spark for a command after its config is valid (or submits it to a cluster), logs the
 * resolved config, and stops Spark after.
 */
final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger("io.dlpipe.cli");

  private Runs() {}

  /**
   * Runs {@code body} on a SparkSession, or, when the master names a cluster and this process is
   * not already a submitted driver, hands the whole command line to spark-submit and returns its
   * exit code.
   */
  static int withSpark(
      String command,
      DlpipeConfig cfg,
      CommonOptions options,
      Function<SparkSession, Integer> body) {
    return withSpark(command, cfg, options, null, body);
  }

  /**
   * As {@link #withSpark(String, DlpipeConfig, CommonOptions, Function)}, holding the workspace
   * lock of output.dir from before Spark starts until the command ends, so a second command on the
   * same workspace fails at once (exit code 3) instead of after Spark's start-up. On a cluster the
   * submitted driver takes it, not the process that hands off.
   */
  static int withWorkspace(
      String command,
      DlpipeConfig cfg,
      CommonOptions options,
      Function<Configuration, WorkspaceGuard> outputs,
      Function<SparkSession, Integer> body) {
    return withSpark(command, cfg, options, outputs, body);
  }

  /**
   * @param outputs what the command writes or replaces, checked as a whole before its first byte
   *     (its lock and the workspace marker come after); null for a command that writes no workspace
   */
  private static int withSpark(
      String command,
      DlpipeConfig cfg,
      CommonOptions options,
      Function<Configuration, WorkspaceGuard> outputs,
      Function<SparkSession, Integer> body) {
    String master = SparkSessions.resolveMaster(options.master, cfg.spark());
    if (SparkSubmitter.shouldHandOff(master)) {
      SparkSubmitPlan plan =
          SparkSubmitter.plan(cfg, master, options.conf, options.originalArgs(), System.getenv());
      return YarnSubmission.isYarn(master)
          ? YarnSubmission.run(plan, cfg, System.getenv(), System.err)
          : SparkSubmitter.run(plan);
    }
    if (outputs != null) {
      Configuration hadoop = hadoopConf(master, cfg);
      WorkspaceGuard guard = outputs.apply(hadoop).check();
      try (WorkspaceLock held =
          WorkspaceLock.acquire(
              hadoop, cfg.output().dir(), command, cfg.output().lockStaleAfter())) {
        guard.markWorkspace(command);
        return run(command, master, cfg, body);
      }
    }
    return run(command, master, cfg, body);
  }

  /**
   * The Hadoop configuration Spark will use (spark.hadoop.* of the config and of spark-submit's
   * system properties), built without starting Spark; a running session's own when one is reused.
   */
  static Configuration hadoopConf(String master, DlpipeConfig cfg) {
    if (SparkSession.getDefaultSession().isDefined()) {
      return SparkSession.getDefaultSession().get().sparkContext().hadoopConfiguration();
    }
    Configuration conf = new Configuration();
    for (scala.Tuple2<String, String> e : SparkSessions.baseConf(master, cfg.spark()).getAll()) {
      if (e._1().startsWith("spark.hadoop.")) {
        conf.set(e._1().substring("spark.hadoop.".length()), e._2());
      }
    }
    return conf;
  }

  private static int run(
      String command, String master, DlpipeConfig cfg, Function<SparkSession, Integer> body) {
    LOG.info("dlpipe {} on {}; resolved configuration:\n{}", command, master, cfg.renderMasked());
    // A session that already runs (tests, notebooks, an embedding application) is reused and left
    // running; one this command started is stopped when it ends.
    boolean reused = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.getOrCreate(master, cfg.spark());
    if (!reused && !master.startsWith("local")) {
      // On a cluster manager this is the id its tools know the run by (yarn logs -applicationId
      // ...).
      LOG.info("Spark application {} on {}", spark.sparkContext().applicationId(), master);
    }
    try {
      return body.apply(spark);
    } finally {
      if (!reused) {
        spark.stop();
      }
    }
  }
}
