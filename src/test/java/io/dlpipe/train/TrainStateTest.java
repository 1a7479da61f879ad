package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.TrainConfig.EarlyStoppingMetric;
import io.dlpipe.head.MainMetric;
import org.junit.jupiter.api.Test;

/** Early stopping on the loss or on the main metric. No Spark. */
class TrainStateTest {
  private static EpochRecord epoch(int e, double valLoss, double auc) {
    return new EpochRecord(e, 0.5, valLoss, MainMetric.AUC, auc, 100, 1, 0.001, 1, 0, null);
  }

  @Test
  void theMainMetricPicksTheEpochWithTheHighestAucWhenTheLossDisagrees() {
    TrainState byLoss = TrainState.initial("f");
    TrainState byAuc = TrainState.initial("f");
    double[][] epochs = {{0.50, 0.80}, {0.45, 0.82}, {0.44, 0.81}, {0.46, 0.79}};
    for (int i = 0; i < epochs.length; i++) {
      byLoss =
          byLoss.after(epoch(i + 1, epochs[i][0], epochs[i][1]), 0, 2, EarlyStoppingMetric.LOSS);
      byAuc = byAuc.after(epoch(i + 1, epochs[i][0], epochs[i][1]), 0, 2, EarlyStoppingMetric.MAIN);
    }
    assertEquals(3, byLoss.bestEpoch());
    assertEquals(0.44, byLoss.bestScore());
    assertEquals(1, byLoss.epochsWithoutImprovement());
    assertEquals(2, byAuc.bestEpoch());
    assertEquals(-0.82, byAuc.bestScore());
    assertTrue(byAuc.stoppedEarly(), "patience 2: epochs 3 and 4 did not beat epoch 2's AUC");
  }

  @Test
  void theBestEpochsToAverageAreRankedByTheWatchedValueEarlierFirstAmongEquals() {
    TrainState state = TrainState.initial("f");
    double[][] epochs = {
      {0.50, 0.80}, {0.45, 0.82}, {0.44, 0.81}, {0.46, 0.82}, {0.47, Double.NaN}
    };
    for (int i = 0; i < epochs.length; i++) {
      state = state.after(epoch(i + 1, epochs[i][0], epochs[i][1]), 0, 0, EarlyStoppingMetric.LOSS);
    }
    assertEquals(java.util.List.of(3, 2, 4), Checkpoints.best(state, 3, EarlyStoppingMetric.LOSS));
    assertEquals(
        java.util.List.of(2, 4, 3, 1),
        Checkpoints.best(state, 10, EarlyStoppingMetric.MAIN),
        "epoch 5's NaN AUC ranks nowhere");
    assertEquals(java.util.List.of(3), Checkpoints.best(state, 1, EarlyStoppingMetric.LOSS));
  }
}
