package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on two executor JVMs (local-cluster). The workspace is on the local file system, which
 * the executors of a real cluster do not share, so the default export approach must fall back to
 * direct with a warning instead of failing. DL4J's training statistics are collected and written.
 */
class LocalClusterTrainTest {
  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() {
    // executors here cannot reach pool.ntp.org, DL4J's default clock for its training statistics
    spark =
        LocalClusters.start(
            Map.of(
                "spark.executor.extraJavaOptions",
                "-D"
                    + TrainJob.STATS_CLOCK
                    + "=org.deeplearning4j.spark.time.SystemClockTimeSource"));
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void trainsCreditOnTwoExecutorJvmsWithDirectFallbackAndStatsHtml() throws Exception {
    Path ws = tmp.resolve("credit");
    new io.dlpipe.etl.EtlJob(spark, TestData.creditConfig(TestData.credit(), ws)).run();
    // train.workers set: on data this small the automatic choice is one worker.
    TrainResult result =
        new TrainJob(
                spark,
                TestData.creditConfig(
                    TestData.credit(),
                    ws,
                    "train.epochs=4",
                    "train.collect-stats=true",
                    "train.workers=" + LocalClusters.EXECUTORS))
            .run(false);

    ModelProvenance p = result.provenance();
    assertTrue(p.training().master().startsWith("local-cluster["), p.training().master());
    assertEquals(LocalClusters.EXECUTORS, p.training().executors());
    assertEquals(LocalClusters.EXECUTORS, p.training().workers());
    assertEquals(
        TrainConfig.Approach.DIRECT,
        p.approach(),
        "export needs a shared file system; the local one is not");
    assertEquals(4, p.training().epochsRun());
    assertTrue(
        p.training().bestValidation().auc() > 0.78,
        "validation AUC " + p.training().bestValidation().auc());
    assertTrue(p.timing().executorSeconds() > 0);
    String html = Files.readString(ws.resolve("model/training-stats.html"));
    assertTrue(
        html.contains("<html") && html.length() > 10_000,
        "DL4J's stats page: " + html.length() + " chars");
    assertTrue(Files.exists(ws.resolve("model/_SUCCESS")));
  }
}
