package io.dlpipe.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.train.LocalClusters;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator, the model and the SQL function on two executor JVMs (local-cluster): the network
 * is broadcast, the SQL function's model is loaded by the executors from the saved path, and the
 * frames cross process boundaries. The workspace is local, which the executors of this cluster
 * share because they run on this machine.
 */
class DlpipeLocalClusterTest {
  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() {
    spark = LocalClusters.start(Map.of());
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void fitTransformSaveLoadAndSqlOnTwoExecutorJvms() throws Exception {
    Dataset<Row> frame = MlFixtures.frame(spark).repartition(4);
    DlpipeModel model = MlFixtures.regression().setEpochs(1).setWorkDir(tmp.resolve("ws").toString()).fit(frame);
    Dataset<Row> scored = model.transform(frame).select("id", "prediction", "dlpipe_error").cache();
    assertEquals(MlFixtures.ROWS, scored.where(functions.col("prediction").isNotNull().and(functions.col("dlpipe_error").isNull())).count());

    String saved = tmp.resolve("saved").toString();
    model.write().overwrite().save(saved);
    DlpipeModel loaded = DlpipeModel.load(saved);
    Dataset<Row> again = loaded.transform(frame).select(functions.col("id"), functions.col("prediction").as("again"));
    assertEquals(0, scored.join(again, "id").where(functions.not(functions.col("prediction").equalTo(functions.col("again")))).count());

    DlpipeFunctions.register(spark, "dlpipe_predict", saved);
    frame.createOrReplaceTempView("houses");
    Dataset<Row> sql = spark.sql("SELECT id, dlpipe_predict(struct(*)) AS p FROM houses").select(functions.col("id"), functions.col("p.prediction").as("sql"),
        functions.col("p.error").as("error"), functions.col("p.model_id").as("model_id"));
    Dataset<Row> joined = sql.join(scored, "id");
    assertEquals(MlFixtures.ROWS, joined.count());
    assertEquals(0, joined.where(functions.col("error").isNotNull().or(functions.col("model_id").notEqual(model.modelId()))).count());
    // single rows versus minibatches: float rounding only (see DlpipeScoringTest)
    assertEquals(0, joined.where(functions.abs(functions.col("sql").minus(functions.col("prediction"))).gt(1e-4)).count());
    assertTrue(spark.sparkContext().master().startsWith("local-cluster["), spark.sparkContext().master());
  }
}
