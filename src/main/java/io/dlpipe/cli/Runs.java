package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.submit.SparkSubmitter;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Spark for a command after its config is valid (or submits it to a cluster), logs the resolved config, and stops Spark after. */
final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger("io.dlpipe.cli");

  private Runs() {}

  /**
   * Runs {@code body} on a SparkSession, or, when the master names a cluster and this process is
   * not already a submitted driver, hands the whole command line to spark-submit and returns its
   * exit code.
   */
  static int withSpark(String command, DlpipeConfig cfg, CommonOptions options, Function<SparkSession, Integer> body) {
    String master = SparkSessions.resolveMaster(options.master, cfg.spark());
    if (SparkSubmitter.shouldHandOff(master)) {
      return SparkSubmitter.run(SparkSubmitter.plan(cfg, master, options.conf, options.originalArgs(), System.getenv()));
    }
    LOG.info("dlpipe {} on {}; resolved configuration:\n{}", command, master, cfg.renderMasked());
    // A session that already runs (tests, notebooks, an embedding application) is reused and left
    // running; one this command started is stopped when it ends.
    boolean reused = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.getOrCreate(master, cfg.spark());
    try {
      return body.apply(spark);
    } finally {
      if (!reused) {
        spark.stop();
      }
    }
  }
}
