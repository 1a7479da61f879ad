package io.dlpipe.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import io.dlpipe.workspace.WorkspaceLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML estimator and model on the shared local Spark: fit, transform, save/load, Pipeline,
 * CrossValidator.
 */
class DlpipeEstimatorTest {
  @TempDir static Path tmp;

  private final SparkSession spark = TestSpark.get();

  /**
   * Rows of {@code a} and {@code b} (joined on id) whose {@code column} differs; null equals null.
   */
  private static long differing(Dataset<Row> a, Dataset<Row> b, String column) {
    Dataset<Row> joined =
        a.select(functions.col("id"), functions.col(column).as("a"))
            .join(b.select(functions.col("id"), functions.col(column).as("b")), "id");
    return joined.where(functions.not(functions.col("a").eqNullSafe(functions.col("b")))).count();
  }

  @Test
  void fitThenTransformAddsThePredictionColumnsToEveryRow() {
    DlpipeModel model = MlFixtures.model();
    Dataset<Row> scored = model.transform(MlFixtures.frame(spark));

    assertEquals(
        List.of(
            "id", "x1", "x2", "color", "price", "band", "prediction", "model_id", "dlpipe_error"),
        List.of(scored.columns()));
    assertEquals(DataTypes.DoubleType, scored.schema().apply("prediction").dataType());
    assertEquals(
        DataTypes.IntegerType,
        scored.schema().apply("id").dataType(),
        "the input's columns keep their types");
    assertEquals(MlFixtures.ROWS, scored.count());
    assertEquals(
        0,
        scored
            .where(
                functions.col("prediction").isNull().or(functions.col("dlpipe_error").isNotNull()))
            .count());
    assertTrue(model.modelId().matches("sha256:[0-9a-f]{64}"), model.modelId());
    assertEquals(
        List.of(model.modelId()),
        scored
            .select("model_id")
            .distinct()
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
    double r2 = new RegressionEvaluator().setLabelCol("price").setMetricName("r2").evaluate(scored);
    assertTrue(r2 > 0.8, "ten epochs learn most of a linear target: r2 " + r2);
    // The workspace has the CLI's layout.
    Path ws = MlFixtures.modelWorkspace();
    assertTrue(
        Files.exists(ws.resolve("model/_SUCCESS"))
            && Files.exists(ws.resolve("model/model.json"))
            && Files.exists(ws.resolve("prepared/transform.json")));
  }

  @Test
  void saveAndLoadGiveTheSameModelAndIdenticalPredictions() throws IOException {
    DlpipeModel model = MlFixtures.model();
    String path = tmp.resolve("saved").toString();
    model.write().overwrite().save(path);
    DlpipeModel loaded = DlpipeModel.load(path);

    assertEquals(model.uid(), loaded.uid());
    assertEquals(model.modelId(), loaded.modelId());
    assertEquals(model.getErrorCol(), loaded.getErrorCol());
    assertTrue(
        Files.exists(Path.of(path, "metadata"))
            && Files.exists(Path.of(path, "bundle/model.zip"))
            && Files.exists(Path.of(path, "bundle/model.json")));
    Dataset<Row> frame = MlFixtures.frame(spark);
    assertEquals(0, differing(model.transform(frame), loaded.transform(frame), "prediction"));
    assertEquals(
        MlFixtures.ROWS,
        loaded.transform(frame).join(model.transform(frame).select("id"), "id").count());

    IOException again = assertThrows(IOException.class, () -> model.write().save(path));
    assertTrue(
        again.getMessage().startsWith("Path " + path + " already exists."), again.getMessage());
  }

  @Test
  void transformSchemaRefusesSchemaDriftLikePredict() {
    DlpipeModel model = MlFixtures.model();
    Dataset<Row> frame = MlFixtures.frame(spark);

    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> model.transform(frame.drop("x2")));
    assertEquals(
        "Schema drift: training column 'x2' (numeric) is missing from the input frame; the model needs it",
        missing.getMessage());
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                model.transformSchema(
                    frame.withColumn("x1", functions.array(functions.col("x1"))).schema()));
    assertEquals(
        "Schema drift: training column 'x1' was numeric in training, but is array<double> in the input frame; the model cannot score it",
        type.getMessage());
    IllegalArgumentException output =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.transform(frame.withColumn("prediction", functions.lit(1.0))));
    assertEquals("Output column prediction already exists.", output.getMessage());
  }

  @Test
  void aRowThatCannotBeTransformedKeepsItsPlaceWithANullPredictionAndItsReason() {
    DlpipeModel model = MlFixtures.model();
    Dataset<Row> text =
        spark.sql(
            "SELECT * FROM VALUES (1, '0.5', '-1.25', 'red'), (2, 'abc', '0.0', 'blue'), (3, '', '0.0', 'pink') AS t(id, x1, x2, color)");
    Dataset<Row> typed =
        spark.sql("SELECT * FROM VALUES (1, 0.5D, -1.25D, 'red') AS t(id, x1, x2, color)");
    Dataset<Row> scored = model.transform(text).orderBy("id");

    List<Row> rows = scored.select("id", "prediction", "dlpipe_error").collectAsList();
    assertEquals(3, rows.size());
    assertTrue(rows.get(0).isNullAt(2) && !rows.get(0).isNullAt(1));
    assertTrue(rows.get(1).isNullAt(1), "the bad row has no prediction");
    assertEquals("unparseable_numeric: column x1: 'abc' is not a number", rows.get(1).getString(2));
    // A missing cell is imputed and an unseen level goes to __other__, as in predict: both score.
    assertTrue(rows.get(2).isNullAt(2) && !rows.get(2).isNullAt(1));
    // Text and typed cells mean the same.
    assertEquals(
        model.transform(typed).first().<Double>getAs("prediction"), rows.get(0).getDouble(1));
  }

  @Test
  void quarantinePathReceivesTheBadRowsOfFit() {
    Dataset<Row> text =
        MlFixtures.frame(spark)
            .select(
                functions.col("id"),
                functions.col("x1").cast("string").as("x1"),
                functions.col("x2"),
                functions.col("color"),
                functions.col("price"))
            .withColumn(
                "x1",
                functions
                    .when(functions.col("id").isin(3, 5, 8), functions.lit("n/a?"))
                    .otherwise(functions.col("x1")));
    String quarantine = tmp.resolve("fit-quarantine").toString();
    DlpipeModel model =
        MlFixtures.regression()
            .setFeaturesCols()
            .setEpochs(1)
            .setQuarantinePath(quarantine)
            .fit(text.drop("id"));

    Dataset<Row> q = spark.read().parquet(quarantine);
    assertEquals(List.of("raw", "reason", "detail", "source_file"), List.of(q.columns()));
    assertEquals(3, q.count());
    assertEquals(
        3,
        q.where(
                functions
                    .col("reason")
                    .equalTo("unparseable_numeric")
                    .and(functions.col("detail").equalTo("column x1: 'n/a?' is not a number")))
            .count());
    assertEquals(
        List.of("x1", "x2"),
        model.fittedTransform().numeric().stream().map(f -> f.name()).toList(),
        "every column but the label");
    assertEquals(
        List.of("color"),
        model.fittedTransform().categorical().stream().map(f -> f.name()).toList());
  }

  @Test
  void aUsersFolderAtQuarantinePathIsRefusedBeforeFitAndSurvives() throws Exception {
    Path mine = tmp.resolve("users-folder");
    Files.createDirectories(mine);
    Files.writeString(mine.resolve("notes.txt"), "keep me");
    DlpipeEstimator est = MlFixtures.regression().setEpochs(1).setQuarantinePath(mine.toString());
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> est.fit(MlFixtures.frame(spark)));
    assertTrue(e.getMessage().contains(mine.toString()), e.getMessage());
    assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
    try (var left = Files.list(mine)) {
      assertEquals(List.of("notes.txt"), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aWorkDirInUseByAnotherDlpipeRunIsRefusedBeforeFitWritesAnything() throws Exception {
    Path ws = tmp.resolve("busy-workspace");
    try (WorkspaceLock held =
        WorkspaceLock.acquire(
            spark.sparkContext().hadoopConfiguration(),
            ws.toString(),
            "train",
            Duration.ofMinutes(10))) {
      DataException e =
          assertThrows(
              DataException.class,
              () ->
                  MlFixtures.regression()
                      .setEpochs(1)
                      .setWorkDir(ws.toString())
                      .fit(MlFixtures.frame(spark)));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "Workspace "
                      + ws
                      + " is in use by another dlpipe command ("
                      + held.path()
                      + "): "),
          e.getMessage());
      try (var left = Files.list(ws)) {
        assertEquals(
            List.of(WorkspaceLock.FILE), left.map(p -> p.getFileName().toString()).toList());
      }
    }
  }

  @Test
  void aJobsDlpipeTrainModelFolderLoadsAndScoresExactlyAsPredict() {
    Path ws = tmp.resolve("cli");
    Path csv = MlFixtures.csv(tmp.resolve("cli-input"));
    DlpipeConfig cfg =
        TestData.config(
            csv.toString(),
            "csv",
            "band",
            "classification",
            ws,
            "train.epochs=1",
            "train.model.hidden-layers=[8]",
            "input.columns.price=ignore",
            "etl.split.train=0.6",
            "etl.split.validation=0.2",
            "etl.split.test=0.2");
    new EtlJob(spark, cfg).run();
    new TrainJob(spark, cfg).run(true);
    String out = tmp.resolve("cli-predicted").toString();
    new PredictJob(spark, cfg, csv.toString(), out).run();

    DlpipeModel fromFolder = DlpipeModel.load(ws.resolve("model").toString());
    DlpipeModel fromWorkspace = DlpipeModel.load(ws.toString());
    assertEquals(fromFolder.modelId(), fromWorkspace.modelId());
    assertEquals(List.of("high", "low"), fromFolder.classes());
    Dataset<Row> raw = spark.read().option("header", true).csv(csv.toString());
    Dataset<Row> scored = fromFolder.transform(raw);
    assertEquals(
        List.of(
            "id",
            "x1",
            "x2",
            "color",
            "price",
            "band",
            "prediction",
            "probability_high",
            "probability_low",
            "model_id",
            "dlpipe_error"),
        List.of(scored.columns()));
    Dataset<Row> predicted = spark.read().parquet(out);
    assertEquals(MlFixtures.ROWS, scored.join(predicted.select("id"), "id").count());
    for (String c : List.of("prediction", "probability_high", "probability_low", "model_id")) {
      assertEquals(0, differing(scored, predicted, c), c);
    }
  }

  @Test
  void worksInAPipelineAfterAnSqlTransformerAndThePipelineModelSavesAndLoads() throws IOException {
    SQLTransformer interaction =
        new SQLTransformer().setStatement("SELECT *, x1 * x2 AS x1x2 FROM __THIS__");
    DlpipeEstimator est =
        MlFixtures.regression().setFeaturesCols("x1", "x2", "x1x2", "color").setEpochs(1);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {interaction, est});
    Dataset<Row> frame = MlFixtures.frame(spark);
    PipelineModel fitted = pipeline.fit(frame);

    assertEquals(2, fitted.stages().length);
    DlpipeModel model = (DlpipeModel) fitted.stages()[1];
    assertEquals(
        List.of("x1", "x2", "x1x2"),
        model.fittedTransform().numeric().stream().map(f -> f.name()).toList());
    Dataset<Row> scored = fitted.transform(frame);
    assertEquals(MlFixtures.ROWS, scored.where(functions.col("prediction").isNotNull()).count());
    String path = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(model.modelId(), ((DlpipeModel) loaded.stages()[1]).modelId());
    assertEquals(0, differing(scored, loaded.transform(frame), "prediction"));
  }

  @Test
  void crossValidatorPicksFromATwoPointGrid() {
    // A random start, where one epoch at a tiny rate learns next to nothing; started as the linear
    // model, one epoch at 0.0001 is already the ridge fit and 0.05 only moves it away.
    DlpipeEstimator est =
        MlFixtures.regression().setEpochs(1).setSettings("train.model.linear-start=off");
    ParamMap[] grid =
        new ParamGridBuilder().addGrid(est.learningRate(), new double[] {0.0001, 0.05}).build();
    RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("price").setMetricName("rmse");
    CrossValidator cv =
        new CrossValidator()
            .setEstimator(est)
            .setEstimatorParamMaps(grid)
            .setEvaluator(rmse)
            .setNumFolds(2)
            .setSeed(3);
    Dataset<Row> frame = MlFixtures.frame(spark);
    CrossValidatorModel fitted = cv.fit(frame);

    double[] metrics = fitted.avgMetrics();
    assertEquals(2, metrics.length);
    assertTrue(
        metrics[0] > 0
            && metrics[1] > 0
            && Double.isFinite(metrics[0])
            && Double.isFinite(metrics[1]),
        java.util.Arrays.toString(metrics));
    assertTrue(
        metrics[1] < metrics[0],
        "one epoch at 0.05 beats one at 0.0001: " + java.util.Arrays.toString(metrics));
    DlpipeModel best = (DlpipeModel) fitted.bestModel();
    assertEquals(0.05, ((DlpipeEstimator) best.parent()).getLearningRate());
    assertEquals(
        MlFixtures.ROWS,
        fitted.transform(frame).where(functions.col("prediction").isNotNull()).count());
  }

  @Test
  void paramsDefaultToTheCliDefaultsAndAreValidated() {
    DlpipeEstimator est = new DlpipeEstimator();
    assertEquals(100, est.getEpochs());
    assertEquals(0, est.getBatchSize(), "0: automatic, as in the CLI");
    assertArrayEquals(new int[] {128, 64}, est.getHiddenLayers());
    assertEquals(0.001, est.getLearningRate());
    assertEquals(12345L, est.getSeed());
    assertEquals(10, est.getPatience());
    assertEquals(0.1, est.getValidationFraction());
    assertEquals(0.05, est.getMaxRejectRatio());
    assertEquals(1024, est.getScoringBatchSize());

    IllegalArgumentException epochs =
        assertThrows(IllegalArgumentException.class, () -> est.setEpochs(0));
    assertEquals(est.uid() + " parameter epochs given invalid value 0.", epochs.getMessage());
    IllegalArgumentException task =
        assertThrows(IllegalArgumentException.class, () -> est.setTask("ranking"));
    assertEquals(est.uid() + " parameter task given invalid value ranking.", task.getMessage());
    IllegalArgumentException unset =
        assertThrows(IllegalArgumentException.class, () -> est.fit(MlFixtures.frame(spark)));
    assertEquals(
        "DlpipeEstimator needs labelCol and task: setLabelCol(\"price\").setTask(\"regression\")",
        unset.getMessage());
    IllegalArgumentException label =
        assertThrows(
            IllegalArgumentException.class,
            () -> est.setLabelCol("cost").setTask("regression").fit(MlFixtures.frame(spark)));
    assertEquals(
        "Label column cost does not exist. Available: id, x1, x2, color, price, band",
        label.getMessage());
    IllegalArgumentException typo =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MlFixtures.regression().setSettings("etl.split.trian=0.5").config(tmp.toString()));
    assertTrue(
        typo.getMessage()
            .startsWith(
                "Invalid configuration: unknown key 'etl.split.trian' (DlpipeEstimator setting etl.split.trian=0.5); did you mean 'etl.split.train'?"),
        typo.getMessage());
    DlpipeEstimator own = MlFixtures.regression();
    assertEquals(7, own.copy(new ParamMap().put(own.epochs().w(7))).getEpochs());
    assertEquals(own.uid(), own.copy(new ParamMap()).uid());
  }

  @Test
  void theEstimatorSavesAndLoadsItsParams() throws IOException {
    DlpipeEstimator est = MlFixtures.regression().setClasses().setSettings("etl.clip.enabled=true");
    String path = tmp.resolve("estimator").toString();
    est.write().overwrite().save(path);
    DlpipeEstimator loaded = DlpipeEstimator.load(path);
    assertEquals(est.uid(), loaded.uid());
    assertEquals("price", loaded.getLabelCol());
    assertEquals(2, loaded.getEpochs());
    assertArrayEquals(new int[] {8}, loaded.getHiddenLayers());
    assertArrayEquals(new String[] {"x1", "x2", "color"}, loaded.getFeaturesCols());
    assertArrayEquals(new String[] {"etl.clip.enabled=true"}, loaded.getSettings());
  }
}
