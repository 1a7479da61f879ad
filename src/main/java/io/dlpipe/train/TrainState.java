package io.dlpipe.train;

import io.dlpipe.config.TrainConfig.EarlyStoppingMetric;
import java.util.List;

/**
 * Everything besides the network that a restarted driver needs to carry on where the last epoch
 * ended: progress, the early-stopping state, and the history so far. Stored as {@code state.json}
 * in every checkpoint.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param fingerprint what the checkpoint was trained for (model architecture, updater kind and the
 *     exact transform); a checkpoint with another fingerprint is never resumed
 * @param epoch epochs completed
 * @param bestEpoch the best epoch so far by the watched value (train.early-stopping.metric)
 * @param bestScore the watched value of that epoch, oriented so that lower is better (the loss, or
 *     minus the main metric)
 * @param epochsWithoutImprovement epochs since the best one
 * @param stoppedEarly whether early stopping ended training
 * @param history one record per completed epoch
 */
public record TrainState(
    int formatVersion,
    String fingerprint,
    int epoch,
    int bestEpoch,
    double bestScore,
    int epochsWithoutImprovement,
    boolean stoppedEarly,
    List<EpochRecord> history) {

  /** 2: bestScore replaced bestValLoss when early stopping learned to watch the main metric. */
  public static final int FORMAT_VERSION = 2;

  public TrainState {
    history = List.copyOf(history);
  }

  /** Before the first epoch. */
  public static TrainState initial(String fingerprint) {
    return new TrainState(FORMAT_VERSION, fingerprint, 0, 0, Double.MAX_VALUE, 0, false, List.of());
  }

  /** The watched value of an epoch, lower is better. */
  public static double score(EpochRecord e, EarlyStoppingMetric metric) {
    return metric == EarlyStoppingMetric.LOSS ? e.valLoss() : -e.metric();
  }

  /** After one more epoch; {@code minDelta} is the improvement that counts. */
  public TrainState after(
      EpochRecord e, double minDelta, int patience, EarlyStoppingMetric metric) {
    double score = score(e, metric);
    boolean improved = score < bestScore - minDelta || bestEpoch == 0;
    List<EpochRecord> h = new java.util.ArrayList<>(history);
    h.add(e);
    int without = improved ? 0 : epochsWithoutImprovement + 1;
    return new TrainState(
        formatVersion,
        fingerprint,
        e.epoch(),
        improved ? e.epoch() : bestEpoch,
        improved ? score : bestScore,
        without,
        patience > 0 && without >= patience,
        h);
  }

  /** The record of the best epoch. */
  public EpochRecord best() {
    return history.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElseThrow();
  }
}
