package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TrainConfig.EarlyStoppingMetric;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.MainMetric;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one training loop: how many epochs it runs, where it stops, what divergence does, which hooks
 * it calls. No Spark.
 */
class TrainingLoopTest {
  private static final TrainConfig.EarlyStopping PATIENCE_2 =
      new TrainConfig.EarlyStopping(2, 0, EarlyStoppingMetric.LOSS);

  /**
   * Epoch e's record with validation loss {@code losses[e - 1]} and AUC 0.8, at learning rate 0.01.
   */
  private static TrainingLoop.Epoch losses(List<Integer> fitted, double... losses) {
    return e -> {
      fitted.add(e);
      EvalMetrics val = new EvalMetrics(10, losses[e - 1], null, null, null, 0.7, 0.8);
      return EpochRecord.validated(e, MainMetric.AUC, val).withLearningRate(0.01);
    };
  }

  @Test
  void itStopsWhenPatienceRunsOutAndCallsTheHookAfterEveryEpoch() {
    List<Integer> fitted = new ArrayList<>();
    List<String> hooked = new ArrayList<>();
    TrainState s =
        TrainingLoop.of(10, PATIENCE_2, TrainingLoop.OnDivergence.FAIL)
            .run(
                TrainState.initial("f"),
                losses(fitted, 1.0, 0.9, 0.95, 0.96, 0.5),
                (r, st) -> hooked.add(r.epoch() + ":" + st.bestEpoch()));
    assertEquals(List.of(1, 2, 3, 4), fitted);
    assertEquals(List.of("1:1", "2:2", "3:2", "4:2"), hooked);
    assertTrue(s.stoppedEarly());
    assertEquals(2, s.bestEpoch());
    assertEquals(0.9, s.bestScore());
    assertEquals(0.01, s.best().learningRate());
    assertEquals(0.8, s.best().metric());
  }

  @Test
  void aResumedStateRunsOnlyTheEpochsLeftAndAStoppedOneNone() {
    TrainState two =
        TrainingLoop.of(2, PATIENCE_2, TrainingLoop.OnDivergence.FAIL)
            .run(TrainState.initial("f"), losses(new ArrayList<>(), 1.0, 0.9));
    assertEquals(2, two.epoch());
    List<Integer> fitted = new ArrayList<>();
    TrainState four =
        TrainingLoop.of(4, PATIENCE_2, TrainingLoop.OnDivergence.FAIL)
            .run(two, losses(fitted, 1.0, 0.9, 0.8, 0.7));
    assertEquals(List.of(3, 4), fitted);
    assertEquals(4, four.bestEpoch());
    assertEquals(List.of(1, 2, 3, 4), four.history().stream().map(EpochRecord::epoch).toList());

    fitted.clear();
    TrainState stopped =
        TrainingLoop.of(10, PATIENCE_2, TrainingLoop.OnDivergence.FAIL)
            .run(TrainState.initial("f"), losses(new ArrayList<>(), 1.0, 1.1, 1.2));
    assertTrue(stopped.stoppedEarly());
    assertEquals(
        stopped,
        TrainingLoop.of(10, PATIENCE_2, TrainingLoop.OnDivergence.FAIL)
            .run(stopped, losses(fitted, 1, 1, 1, 1)));
    assertEquals(List.of(), fitted);
  }

  @Test
  void aDivergingTrialEndsAtItsLastFiniteEpochAndTheRealTrainingFailsSayingWhatToDo() {
    TrainState trial =
        TrainingLoop.of(5, PATIENCE_2, TrainingLoop.OnDivergence.STOP)
            .run(TrainState.initial("tune"), losses(new ArrayList<>(), 1.0, 0.9, Double.NaN, 0.1));
    assertEquals(2, trial.epoch());
    assertEquals(2, trial.bestEpoch());

    List<Integer> hooked = new ArrayList<>();
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TrainingLoop.of(5, PATIENCE_2, TrainingLoop.OnDivergence.FAIL)
                    .run(
                        TrainState.initial("f"),
                        losses(new ArrayList<>(), 1.0, Double.POSITIVE_INFINITY),
                        (r, st) -> hooked.add(r.epoch())));
    assertEquals(
        "Validation loss is Infinity after epoch 2: training diverged. Lower train.updater.learning-rate (now 0.01) and run train with "
            + "--fresh",
        e.getMessage());
    assertEquals(List.of(1), hooked, "the diverged epoch is neither checkpointed nor logged");
  }

  @Test
  void aFoldRunsExactlyItsEpochsWithoutValidation() {
    List<Integer> fitted = new ArrayList<>();
    TrainState s =
        TrainingLoop.fixed(3)
            .run(
                TrainState.initial("fold"),
                e -> {
                  fitted.add(e);
                  return EpochRecord.validated(e, MainMetric.R2, null);
                });
    assertEquals(List.of(1, 2, 3), fitted);
    assertEquals(3, s.epoch());
    assertTrue(Double.isNaN(s.history().get(2).valLoss()));
    assertNull(s.history().get(2).validation());
  }
}
