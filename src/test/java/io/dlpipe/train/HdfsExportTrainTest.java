package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.testing.MiniHdfs;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole workspace on HDFS (a NameNode and a DataNode started by the test, on loopback), used by
 * two executor JVMs: etl writes prepared/ there, train exports its minibatches there (the export
 * approach, which needs a file system all executors share), checkpoints there, and a second run
 * resumes from those checkpoints.
 */
class HdfsExportTrainTest {
  private static MiniDFSCluster hdfs;
  private static SparkSession spark;
  private static String root;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"));
    root = hdfs.getURI().toString();
    spark = LocalClusters.start(Map.of("spark.hadoop.fs.defaultFS", root));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static DlpipeConfig config(String... extra) {
    return TestConfig.of(
            "file://" + TestData.credit(), "Status", "classification", root + "/ws/credit")
        .format("csv")
        .set("target.classes=[good, bad]")
        .set(extra)
        .load();
  }

  @Test
  void exportsCheckpointsAndResumesOnHdfs() throws Exception {
    new EtlJob(spark, config()).run();
    TrainResult first =
        new TrainJob(spark, config("train.epochs=2", "train.early-stopping.patience=0")).run(false);
    assertEquals(TrainConfig.Approach.EXPORT, first.provenance().approach());
    assertEquals(LocalClusters.EXECUTORS, first.provenance().training().executors());

    FileSystem fs = hdfs.getFileSystem();
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/ws/credit/prepared/_SUCCESS")));
    assertTrue(
        fs.exists(
            new org.apache.hadoop.fs.Path("/ws/credit/checkpoints/epoch-000002/network.zip")));
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/ws/credit/model/model.zip")));
    assertFalse(
        fs.exists(new org.apache.hadoop.fs.Path("/ws/credit/model/_export")),
        "the exported minibatches are removed after training");

    TrainResult second =
        new TrainJob(spark, config("train.epochs=3", "train.early-stopping.patience=0")).run(false);
    assertEquals(2, second.provenance().training().resumedFromEpoch());
    assertEquals(3, second.provenance().training().epochsRun());
    assertEquals(TrainConfig.Approach.EXPORT, second.provenance().approach());
    assertTrue(
        second.provenance().training().bestValidation().auc() > 0.78,
        "validation AUC " + second.provenance().training().bestValidation().auc());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/ws/credit/model/_SUCCESS")));
  }
}
