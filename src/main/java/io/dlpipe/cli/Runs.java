package io.dlpipe.cli;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.spark.SparkSessions;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Spark for a command after its config is valid, logs the resolved config, and stops Spark after. */
final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger("io.dlpipe.cli");

  private Runs() {}

  static int withSpark(String command, DlpipeConfig cfg, String cliMaster, Function<SparkSession, Integer> body) {
    String master = SparkSessions.resolveMaster(cliMaster, cfg.spark());
    LOG.info("dlpipe {} on {}; resolved configuration:\n{}", command, master, cfg.renderMasked());
    SparkSession spark = SparkSessions.getOrCreate(master, cfg.spark());
    try {
      return body.apply(spark);
    } finally {
      spark.stop();
    }
  }
}
