package io.dlpipe.testing;

import io.dlpipe.config.SparkSettings;
import io.dlpipe.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession shared by every test in the JVM: two cores, UI off, loopback, few
 * shuffle partitions. Starting Spark costs seconds; tests share it and never stop it, except the
 * few that need a session of their own (a multi-JVM cluster, HDFS): only one SparkContext may run
 * per JVM, so those call {@link #stop()} first, stop their own session when done, and the next
 * {@link #get()} starts a fresh shared one.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (session == null || session.sparkContext().isStopped()) {
      SparkSettings settings =
          new SparkSettings(
              "local[2]",
              "dlpipe-tests",
              Map.of(
                  "spark.ui.enabled", "false",
                  "spark.sql.shuffle.partitions", "4",
                  "spark.default.parallelism", "4"),
              "");
      session = SparkSessions.getOrCreate("local[2]", settings);
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** Stops the shared session, if one runs, so that a test can start a session of its own. */
  public static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }
}
