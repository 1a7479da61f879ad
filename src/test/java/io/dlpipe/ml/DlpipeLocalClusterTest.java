package io.dlpipe.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.testing.TestData;
import io.dlpipe.train.LocalClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator, the model, the SQL function and streaming scoring on two executor JVMs
 * (local-cluster), started once for the class: the network is broadcast, the SQL function's model
 * is loaded by the executors from the saved path, and the frames cross process boundaries. The
 * workspace is local, which the executors of this cluster share because they run on this machine.
 */
class DlpipeLocalClusterTest {
  private static SparkSession spark;

  /**
   * Fitted once on the cluster, one epoch: these tests are about where the code runs, not about
   * accuracy.
   */
  private static DlpipeModel model;

  private static Path workspace;

  @TempDir static Path tmp;

  @BeforeAll
  static void startClusterAndFit() {
    // No locality wait: tasks reading a shuffle that one executor wrote would otherwise all wait
    // for
    // that executor, and the other would never score (nor load the SQL function's model).
    spark = LocalClusters.start(Map.of("spark.locality.wait", "0"));
    workspace = tmp.resolve("ws");
    model =
        MlFixtures.regression()
            .setEpochs(1)
            .setWorkDir(workspace.toString())
            .fit(MlFixtures.frame(spark).repartition(4));
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void fitTransformSaveLoadAndSqlOnTwoExecutorJvms() throws Exception {
    assertTrue(
        spark.sparkContext().master().startsWith("local-cluster["), spark.sparkContext().master());
    Dataset<Row> frame = MlFixtures.frame(spark).repartition(4);
    Dataset<Row> scored = model.transform(frame).select("id", "prediction", "dlpipe_error").cache();
    assertEquals(
        MlFixtures.ROWS,
        scored
            .where(
                functions.col("prediction").isNotNull().and(functions.col("dlpipe_error").isNull()))
            .count());

    String saved = tmp.resolve("saved").toString();
    model.write().overwrite().save(saved);
    DlpipeModel loaded = DlpipeModel.load(saved);
    Dataset<Row> again =
        loaded
            .transform(frame)
            .select(functions.col("id"), functions.col("prediction").as("again"));
    // repartition(4) deals rows out anew on each recomputation, so a row may meet other rows in its
    // minibatch, and a GEMM of another height may round the last float bit differently.
    assertEquals(
        0,
        scored
            .join(again, "id")
            .where(
                functions.abs(functions.col("prediction").minus(functions.col("again"))).gt(1e-6))
            .count());

    DlpipeFunctions.register(spark, "dlpipe_predict", saved);
    frame.createOrReplaceTempView("houses");
    Dataset<Row> sql =
        spark
            .sql("SELECT id, dlpipe_predict(struct(*)) AS p FROM houses")
            .select(
                functions.col("id"),
                functions.col("p.prediction").as("sql"),
                functions.col("p.error").as("error"),
                functions.col("p.model_id").as("model_id"));
    Dataset<Row> joined = sql.join(scored, "id");
    assertEquals(MlFixtures.ROWS, joined.count());
    assertEquals(
        0,
        joined
            .where(
                functions
                    .col("error")
                    .isNotNull()
                    .or(functions.col("model_id").notEqual(model.modelId())))
            .count());
    // single rows versus minibatches: float rounding only (see DlpipeScoringTest)
    assertEquals(
        0,
        joined
            .where(functions.abs(functions.col("sql").minus(functions.col("prediction"))).gt(1e-4))
            .count());

    // Once per executor JVM: a diagnostic function that takes the prediction as its argument (so it
    // runs after it, in the same task) reports the executor and how often that JVM loaded the
    // model.
    // After two queries of four tasks each, every row of a third says 1 on both executors; a load
    // per task, query or row would show higher counts.
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String bundleDir = Bundles.resolve(new HadoopFiles(hadoop), Bundles.qualify(hadoop, saved));
    String modelId = model.modelId();
    spark
        .udf()
        .register(
            "dlpipe_test_jvm_loads",
            (UDF1<Row, String>)
                p -> SparkEnv.get().executorId() + ":" + PredictUdf.loads(bundleDir, modelId),
            DataTypes.StringType);
    List<String> perJvm =
        spark
            .sql(
                "SELECT DISTINCT dlpipe_test_jvm_loads(dlpipe_predict(struct(*))) AS jvm FROM houses ORDER BY jvm")
            .as(Encoders.STRING())
            .collectAsList();
    assertEquals(List.of("0:1", "1:1"), perJvm);
    // (The driver is left out on purpose: a filter on the function's result over a frame made from
    // a
    // driver-side list is pushed onto that LocalRelation, and Spark's ConvertToLocalRelation rule
    // evaluates it on the driver while optimizing; that loads the model in the driver JVM too.)
  }

  @Test
  void aFileStreamScoredOnTheClusterReconcilesRowForRowWithBatchPredict() throws Exception {
    Path in = tmp.resolve("stream-in");
    Path csv = MlFixtures.csv(in);
    Files.writeString(csv, "300,abc,0.5,red,11.0,high\n", StandardOpenOption.APPEND);
    String out = tmp.resolve("stream-out").toString();
    MlFixtures.scoreStream(spark, model, in, Path.of(out), tmp.resolve("stream-checkpoint"));

    DlpipeConfig cfg = TestData.config(csv.toString(), "csv", "price", "regression", workspace);
    String predicted = tmp.resolve("batch-predicted").toString();
    assertEquals(
        Map.of("rows_read", 301L, "rows_scored", 300L, "rows_quarantined", 1L),
        new PredictJob(spark, cfg, csv.toString(), predicted).run());

    Dataset<Row> streamed = spark.read().parquet(out);
    assertEquals(301, streamed.count());
    Dataset<Row> batch =
        spark
            .read()
            .parquet(predicted)
            .select(
                functions.col("id"),
                functions.col("prediction").as("batch"),
                functions.col("model_id").as("batch_model"));
    Dataset<Row> joined = streamed.where(functions.col("dlpipe_error").isNull()).join(batch, "id");
    assertEquals(300, joined.count());
    assertEquals(
        0,
        joined
            .where(
                functions
                    .not(functions.col("model_id").equalTo(functions.col("batch_model")))
                    .or(
                        functions
                            .abs(functions.col("prediction").minus(functions.col("batch")))
                            .gt(1e-6)))
            .count());
    Row quarantined = spark.read().parquet(PredictJob.quarantineOf(predicted)).first();
    Row rejected =
        streamed
            .where(functions.col("dlpipe_error").isNotNull())
            .select("id", "prediction", "dlpipe_error")
            .first();
    assertEquals("300", rejected.getString(0));
    assertTrue(rejected.isNullAt(1));
    assertEquals(
        quarantined.<String>getAs("reason") + ": " + quarantined.<String>getAs("detail"),
        rejected.getString(2));
  }
}
