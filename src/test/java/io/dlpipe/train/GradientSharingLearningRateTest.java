package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.MapSchedule;

/**
 * Gradient sharing's workers never advance the network's iteration count, so the learning rate
 * warm-up (a ramp over iterations) is not used there: it would hold the rate at 1/100 of its value.
 */
class GradientSharingLearningRateTest {
  private static TrainConfig train(String... sets) {
    return TestConfig.of("x.csv", "y", "regression", "ws").set(sets).load().train();
  }

  @Test
  void gradientSharingTrainsAtTheScaledRateFromTheFirstMinibatch() {
    // 512 rows: the rate is sqrt(512 / 32) = 4 times 0.001, with the default 100-iteration ramp
    assertEquals(
        new FixedSchedule(0.004),
        LearningRates.schedule(
            train("train.batch-size-per-worker=512", "train.master.type=gradient-sharing"), 0));
    MapSchedule ramp =
        (MapSchedule)
            LearningRates.schedule(
                train("train.batch-size-per-worker=512", "train.master.type=parameter-averaging"),
                0);
    assertEquals(0.004 / 100, ramp.valueAt(0, 0), 1e-15);
  }
}
