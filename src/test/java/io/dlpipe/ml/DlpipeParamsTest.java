package io.dlpipe.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.InputFormat;
import io.dlpipe.config.Settings;
import io.dlpipe.config.Task;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;

/** The estimator's and the model's Params, built from the settings table; no Spark needed. */
class DlpipeParamsTest {
  @Test
  void theSharedParamsAreOneDeclarationWithOneDocOnBoth() {
    DlpipeEstimator est = new DlpipeEstimator();
    DlpipeModel model = new DlpipeModel("m", null, Map.of());
    assertEquals(
        List.of("errorCol", "scoringBatchSize"),
        Arrays.stream(model.params()).map(Param::name).toList());
    assertEquals(
        Settings.EVALUATE_BATCH_SIZE.doc() + " (evaluate.batch-size)",
        model.scoringBatchSize().doc());
    assertEquals(est.scoringBatchSize().doc(), model.scoringBatchSize().doc());
    assertEquals(est.errorCol().doc(), model.errorCol().doc());
    assertEquals(1024, model.getScoringBatchSize());
    assertEquals("dlpipe_error", model.getErrorCol());
    assertEquals(18, est.params().length);
  }

  @Test
  void eachSettingParamTakesItsDocDefaultAndChecksFromItsRow() {
    DlpipeEstimator est = new DlpipeEstimator();
    assertEquals(Settings.TRAIN_EPOCHS.doc() + " (train.epochs)", est.epochs().doc());
    assertEquals("Required. The column to predict. (target.column)", est.labelCol().doc());
    assertEquals(Settings.TRAIN_EPOCHS.defaultValue(), est.getEpochs());
    assertEquals(Settings.TRAIN_SEED.defaultValue(), est.getSeed());
    assertArrayEquals(new String[0], est.getClasses());
    assertEquals(false, est.hasDefault(est.labelCol()), "required: no default");

    IllegalArgumentException tooMany =
        assertThrows(IllegalArgumentException.class, () -> est.setEpochs(100_001));
    assertEquals(est.uid() + " parameter epochs given invalid value 100001.", tooMany.getMessage());
    assertThrows(IllegalArgumentException.class, () -> est.setHiddenLayers(8, 0));
    assertThrows(IllegalArgumentException.class, () -> est.setLearningRate(11));
    assertThrows(IllegalArgumentException.class, () -> est.setValidationFraction(1.0));
    IllegalArgumentException task =
        assertThrows(IllegalArgumentException.class, () -> est.setTask("Regression"));
    assertEquals(est.uid() + " parameter task given invalid value Regression.", task.getMessage());
    assertEquals(12, est.setHiddenLayers(12).getHiddenLayers()[0]);
  }

  @Test
  void theConfigurationGetsTheParamsAsTypedValuesAndTheSettingsWin() {
    DlpipeEstimator est =
        new DlpipeEstimator("est1")
            .setLabelCol("band")
            .setTask("classification")
            .setClasses("low", "high")
            .setEpochs(3)
            .setHiddenLayers(16, 4)
            .setSeed(9)
            .setValidationFraction(0.2)
            .setScoringBatchSize(64)
            .setSettings("train.workers=2");
    DlpipeConfig c = est.config("/tmp/ws-est1");
    assertEquals("spark-frame:est1", c.input().path());
    assertEquals(InputFormat.PARQUET, c.input().format());
    assertEquals("/tmp/ws-est1", c.output().dir());
    assertEquals("band", c.target().column());
    assertEquals(Task.CLASSIFICATION, c.target().task());
    assertEquals(List.of("low", "high"), c.target().classes());
    assertEquals(3, c.train().epochs());
    assertEquals(List.of(16, 4), c.train().model().hiddenLayers());
    assertEquals(9L, c.train().seed());
    assertEquals(64, c.evaluate().batchSize());
    assertEquals(0.2, c.etl().split().validation());
    assertEquals(1 - 0.2 - DlpipeEstimator.ESTIMATOR_TEST_SHARE, c.etl().split().train());
    assertEquals(2, c.train().master().workers());
    assertEquals(
        5,
        est.setSettings("train.epochs=5").config("/tmp/ws-est1").train().epochs(),
        "a key=value setting wins over its param");
  }

  @Test
  void aCrossKeyErrorNamesTheParamAsItsSource() {
    DlpipeEstimator est =
        new DlpipeEstimator().setLabelCol("price").setTask("regression").setClasses("a", "b");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> est.config("/tmp/ws"));
    assertEquals(
        "Invalid configuration: target.classes: expected an empty list for task = regression, found list [\"a\",\"b\"] "
            + "(DlpipeEstimator setting target.classes=[\"a\",\"b\"])",
        e.getMessage());
  }
}
