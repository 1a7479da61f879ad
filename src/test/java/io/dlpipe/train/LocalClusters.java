package io.dlpipe.train;

import io.dlpipe.config.SparkSettings;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A real multi-JVM Spark cluster on loopback: {@code local-cluster[2,1,1536]} starts a Master and
 * two Workers in this JVM, and each Worker forks an executor JVM of its own, so tasks, broadcasts,
 * accumulators and DL4J's worker state really cross process boundaries. Executors reuse this JVM's
 * class path (surefire lists the real jars), and SPARK_HOME only needs an empty jars/ folder.
 */
public final class LocalClusters {
  public static final int EXECUTORS = 2;

  private LocalClusters() {}

  /** Stops the shared local session and starts the cluster's; {@code extra} Spark settings win. */
  public static SparkSession start(Map<String, String> extra) {
    String home = System.getenv("SPARK_HOME");
    if (home == null) {
      throw new IllegalStateException("SPARK_HOME is not set; surefire sets it (see pom.xml)");
    }
    try {
      Files.createDirectories(Path.of(home, "jars"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestSpark.stop();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.shuffle.partitions", "4");
    conf.put("spark.executor.memory", "1g");
    conf.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    conf.putAll(extra);
    String master = "local-cluster[" + EXECUTORS + ",1,1536]";
    SparkSession spark =
        SparkSessions.getOrCreate(
            master, new SparkSettings(master, "dlpipe-train-cluster-test", conf, ""));
    spark.sparkContext().setLogLevel("WARN");
    long deadline = System.nanoTime() + 120_000_000_000L;
    // the driver is listed too
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < EXECUTORS + 1) {
      if (System.nanoTime() > deadline) {
        spark.stop();
        throw new IllegalStateException(
            "the executors of " + master + " did not register within 120 s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return spark;
  }
}
