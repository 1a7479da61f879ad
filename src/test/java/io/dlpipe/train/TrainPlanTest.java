package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.OutputLoss;
import io.dlpipe.io.Json;
import io.dlpipe.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The written settings and the resolved plan are two types; the plan never holds an automatic
 * value. No Spark.
 */
class TrainPlanTest {
  private static TrainConfig train(String... sets) {
    return TestData.config("x.csv", "csv", "y", "regression", Path.of("ws"), sets).train();
  }

  @Test
  void theAutomaticSettingsResolveOnceForTheDataAndTheWrittenOnesStay() {
    TrainConfig written = train();
    TrainPlan plan = TrainPlan.resolve(written, 2, 158_034);
    assertEquals(0, written.master().workers(), "the written config keeps its 0 = auto");
    assertEquals(2, plan.workers());
    assertEquals(256, plan.batchSize());
    assertEquals(32, plan.train().master().averagingFrequency());
    assertEquals(0.5, plan.train().master().averaging().blockMomentum());
    assertEquals(written, plan.requested());
    assertEquals(
        TrainingMasters.resolveAuto(written, 2, 158_034),
        plan.train(),
        "the rules are resolveAuto's");

    TrainPlan set =
        TrainPlan.resolve(train("train.workers=3", "train.batch-size-per-worker=64"), 2, 158_034);
    assertEquals(3, set.workers());
    assertEquals(64, set.batchSize());
  }

  @Test
  void aPlanOfUnresolvedSettingsIsRefused() {
    TrainConfig written = train();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new TrainPlan(written, written, 2, 1000));
    assertEquals(
        "a training plan needs every automatic setting resolved (TrainPlan.resolve), found workers 0, batch-size-per-worker 0, "
            + "averaging-frequency 0, block-momentum NaN, block-learning-rate NaN",
        e.getMessage());
  }

  @Test
  void model_jsonRecordsWhatThePlanResolvedToAndWhatTheHeadChose() throws Exception {
    TrainPlan plan = TrainPlan.resolve(train("train.averaging.method=simple"), 2, 10_000);
    HeadSpec head =
        HeadSpec.builder(HeadSpec.REGRESSION, OutputLoss.LINEAR_MSE)
            .target(TrainConfig.TargetTransform.STANDARDIZE, 3.0, 2.0)
            .build();
    TrainPlan.Recorded r = plan.recorded(TrainConfig.Approach.DIRECT, head);
    assertEquals(1, r.workers(), "10,000 rows: one worker");
    assertEquals(128, r.batchSizePerWorker());
    assertEquals(plan.train().master().averagingFrequency(), r.averagingFrequency());
    assertEquals(TrainConfig.AveragingMethod.SIMPLE, r.averaging());
    assertNull(r.blockMomentum(), "simple averaging has none");
    assertEquals(LearningRates.rate(plan.train(), 0), r.learningRate());
    assertEquals(TrainConfig.TargetTransform.STANDARDIZE, r.targetTransform());
    assertNull(r.thresholdRule());
    List<String> fields = new java.util.ArrayList<>();
    Json.MAPPER.readTree(Json.write(r)).fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "master",
            "workers",
            "batch_size_per_worker",
            "averaging_frequency",
            "averaging",
            "learning_rate",
            "epochs",
            "approach",
            "target_transform",
            "output"),
        fields);
    assertEquals(r, Json.MAPPER.readValue(Json.write(r), TrainPlan.Recorded.class));
  }
}
