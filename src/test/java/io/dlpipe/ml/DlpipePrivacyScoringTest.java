package io.dlpipe.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.Privacy;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained by the CLI on a salted-hash column scores alike through {@code predict}, {@link
 * DlpipeModel#transform} and the SQL function: all three hash what the model reads with the salt it
 * was trained with, and the two API paths refuse a missing or different salt.
 *
 * <p>The target depends mostly on the user behind the e-mail ({@code y = x + 10 user}), so a path
 * that fed the model raw e-mails (all unseen levels, one "other" code) would predict the same for
 * every user: the spread across users below tells hashed from raw.
 */
class DlpipePrivacyScoringTest {
  private static final String SALT = "0123456789abcdef-salt";
  private static final int USERS = 6;
  @TempDir static Path tmp;
  private static Path ws;
  private static DlpipeConfig cfg;
  private static Path input;

  private final SparkSession spark = TestSpark.get();

  private static String rows(int from, int to) {
    StringBuilder csv = new StringBuilder("id,email,x,y\n");
    for (int i = from; i <= to; i++) {
      int user = i % USERS;
      double x = (i % 10) * 0.5;
      csv.append(
          String.format(Locale.ROOT, "%d,user%d@example.com,%s,%s%n", i, user, x, x + 10 * user));
    }
    return csv.toString();
  }

  @BeforeAll
  static void trainWithTheCli() throws Exception {
    Path train = tmp.resolve("train.csv");
    Files.writeString(train, rows(1, 300));
    ws = tmp.resolve("ws");
    cfg =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=" + train,
                "target.column=y",
                "target.task=regression",
                "output.dir=" + ws,
                "privacy.hash-columns=[email]",
                "input.columns.email=categorical",
                "input.columns.id=ignore",
                "train.epochs=25",
                "train.model.hidden-layers=[16]",
                "train.updater.learning-rate=0.03",
                "train.approach=direct",
                "evaluate.importance.enabled=false"),
            Map.of(PrivacyConfig.SALT_ENV, SALT));
    new EtlJob(TestSpark.get(), cfg).run();
    new TrainJob(TestSpark.get(), cfg).run(true);
    input = tmp.resolve("new").resolve("new.csv");
    Files.createDirectories(input.getParent());
    Files.writeString(input, rows(1001, 1024));
  }

  private Dataset<Row> newRows() {
    return spark.read().option("header", true).csv(input.toString());
  }

  @Test
  void predictTheModelAndTheSqlFunctionHashAlikeAndScoreAlike() {
    String predicted = tmp.resolve("predicted").toString();
    Map<String, Long> counts =
        new PredictJob(
                spark,
                ConfigLoader.withValues(cfg, Map.of("input.path", input.toString())),
                input.toString(),
                predicted)
            .run();
    assertEquals(Map.of("rows_read", 24L, "rows_scored", 24L, "rows_quarantined", 0L), counts);
    Dataset<Row> batch =
        spark
            .read()
            .parquet(predicted)
            .select(
                functions.col("id"),
                functions.col("email").as("hashed"),
                functions.col("prediction").as("batch"));
    assertEquals(
        Privacy.hash(SALT, "user1@example.com"),
        batch.where("id = '1003'").first().getString(1),
        "predict writes the hash");

    DlpipeModel model = DlpipeModel.load(ws.toString()).setPiiSalt(SALT);
    Dataset<Row> ml =
        model.transform(newRows()).select("id", "email", "prediction", "dlpipe_error");
    DlpipeFunctions.register(spark, "dlpipe_private", ws.toString(), SALT);
    newRows().createOrReplaceTempView("private_rows");
    Dataset<Row> sql =
        spark
            .sql("SELECT id, dlpipe_private(struct(*)) AS p FROM private_rows")
            .select(
                functions.col("id"),
                functions.col("p.prediction").as("sql"),
                functions.col("p.error").as("sql_error"));

    Dataset<Row> joined = ml.join(batch, "id").join(sql, "id").cache();
    assertEquals(24, joined.count());
    assertEquals(
        0,
        joined
            .where(
                "dlpipe_error IS NOT NULL OR sql_error IS NOT NULL OR prediction IS NULL OR sql IS NULL")
            .count());
    // The model and predict score minibatches through eval.Scoring; the SQL function one row at a
    // time.
    assertEquals(
        0,
        joined
            .where(
                functions.abs(functions.col("prediction").minus(functions.col("batch"))).gt(1e-6))
            .count());
    assertEquals(
        0,
        joined
            .where(functions.abs(functions.col("sql").minus(functions.col("batch"))).gt(1e-4))
            .count());
    // The caller's own column passes through the model unhashed; only what the model reads is
    // hashed.
    assertEquals("user1@example.com", joined.where("id = '1003'").first().<String>getAs("email"));

    // ids 1002, 1012 and 1022 all have x = 1.0, for users 0, 4 and 2: targets 1, 41 and 21.
    Row range =
        ml.where(functions.col("id").isin("1002", "1012", "1022"))
            .agg(functions.max("prediction").minus(functions.min("prediction")))
            .first();
    assertTrue(
        range.getDouble(0) > 15,
        "predictions of different users at the same x differ as the users' targets do: "
            + range.getDouble(0));
  }

  @Test
  void aMissingOrDifferentSaltIsRefusedByTheModelAndTheSqlFunction() {
    String json = ws.resolve("model/model.json").toString();
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DlpipeModel.load(ws.toString())
                    .setPiiSalt("another-salt-of-16-chars")
                    .transform(newRows()));
    assertEquals(
        "Invalid configuration: DLPIPE_PII_SALT is not the salt the model in "
            + json
            + " was trained with: every hashed value would differ; set the same salt as for etl",
        other.getMessage());

    IllegalArgumentException sql =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DlpipeFunctions.register(
                    spark, "dlpipe_wrong_salt", ws.toString(), "another-salt-of-16-chars"));
    assertEquals(
        "Invalid configuration: DLPIPE_PII_SALT is not the salt the model in file:"
            + json
            + " was trained with: every hashed value would differ; set the same salt as for etl",
        sql.getMessage());

    assumeTrue(
        System.getenv(PrivacyConfig.SALT_ENV) == null,
        "the salt must be absent from this JVM's environment");
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> DlpipeModel.load(ws.toString()).transform(newRows()));
    assertEquals(
        "Invalid configuration: DLPIPE_PII_SALT: expected the salt the model in "
            + json
            + " was trained with (it hashes privacy.hash-columns [email]), found it unset (or pass it to DlpipeModel.setPiiSalt)",
        missing.getMessage());
  }
}
