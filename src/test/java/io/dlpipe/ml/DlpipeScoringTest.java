package io.dlpipe.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring outside batch predict: the SQL function, and the model on a Structured Streaming file
 * source.
 */
class DlpipeScoringTest {
  @TempDir static Path tmp;

  private final SparkSession spark = TestSpark.get();

  /**
   * The fixture rows as text, as a CLI reader sees them, plus one row whose x1 is not a number (id
   * 300).
   */
  private static Path csvWithABadRow(Path dir) throws IOException {
    Path file = MlFixtures.csv(dir);
    Files.writeString(file, "300,abc,0.5,red,11.0,high\n", java.nio.file.StandardOpenOption.APPEND);
    return file;
  }

  @Test
  void theSqlFunctionScoresLikeTransformAndGivesANullAndTheReasonForABadRow() throws IOException {
    DlpipeModel model = MlFixtures.model();
    String saved = tmp.resolve("saved").toString();
    model.write().overwrite().save(saved);
    DlpipeFunctions.register(spark, "dlpipe_predict", saved);
    Path csv = csvWithABadRow(tmp.resolve("sql-input"));
    spark
        .read()
        .option("header", true)
        .csv(csv.toString())
        .repartition(4)
        .createOrReplaceTempView("houses");

    Dataset<Row> scored = spark.sql("SELECT id, dlpipe_predict(struct(*)) AS p FROM houses");
    assertEquals(
        "struct<prediction:double,probabilities:map<string,double>,model_id:string,error:string>",
        scored.schema().apply("p").dataType().simpleString());
    Dataset<Row> flat =
        scored
            .select(
                functions.col("id").cast(DataTypes.IntegerType).as("id"),
                functions.col("p.prediction").as("sql"),
                functions.col("p.probabilities").as("probabilities"),
                functions.col("p.model_id").as("model_id"),
                functions.col("p.error").as("error"))
            .cache();
    assertEquals(MlFixtures.ROWS + 1, flat.count());
    Row bad = flat.where("id = 300").first();
    assertTrue(bad.isNullAt(1), "no prediction for the bad row");
    assertEquals("unparseable_numeric: column x1: 'abc' is not a number", bad.getString(4));
    assertEquals(model.modelId(), bad.getString(3));
    assertEquals(
        0,
        flat.where("id < 300 AND (sql IS NULL OR error IS NOT NULL OR probabilities IS NOT NULL)")
            .count());
    assertEquals(
        List.of(model.modelId()),
        flat.select("model_id")
            .distinct()
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());

    // One row at a time versus minibatches: the same network and transform; only float rounding
    // of the matrix products may differ, far below the target's resolution (prices to 0.001).
    Dataset<Row> batch = model.transform(MlFixtures.frame(spark)).select("id", "prediction");
    Dataset<Row> joined = flat.join(batch, "id");
    assertEquals(MlFixtures.ROWS, joined.count());
    assertEquals(
        0,
        joined
            .where(functions.abs(functions.col("sql").minus(functions.col("prediction"))).gt(1e-4))
            .count());
    // Loaded once in this JVM (the local executor), for four tasks and 301 rows.
    String bundleDir =
        Bundles.resolve(
            new io.dlpipe.io.HadoopFiles(spark.sparkContext().hadoopConfiguration()),
            Bundles.qualify(spark.sparkContext().hadoopConfiguration(), saved));
    assertEquals(1, PredictUdf.loads(bundleDir, model.modelId()));

    Row drift =
        spark.sql("SELECT dlpipe_predict(struct(id, x1)) AS p FROM houses").select("p.*").first();
    assertTrue(drift.isNullAt(0));
    assertEquals(
        "Schema drift: training column 'x2' (numeric) is missing from the input struct; the model needs it",
        drift.getString(3));
  }

  @Test
  void theSqlFunctionReadsAJobsDlpipeWorkspaceToo() {
    DlpipeModel model = MlFixtures.model();
    DlpipeFunctions.register(spark, "dlpipe_cli_predict", MlFixtures.modelWorkspace().toString());
    MlFixtures.frame(spark).createOrReplaceTempView("typed_houses");
    Dataset<Row> sql =
        spark.sql("SELECT id, dlpipe_cli_predict(struct(*)).prediction AS sql FROM typed_houses");
    Dataset<Row> joined =
        sql.join(model.transform(MlFixtures.frame(spark)).select("id", "prediction"), "id");
    assertEquals(MlFixtures.ROWS, joined.count());
    assertEquals(
        0,
        joined
            .where(functions.abs(functions.col("sql").minus(functions.col("prediction"))).gt(1e-4))
            .count());
  }

  @Test
  void aStreamScoredByTheModelReconcilesWithBatchPredict() throws Exception {
    DlpipeModel model = MlFixtures.model();
    Path in = tmp.resolve("stream-in");
    Path csv = csvWithABadRow(in);
    String out = tmp.resolve("stream-out").toString();
    MlFixtures.scoreStream(spark, model, in, Path.of(out), tmp.resolve("stream-checkpoint"));

    DlpipeConfig cfg =
        TestData.config(csv.toString(), "csv", "price", "regression", MlFixtures.modelWorkspace());
    String predicted = tmp.resolve("batch-predicted").toString();
    Map<String, Long> counts = new PredictJob(spark, cfg, csv.toString(), predicted).run();
    assertEquals(Map.of("rows_read", 301L, "rows_scored", 300L, "rows_quarantined", 1L), counts);

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
            .where(functions.not(functions.col("model_id").equalTo(functions.col("batch_model"))))
            .count());
    // Both score minibatches through eval.Scoring; the stream's batch also holds the bad row, and
    // a matrix product over a different number of rows may round the last float bit differently.
    assertEquals(
        0,
        joined
            .where(
                functions.abs(functions.col("prediction").minus(functions.col("batch"))).gt(1e-6))
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
    assertEquals(model.modelId(), streamed.select("model_id").distinct().first().getString(0));
  }
}
