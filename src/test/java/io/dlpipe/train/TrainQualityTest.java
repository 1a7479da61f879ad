package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in defaults, untuned, on both bundled datasets, with fixed seeds: on Ames the network's
 * test-split R² is at least 0.86 (least squares on the same prepared features is printed beside
 * it); on credit the test-split ROC AUC is at least 0.80. Also checks the bundle a run leaves.
 */
class TrainQualityTest {
  @TempDir Path tmp;

  private final SparkSession spark = TestSpark.get();

  @Test
  void amesNetworkReachesR2Of086OnTheTestSplit() throws Exception {
    Path ws = tmp.resolve("ames");
    TrainFixtures.prepare("ames", ws);
    DlpipeConfig cfg = TrainFixtures.ames(ws);
    TrainResult result = new TrainJob(spark, cfg).run(false);

    PreparedInput in =
        PreparedInput.open(
            new io.dlpipe.io.HadoopFiles(spark.sparkContext().hadoopConfiguration()), cfg);
    Dataset<Row> test = in.read(spark, Columns.TEST);
    EvalMetrics net =
        Evaluator.evaluate(
            test, result.network(), result.head(), in.transform().featureCount(), 1024);

    Dataset<Row> train = vectors(in.read(spark, Columns.TRAIN));
    LinearRegressionModel ols =
        new LinearRegression().setFeaturesCol("v").setLabelCol(Columns.LABEL).fit(train);
    double linearR2 =
        new RegressionEvaluator()
            .setLabelCol(Columns.LABEL)
            .setMetricName("r2")
            .evaluate(ols.transform(vectors(test)));

    System.out.printf(
        "ames test R2: network %.4f vs linear %.4f (best epoch %d of %d)%n",
        net.r2(),
        linearR2,
        result.provenance().bestEpoch(),
        result.provenance().training().epochsRun());
    assertEquals(in.rows(Columns.TEST), net.rows());
    // On piecewise-linear features (the default encoding) least squares is a strong peer (0.89
    // here)
    // and the network no longer beats it (docs/QUALITY.md); what is checked is the network's own
    // level: the previous defaults (standardized features, no per-round repartition) scored 0.84 in
    // jobs/quality, the current ones 0.87-0.89 over seeds there and 0.88 here.
    assertTrue(net.r2() >= 0.86, "network R2 " + net.r2() + " (linear " + linearR2 + ")");

    checkBundle(ws, result, "r2");
  }

  @Test
  void creditAucIsAtLeast080OnTheTestSplit() throws Exception {
    Path ws = tmp.resolve("credit");
    TrainFixtures.prepare("credit", ws);
    DlpipeConfig cfg = TrainFixtures.credit(ws);
    TrainResult result = new TrainJob(spark, cfg).run(false);

    PreparedInput in =
        PreparedInput.open(
            new io.dlpipe.io.HadoopFiles(spark.sparkContext().hadoopConfiguration()), cfg);
    EvalMetrics test =
        Evaluator.evaluate(
            in.read(spark, Columns.TEST),
            result.network(),
            result.head(),
            in.transform().featureCount(),
            1024);
    System.out.printf(
        "credit test AUC %.4f, accuracy %.4f (best epoch %d of %d)%n",
        test.auc(),
        test.accuracy(),
        result.provenance().bestEpoch(),
        result.provenance().training().epochsRun());
    assertEquals(in.rows(Columns.TEST), test.rows());
    assertTrue(test.auc() >= 0.80, "test AUC " + test.auc());

    checkBundle(ws, result, "auc");
  }

  private static Dataset<Row> vectors(Dataset<Row> prepared) {
    return prepared.withColumn(
        "v", org.apache.spark.ml.functions.array_to_vector(prepared.col(Columns.FEATURES)));
  }

  /**
   * model.zip is the best epoch's network with its updater; model.json and the history agree with
   * the run.
   */
  private static void checkBundle(Path ws, TrainResult result, String metric) throws Exception {
    Path model = ws.resolve("model");
    assertTrue(Files.exists(model.resolve("_SUCCESS")));
    assertTrue(Files.exists(model.resolve("transform.json")));
    // The default family, wide and deep, is a graph.
    ComputationGraph restored =
        ModelSerializer.restoreComputationGraph(model.resolve("model.zip").toFile(), true);
    assertEquals(result.network().params(), restored.params());
    JsonNode json = Json.MAPPER.readTree(model.resolve("model.json").toFile());
    if (!"start".equals(json.path("linear_start").path("kept").asText())) {
      // A trained network carries its updater state; a kept linear start has none.
      assertNotNull(restored.getUpdater().getStateViewArray());
    }

    TrainState state = result.history();
    assertEquals(state.epoch(), json.get("epochs_run").asInt());
    assertEquals(state.bestEpoch(), json.get("best_epoch").asInt());
    assertEquals(metric, json.get("main_metric").asText());
    List<Integer> averaged = result.provenance().training().averagedEpochs();
    io.dlpipe.config.TrainConfig.EarlyStoppingMetric watched =
        "main".equals(json.get("config").get("train").get("early-stopping").get("metric").asText())
            ? io.dlpipe.config.TrainConfig.EarlyStoppingMetric.MAIN
            : io.dlpipe.config.TrainConfig.EarlyStoppingMetric.LOSS;
    JsonNode start = json.path("linear_start");
    if ("start".equals(start.path("kept").asText())) {
      // Training did not beat its linear start by the margin: the start is the model.
      assertEquals(null, averaged);
      assertTrue(
          start.get("difference").asDouble()
              >= -start.get("margin").asDouble() * start.get("standard_error").asDouble(),
          start.toString());
    } else if (averaged == null) {
      assertEquals(state.best().valLoss(), json.get("best_validation").get("loss").asDouble());
      assertTrue(!json.has("averaged_epochs"), json.toString());
    } else {
      // The average was kept because it scored at least as well on validation as the best epoch
      // alone.
      int k = result.provenance().build().config().get("train").get("average-epochs").asInt();
      assertEquals(Checkpoints.best(state, k, watched), averaged);
      assertEquals(averaged.toString(), json.get("averaged_epochs").toString().replace(",", ", "));
      double score =
          watched == io.dlpipe.config.TrainConfig.EarlyStoppingMetric.LOSS
              ? json.get("best_validation").get("loss").asDouble()
              : -json.get("best_validation").get(metric).asDouble();
      assertTrue(
          score <= state.bestScore(),
          json.get("best_validation") + " against the best epoch's " + state.bestScore());
    }
    for (String key :
        List.of(
            "config",
            "transform_fingerprint",
            "rows",
            "versions",
            "master",
            "executors",
            "wall_seconds",
            "samples_per_s",
            "executor_seconds",
            "conversion_seconds")) {
      assertTrue(json.has(key), "model.json has no " + key + ": " + json);
    }
    assertEquals("3.5.9", json.get("versions").get("spark").asText());
    assertEquals("1.0.0-M2", json.get("versions").get("dl4j").asText());
    assertEquals(
        result.provenance().data().rows().get("train"), json.get("rows").get("train").asLong());

    List<String> csv = Files.readAllLines(model.resolve("training-history.csv"));
    assertEquals("epoch,train_loss,val_loss,val_" + metric + ",samples_per_s,seconds", csv.get(0));
    assertEquals(state.epoch() + 1, csv.size());
    assertTrue(csv.get(1).startsWith("1,"), csv.get(1));
    // the newest checkpoint and those of the train.average-epochs best epochs are kept, no other
    // (beside model/, so that model/ is replaced whole)
    int keep = result.provenance().build().config().get("train").get("average-epochs").asInt();
    try (var dirs = Files.list(model.resolveSibling("checkpoints"))) {
      List<String> names =
          dirs.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("epoch-"))
              .sorted()
              .toList();
      java.util.TreeSet<Integer> expected =
          new java.util.TreeSet<>(Checkpoints.best(state, keep, watched));
      expected.add(state.epoch());
      assertEquals(expected.stream().map(e -> String.format("epoch-%06d", e)).toList(), names);
    }
    if (state.stoppedEarly()) {
      assertEquals(state.bestEpoch() + 10, state.epoch(), "patience 10");
    }
  }
}
