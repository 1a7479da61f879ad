package io.dlpipe.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.DataException;
import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.testing.TestSpark;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * What the rest of dlpipe asks a head instead of testing the task: the prediction's type and
 * decoding, the main metric, the positive class, the baseline models and the persisted kind.
 */
class HeadDecisionsTest {
  private static final RegressionHead REGRESSION =
      new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 10, 2);
  private static final BinaryHead BINARY =
      new BinaryHead(List.of("good", "bad"), new double[] {1, 1}, false, 0.5, null);
  private static final MulticlassHead MULTICLASS =
      new MulticlassHead(List.of("a", "b", "c"), new double[] {1, 1, 1});

  @Test
  void aRegressionPredictsADoubleAndAClassifierALabel() {
    assertEquals(
        List.of(DataTypes.DoubleType, DataTypes.StringType, DataTypes.StringType),
        List.of(REGRESSION.predictionType(), BINARY.predictionType(), MULTICLASS.predictionType()));
    assertEquals(
        List.of(false, true, true),
        List.of(
            REGRESSION.hasProbabilities(),
            BINARY.hasProbabilities(),
            MULTICLASS.hasProbabilities()));
    // Before training, from the task as target.task spells it (a Spark ML stage's transformSchema).
    assertEquals(DataTypes.DoubleType, OutputHeads.predictionType("regression"));
    assertEquals(DataTypes.StringType, OutputHeads.predictionType("classification"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OutputHeads.predictionType("ranking"));
    assertEquals(
        "target.task must be one of [regression, classification], was 'ranking'", e.getMessage());
  }

  @Test
  void decodingAFrameAndARowAgree() {
    Dataset<Row> raw =
        TestSpark.get()
            .createDataset(Arrays.asList(0.0, 2.0, 1.0, 3.5), Encoders.DOUBLE())
            .toDF("prediction");
    List<Object> labels =
        raw.select(MULTICLASS.decode(functions.col("prediction"))).collectAsList().stream()
            .map(r -> r.get(0))
            .toList();
    // 3.5 is no class index: null, as no network or MLlib model predicts it.
    assertEquals(Arrays.asList("a", "c", "b", null), labels);
    List<Object> numbers =
        raw.select(REGRESSION.decode(functions.col("prediction"))).collectAsList().stream()
            .map(r -> r.get(0))
            .toList();
    assertEquals(List.of(0.0, 2.0, 1.0, 3.5), numbers);
    assertEquals(
        List.of("a", "c", "b"),
        List.of(
            MULTICLASS.predictionValue(0),
            MULTICLASS.predictionValue(2),
            MULTICLASS.predictionValue(1)));
    assertEquals("bad", BINARY.predictionValue(1));
    assertEquals(3.5, REGRESSION.predictionValue(3.5));
  }

  @Test
  void theMainMetricFollowsTheTaskAndTheClassCount() {
    assertEquals(
        List.of(MainMetric.R2, MainMetric.AUC, MainMetric.ACCURACY),
        List.of(REGRESSION.mainMetric(), BINARY.mainMetric(), MULTICLASS.mainMetric()));
    assertEquals(
        List.of(MainMetric.R2, MainMetric.AUC, MainMetric.ACCURACY),
        List.of(
            MainMetric.of(Task.REGRESSION, 0),
            MainMetric.of(Task.CLASSIFICATION, 2),
            MainMetric.of(Task.CLASSIFICATION, 3)));
  }

  @Test
  void onlyABinaryHeadHasAPositiveClass() {
    assertEquals(
        List.of(Optional.empty(), Optional.of("bad"), Optional.empty()),
        List.of(REGRESSION.positiveClass(), BINARY.positiveClass(), MULTICLASS.positiveClass()));
  }

  @Test
  void eachHeadChoosesItsBaselineModels() {
    assertEquals(
        List.of("LinearRegression", "GBTRegressor"),
        List.of(
            name(REGRESSION, EvaluateConfig.Rung.LINEAR),
            name(REGRESSION, EvaluateConfig.Rung.GBT)));
    assertEquals(
        List.of("LogisticRegression", "GBTClassifier"),
        List.of(name(BINARY, EvaluateConfig.Rung.LINEAR), name(BINARY, EvaluateConfig.Rung.GBT)));
    assertEquals(
        List.of("LogisticRegression", "none"),
        List.of(
            name(MULTICLASS, EvaluateConfig.Rung.LINEAR),
            name(MULTICLASS, EvaluateConfig.Rung.GBT)));
  }

  private static String name(OutputHead head, EvaluateConfig.Rung rung) {
    return head.baseline(rung).map(e -> e.getClass().getSimpleName()).orElse("none");
  }

  @Test
  void theSpecNamesTheHeadAndAnUnknownOneIsRefused() {
    assertEquals(
        List.of("regression", "binary", "multiclass"),
        List.of(REGRESSION.spec().kind(), BINARY.spec().kind(), MULTICLASS.spec().kind()));
    assertEquals(
        List.of(Task.REGRESSION, Task.CLASSIFICATION, Task.CLASSIFICATION),
        List.of(REGRESSION.task(), BINARY.task(), MULTICLASS.task()));
    HeadSpec odd =
        HeadSpec.builder("ordinal", OutputLoss.SOFTMAX_MCXENT)
            .classes(List.of("a", "b", "c"))
            .build();
    DataException e =
        assertThrows(DataException.class, () -> OutputHeads.fromSpec(odd, "m/model.json"));
    assertEquals(
        "Model m/model.json has a head of kind 'ordinal'; this version knows [regression, binary, multiclass]. Retrain, or score it with the version that trained it",
        e.getMessage());
  }
}
