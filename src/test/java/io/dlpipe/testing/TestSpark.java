package io.dlpipe.testing;

import io.dlpipe.config.SparkSettings;
import io.dlpipe.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession shared by every test in the JVM: two cores, UI off, loopback, few
 * shuffle partitions. Starting Spark costs seconds; tests share it and never stop it.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkSettings settings =
          new SparkSettings(
              "local[2]",
              "dlpipe-tests",
              Map.of(
                  "spark.ui.enabled", "false",
                  "spark.sql.shuffle.partitions", "4",
                  "spark.default.parallelism", "4"));
      session = SparkSessions.getOrCreate("local[2]", settings);
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
