package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.MainMetric;
import io.dlpipe.head.OutputLoss;
import io.dlpipe.io.Json;
import io.dlpipe.testing.TestData;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * model.json from named parts: the file keeps the flat field names every earlier bundle has. No
 * Spark.
 */
class ModelProvenanceTest {

  private static ModelProvenance sample() throws Exception {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("train", 800L);
    rows.put("validation", 100L);
    rows.put("test", 100L);
    HeadSpec head =
        HeadSpec.builder(HeadSpec.BINARY, OutputLoss.SOFTMAX_MCXENT)
            .classes(List.of("good", "bad"))
            .threshold(0.3, HeadSpec.ThresholdRule.MAX_F1)
            .classWeights(Map.of("good", 1.0, "bad", 1.0))
            .positiveClass("bad")
            .build();
    EvalMetrics best = new EvalMetrics(100, 0.45, null, null, null, 0.8, 0.82);
    TrainPlan.Recorded plan =
        new TrainPlan.Recorded(
            TrainConfig.MasterType.PARAMETER_AVERAGING,
            1,
            128,
            20,
            TrainConfig.AveragingMethod.BLOCK_MOMENTUM,
            0.0,
            1.0,
            0.002,
            4,
            TrainConfig.Approach.DIRECT,
            null,
            OutputLoss.SOFTMAX_MCXENT,
            HeadSpec.ThresholdRule.MAX_F1);
    return new ModelProvenance(
        ModelProvenance.FORMAT_VERSION,
        new ModelProvenance.Build(
            "sha256:ab",
            "0.1.0",
            "c0ffee",
            Json.MAPPER.readTree("{\"train\":{\"epochs\":4}}"),
            Map.of("java", "17")),
        new ModelProvenance.Data(
            "fp", "sha256:cd", Task.CLASSIFICATION, List.of("good", "bad"), 33, rows, null),
        ModelProvenance.Decoding.of(head, MainMetric.AUC, null),
        new ModelProvenance.Training(
            5000,
            4,
            2,
            3,
            false,
            best,
            best,
            List.of(3, 2),
            "local[2]",
            1,
            1,
            TrainConfig.Approach.DIRECT,
            plan,
            new ModelProvenance.StartCheck("start", 410, 0.45, 0.44, -0.01, 0.02, 1.0)),
        new ModelProvenance.Timing(
            12.5, 10.0, 3000.0, 18.0, 1.5, "2026-12-07T12:00:00Z", "2026-12-07T12:00:12.500Z"));
  }

  @Test
  void thePartsLieSideBySideUnderModelJsonsFieldNamesAndReadBackEqual() throws Exception {
    ModelProvenance p = sample();
    String text = Json.write(p);
    List<String> fields = new ArrayList<>();
    Json.MAPPER.readTree(text).fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "format_version",
            "model_id",
            "dlpipe_version",
            "git_commit",
            "config",
            "versions",
            "transform_fingerprint",
            "transform_sha256",
            "task",
            "classes",
            "feature_count",
            "rows",
            "output",
            "main_metric",
            "head",
            "parameters",
            "epochs_run",
            "resumed_from_epoch",
            "best_epoch",
            "stopped_early",
            "best_validation",
            "last_validation",
            "averaged_epochs",
            "master",
            "executors",
            "workers",
            "approach",
            "plan",
            "linear_start",
            "wall_seconds",
            "training_seconds",
            "samples_per_s",
            "executor_seconds",
            "conversion_seconds",
            "started_at",
            "finished_at"),
        fields);
    ModelProvenance back = Json.MAPPER.readValue(text, ModelProvenance.class);
    assertEquals(p, back);
    assertEquals(Task.CLASSIFICATION, back.task());
    assertEquals(0.3, back.head().threshold());
    assertEquals(3, back.bestEpoch());
  }

  @Test
  void everyFieldOfTheOldFormatsFixturesSurvivesAReadAndAWrite() throws Exception {
    for (String file :
        List.of(
            "format-1/credit/model.json",
            "format-1/ames/model.json",
            "format-2/credit/model.json")) {
      String text =
          Files.readString(
              TestData.projectDir().resolve("src/test/resources/fixtures").resolve(file));
      JsonNode written =
          Json.MAPPER.readTree(Json.write(Json.MAPPER.readValue(text, ModelProvenance.class)));
      assertEquals(Json.MAPPER.readTree(text), written, file);
    }
  }

  @Test
  void aFieldNoPartKnowsIsRefusedAsBefore() throws Exception {
    String text = Json.write(sample()).replace("\"parameters\"", "\"paramters\"");
    UnrecognizedPropertyException e =
        assertThrows(
            UnrecognizedPropertyException.class,
            () -> Json.MAPPER.readValue(text, ModelProvenance.class));
    assertEquals("paramters", e.getPropertyName());
    assertTrue(e.getMessage().startsWith("Unrecognized field \"paramters\""), e.getMessage());
  }
}
