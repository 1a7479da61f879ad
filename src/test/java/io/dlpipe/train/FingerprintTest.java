package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.testing.TestConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint fingerprint covers every key of train.model and train.updater, and no speed
 * setting. No Spark.
 */
class FingerprintTest {
  private static final PreparedInput IN =
      new PreparedInput(null, null, "{\"format_version\":1}", null);
  private static final OutputHead HEAD =
      new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 10, 2);

  private static String fingerprint(String... sets) {
    return TrainJob.fingerprint(
        TestConfig.of("x.csv", "y", "regression", "ws").set(sets).load(), HEAD, IN);
  }

  @Test
  void everyModelAndUpdaterKeyCountsAndSpeedSettingsDoNot() {
    String base = fingerprint();
    for (String changed :
        List.of(
            "train.model.dropout=0.1",
            "train.model.weight-init=xavier",
            "train.updater.learning-rate=0.01",
            "train.updater.schedule.warmup-epochs=2",
            "train.updater.momentum=0.5",
            "train.target-transform=none")) {
      assertNotEquals(base, fingerprint(changed), changed);
    }
    for (String same :
        List.of(
            "train.batch-size-per-worker=256",
            "train.averaging-frequency=20",
            "train.workers=4",
            "train.epochs=7",
            "train.average-epochs=3")) {
      assertEquals(base, fingerprint(same), same);
    }
    assertNotEquals(
        base,
        TrainJob.fingerprint(
            ConfigLoader.load(
                null,
                List.of(
                    "input.path=x.csv",
                    "target.column=y",
                    "target.task=regression",
                    "output.dir=ws")),
            new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 10, 3),
            IN),
        "another target scale");
  }
}
