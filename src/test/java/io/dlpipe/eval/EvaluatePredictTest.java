package io.dlpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Splitter;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate and predict on small, quickly trained models of both bundled datasets. */
class EvaluatePredictTest {
  @TempDir static Path tmp;
  private static DlpipeConfig ames;
  private static DlpipeConfig credit;
  private static final String[] FAST = {
    "train.epochs=4",
    "train.model.hidden-layers=[32]",
    "train.approach=direct",
    "evaluate.importance.sample-rows=300",
    "evaluate.importance.repeats=2",
    "evaluate.gbt.max-iter=10"
  };

  private final SparkSession spark = TestSpark.get();

  @BeforeAll
  static void trainModels() {
    ames = TestData.amesConfig(tmp.resolve("ames"), FAST);
    credit = TestData.creditConfig(TestData.credit(), tmp.resolve("credit"), FAST);
    for (DlpipeConfig cfg : List.of(ames, credit)) {
      new EtlJob(TestSpark.get(), cfg).run();
      new TrainJob(TestSpark.get(), cfg).run(true);
    }
  }

  private static JsonNode json(Path p) throws Exception {
    return Json.MAPPER.readTree(Files.readString(p));
  }

  private static List<String> keys(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void regressionMetricsBaselineImportanceAndReport() throws Exception {
    EvaluateResult r = new EvaluateJob(spark, ames).run();
    Path dir = tmp.resolve("ames/evaluation");
    JsonNode m = json(dir.resolve("metrics.json"));
    assertEquals(
        List.of(
            "task",
            "main_metric",
            "model_id",
            "model.mse",
            "model.rmse",
            "model.mae",
            "model.r2",
            "model.training_seconds",
            "baseline.mse",
            "baseline.rmse",
            "baseline.mae",
            "baseline.r2",
            "baseline.training_seconds",
            "baseline_name",
            "gbt.mse",
            "gbt.rmse",
            "gbt.mae",
            "gbt.r2",
            "gbt.training_seconds",
            "gbt_name",
            "verdict",
            "best_rung",
            "findings",
            "importance",
            "cv",
            "counts"),
        keys(m));
    assertEquals("Spark MLlib GBTRegressor", m.get("gbt_name").asText());
    assertEquals("r2", m.get("main_metric").asText());
    assertEquals(275, m.get("counts").get("test_rows").asLong());
    // evaluate.importance.sample-rows = 300, capped by the 275 test rows.
    assertEquals(275, m.get("counts").get("importance_rows").asLong());
    double rmse = m.get("model.rmse").asDouble();
    assertEquals(Math.sqrt(m.get("model.mse").asDouble()), rmse, 1e-9);
    // A sale price in dollars: errors in the tens of thousands, not in standardized units.
    assertTrue(rmse > 5_000 && rmse < 200_000, "rmse in dollars: " + rmse);
    assertEquals(
        r.networkWins(),
        m.get("model.r2").asDouble() > m.get("baseline.r2").asDouble()
            && m.get("model.r2").asDouble() > m.get("gbt.r2").asDouble());
    String comparison =
        "The network (beats|trails) linear by \\+?[0-9.]+ R² \\(at [0-9.]+× its training time\\) and (beats|trails) gbt by \\+?[0-9.]+ R² \\(at [0-9.]+× its training time\\)\\.";
    double linear = m.get("baseline.r2").asDouble();
    double gbt = m.get("gbt.r2").asDouble();
    String best = linear >= gbt ? "linear" : "gbt";
    assertEquals(best, m.get("best_rung").asText());
    // A rung above the network is said first, with its figure.
    String loss =
        Math.max(linear, gbt) > m.get("model.r2").asDouble()
            ? String.format(
                java.util.Locale.ROOT,
                "The network loses to %s: R² %.4f against the network's %.4f. ",
                best,
                Math.max(linear, gbt),
                m.get("model.r2").asDouble())
            : "";
    assertTrue(
        m.get("verdict").asText().startsWith(loss)
            && m.get("verdict").asText().substring(loss.length()).matches(comparison),
        m.get("verdict").asText());
    assertEquals(0, m.get("findings").size(), "Ames' R² is far above 0");
    assertEquals(
        73,
        m.get("importance").size(),
        "one entry per input feature column (33 numeric + 40 categorical)");
    assertTrue(
        m.get("importance").get(0).get("drop").asDouble()
            >= m.get("importance").get(72).get("drop").asDouble());
    JsonNode curves = json(dir.resolve("curves.json"));
    assertEquals(275, curves.get("predicted_vs_actual").size());
    long histogram = 0;
    for (JsonNode c : curves.get("residual_histogram").get("counts")) {
      histogram += c.asLong();
    }
    assertEquals(275, histogram);
    assertEquals(275, spark.read().parquet(dir.resolve("predictions").toString()).count());
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(
        html.contains("data-chart=") && !html.contains("src=\"http"), "self-contained report");
    assertTrue(Files.exists(dir.resolve("_SUCCESS")));
  }

  @Test
  void predictOnTheRawTestRowsGivesWhatEvaluateScored() throws Exception {
    new EvaluateJob(spark, ames).run();
    // The raw rows of the test split, found with the same hash as etl, written back as CSV.
    Dataset<Row> raw = InputReader.read(spark, ames.input());
    List<String> columns = InputReader.columnNames(raw);
    FittedTransform transform =
        FittedTransform.fromJson(
            Files.readString(tmp.resolve("ames/prepared/transform.json")),
            "prepared/transform.json");
    Dataset<Row> testRows =
        Splitter.split(raw, ames.etl().split(), transform.columns(), ames.input().nullValues())
            .where(functions.col(Columns.SPLIT).equalTo(Columns.TEST));
    Path rawTest = tmp.resolve("ames-test-raw");
    testRows
        .selectExpr(columns.stream().map(c -> "`" + c + "`").toArray(String[]::new))
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .option("header", true)
        .csv(rawTest.toString());

    Path out = tmp.resolve("ames-predictions");
    Map<String, Long> counts =
        new PredictJob(spark, ames, rawTest.toString(), out.toString()).run();
    assertEquals(Map.of("rows_read", 275L, "rows_scored", 275L, "rows_quarantined", 0L), counts);

    List<Row> predicted =
        spark
            .read()
            .parquet(out.toString())
            .selectExpr("cast(Sale_Price as double) as y", "prediction")
            .orderBy("y", "prediction")
            .collectAsList();
    List<Row> evaluated =
        spark
            .read()
            .parquet(tmp.resolve("ames/evaluation/predictions").toString())
            .select(Columns.LABEL, Scoring.PREDICTION)
            .orderBy(Columns.LABEL, Scoring.PREDICTION)
            .collectAsList();
    assertEquals(evaluated.size(), predicted.size());
    for (int i = 0; i < evaluated.size(); i++) {
      assertEquals(
          evaluated.get(i).getDouble(0), predicted.get(i).getDouble(0), "the same test rows");
      // Same features, same network; the float32 forward pass may differ in its last bit when
      // BLAS sees the row in another position of another batch.
      double e = evaluated.get(i).getDouble(1);
      assertEquals(
          e,
          predicted.get(i).getDouble(1),
          Math.abs(e) * 1e-6,
          "prediction for the row with label " + evaluated.get(i).getDouble(0));
    }
    Row first = spark.read().parquet(out.toString()).select(PredictJob.MODEL_ID).first();
    // model_id: the SHA-256 of model.zip as written, the one model.json records.
    assertEquals(
        io.dlpipe.Digests.sha256(Files.readAllBytes(tmp.resolve("ames/model/model.zip"))),
        first.getString(0));
  }

  @Test
  void classificationMetricsAndLabelledPredictionsWithQuarantine() throws Exception {
    new EvaluateJob(spark, credit).run();
    JsonNode m = json(tmp.resolve("credit/evaluation/metrics.json"));
    for (String k :
        List.of(
            "model.accuracy",
            "model.log_loss",
            "model.brier",
            "model.threshold",
            "model.precision.good",
            "model.recall.bad",
            "model.f1.bad",
            "model.f1_macro",
            "model.auc",
            "model.pr_auc",
            "model.ks",
            "model.precision_at_0_5.bad",
            "model.recall_at_0_5.bad",
            "model.f1_at_0_5.bad",
            "model.accuracy_at_0_5",
            "baseline.auc",
            "baseline.ks",
            "baseline.threshold",
            "gbt.auc",
            "gbt.threshold",
            "gbt.training_seconds")) {
      assertTrue(m.has(k), k);
    }
    assertEquals("auc", m.get("main_metric").asText());
    JsonNode confusion =
        json(tmp.resolve("credit/evaluation/curves.json")).get("confusion").get("matrix");
    long total = 0;
    for (JsonNode row : confusion) {
      for (JsonNode c : row) {
        total += c.asLong();
      }
    }
    assertEquals(m.get("counts").get("test_rows").asLong(), total);

    // New data: no target column, one malformed line and one bad number (2 of 42 rows, under
    // etl.max-reject-ratio).
    Path input = tmp.resolve("credit-new.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(TestData.credit()).subList(0, 41));
    List<String> noTarget = new ArrayList<>();
    for (String l : lines) {
      noTarget.add(l.substring(l.indexOf(',') + 1));
    }
    noTarget.add("9,\"rent\",60,30,\"married\"");
    noTarget.add("9,\"rent\",60,3x,\"married\",\"no\",\"freelance\",73,129,0,0,800,846");
    Files.write(input, noTarget);
    Path out = tmp.resolve("credit-predictions");
    Map<String, Long> counts =
        new PredictJob(spark, credit, input.toString(), out.toString()).run();
    assertEquals(Map.of("rows_read", 42L, "rows_scored", 40L, "rows_quarantined", 2L), counts);
    Dataset<Row> scored = spark.read().parquet(out.toString());
    assertEquals(
        List.of(
            "Seniority",
            "Home",
            "Time",
            "Age",
            "Marital",
            "Records",
            "Job",
            "Expenses",
            "Income",
            "Assets",
            "Debt",
            "Amount",
            "Price",
            "prediction",
            "probability_good",
            "probability_bad",
            "model_id",
            "scored_at"),
        List.of(scored.columns()));
    assertEquals(
        0,
        scored
            .where(
                "prediction not in ('good', 'bad') or abs(probability_good + probability_bad - 1) > 1e-6")
            .count());
    assertEquals(
        List.of("malformed_row", "unparseable_numeric"),
        spark
            .read()
            .parquet(PredictJob.quarantineOf(out.toString()))
            .orderBy("reason")
            .select("reason")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
  }

  @Test
  void crossValidationRetrainsPerFoldAndReportsMeanAndSpread() throws Exception {
    DlpipeConfig cv =
        TestData.creditConfig(
            TestData.credit(),
            tmp.resolve("credit"),
            concat(FAST, "evaluate.cross-validation.folds=2", "evaluate.importance.enabled=false"));
    new EvaluateJob(spark, cv).run();
    JsonNode m = json(tmp.resolve("credit/evaluation/metrics.json")).get("cv");
    assertEquals(2, m.get("folds").asInt());
    int bestEpoch = json(tmp.resolve("credit/model/model.json")).get("best_epoch").asInt();
    assertEquals(bestEpoch, m.get("epochs").asInt());
    // Accuracy at 0.5: at the threshold that maximizes F1 of "bad", more good rows are flagged.
    for (String k : List.of("model.auc", "model.accuracy_at_0_5", "baseline.auc")) {
      JsonNode stat = m.get(k);
      assertEquals(2, stat.get("values").size(), k);
      double a = stat.get("values").get(0).asDouble();
      double b = stat.get("values").get(1).asDouble();
      assertEquals((a + b) / 2, stat.get("mean").asDouble(), 1e-12, k);
      assertEquals(Math.abs(a - b) / Math.sqrt(2), stat.get("std").asDouble(), 1e-12, k);
      assertTrue(a > 0.6 && b > 0.6, k + " on both folds: " + stat);
    }
  }

  @Test
  void schemaDriftStopsBeforeScoring() throws Exception {
    Path missing = tmp.resolve("drift-missing.csv");
    List<String> lines = Files.readAllLines(TestData.credit()).subList(0, 5);
    List<String> withoutIncome = new ArrayList<>();
    for (String l : lines) {
      String[] cells = l.split(",", -1);
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < cells.length; i++) {
        if (i != 9) {
          kept.add(cells[i]);
        }
      }
      withoutIncome.add(String.join(",", kept));
    }
    Files.write(missing, withoutIncome);
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                new PredictJob(spark, credit, missing.toString(), tmp.resolve("p1").toString())
                    .run());
    assertEquals(
        "Schema drift: training column 'Income' (numeric) is missing from the input "
            + missing
            + "; the model needs it",
        e.getMessage());
    assertFalse(Files.exists(tmp.resolve("p1")));

    Path typed = tmp.resolve("drift-typed");
    spark
        .read()
        .option("header", true)
        .option("inferSchema", true)
        .csv(TestData.credit().toString())
        .limit(10)
        .withColumn("Age", functions.col("Age").gt(30))
        .write()
        .parquet(typed.toString());
    DlpipeConfig parquet =
        TestData.creditConfig(
            TestData.credit(), tmp.resolve("credit"), concat(FAST, "input.format=parquet"));
    DataException type =
        assertThrows(
            DataException.class,
            () ->
                new PredictJob(spark, parquet, typed.toString(), tmp.resolve("p2").toString())
                    .run());
    assertEquals(
        "Schema drift: training column 'Age' was numeric in training, but is boolean in the input "
            + typed
            + "; the model cannot score it",
        type.getMessage());
  }

  /** The first rows of credit_data.csv without the target, with a cell edited in some. */
  private static List<String> creditRows(int rows) throws Exception {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(TestData.credit()).subList(0, rows + 1)) {
      out.add(l.substring(l.indexOf(',') + 1));
    }
    return out;
  }

  @Test
  void predictFailuresAreExitCodesAndUnseenLevelsAreCounted() throws Exception {
    // Home is the second column without the target: three rows with a level training never saw.
    List<String> rows = creditRows(40);
    for (int i = 1; i <= 3; i++) {
      rows.set(i, rows.get(i).replaceFirst("^([^,]*),\"[a-z]+\"", "$1,\"castle\""));
    }
    Path unseen = tmp.resolve("credit-unseen.csv");
    Files.write(unseen, rows);
    Path out = tmp.resolve("p-unseen");
    assertEquals(
        Map.of("rows_read", 40L, "rows_scored", 40L, "rows_quarantined", 0L),
        new PredictJob(spark, credit, unseen.toString(), out.toString()).run());
    JsonNode summary = json(out.resolve(PredictJob.SUMMARY));
    Map<String, Long> expected = new java.util.LinkedHashMap<>();
    for (var f :
        io.dlpipe.etl.FittedTransform.fromJson(
                Files.readString(tmp.resolve("credit/model/transform.json")), "transform.json")
            .categorical()) {
      expected.put(f.name(), f.name().equals("Home") ? 3L : 0L);
    }
    assertEquals(4, expected.size());
    assertEquals(
        expected,
        Json.MAPPER.convertValue(
            summary.get("unseen_levels"),
            new com.fasterxml.jackson.core.type.TypeReference<
                java.util.LinkedHashMap<String, Long>>() {}));

    // Input columns named like predict's outputs: a usage error, before anything is written.
    List<String> clash = creditRows(5);
    clash.replaceAll(l -> l + ",1");
    clash.set(0, clash.get(0).replace(",1", "") + ",Prediction");
    Path named = tmp.resolve("credit-named.csv");
    Files.write(named, clash);
    io.dlpipe.ConfigException c =
        assertThrows(
            io.dlpipe.ConfigException.class,
            () ->
                new PredictJob(spark, credit, named.toString(), tmp.resolve("p-named").toString())
                    .run());
    assertEquals(io.dlpipe.ExitCodes.USAGE, c.exitCode());
    assertEquals(
        "Input columns [Prediction] of "
            + named
            + " have the names of predict's output columns (prediction, probability_<class>, model_id, scored_at);"
            + " rename or drop them before predicting",
        c.getMessage());
    assertFalse(Files.exists(tmp.resolve("p-named")));

    // More bad rows than etl.max-reject-ratio: exit 3 after the quarantine is written.
    List<String> dirty = creditRows(8);
    dirty.add("9,\"rent\",60,3x,\"married\",\"no\",\"freelance\",73,129,0,0,800,846");
    Path bad = tmp.resolve("credit-dirty.csv");
    Files.write(bad, dirty);
    Path badOut = tmp.resolve("p-dirty");
    DataException tooMany =
        assertThrows(
            DataException.class,
            () -> new PredictJob(spark, credit, bad.toString(), badOut.toString()).run());
    assertEquals(
        "Too many bad rows: 1 of 9 rows (11.11%) were quarantined, more than etl.max-reject-ratio = 0.05; reasons: {unparseable_numeric=1}; see "
            + PredictJob.quarantineOf(badOut.toString()),
        tooMany.getMessage());
    assertEquals(1, spark.read().parquet(PredictJob.quarantineOf(badOut.toString())).count());

    // Nothing to score: exit 3.
    Path empty = tmp.resolve("credit-empty.csv");
    Files.write(empty, creditRows(0));
    DataException none =
        assertThrows(
            DataException.class,
            () ->
                new PredictJob(spark, credit, empty.toString(), tmp.resolve("p-empty").toString())
                    .run());
    assertEquals("Input is empty: " + empty + " has no data rows to score", none.getMessage());
  }

  private static String[] concat(String[] a, String... b) {
    List<String> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(new String[0]);
  }
}
