package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.RampSchedule;

/**
 * The learning rate the network trains with in an epoch: {@code train.updater.learning-rate},
 * scaled for the minibatch size ({@code train.lr-batch-scaling}), then the epoch schedule,
 * with a linear warm-up over the first {@code train.lr-warmup-iterations} minibatch updates.
 *
 * <p>Why scale: a minibatch of 256 rows costs about as much to dispatch as one of 32 (per-op
 * overhead dominates at tabular sizes), so large minibatches are the cheapest speed-up there is;
 * but with the learning rate unchanged they take 8 times fewer steps per epoch and learn less per
 * epoch. Raising the rate with the square root of the batch growth keeps the noise of each step
 * about constant for Adam; the warm-up keeps the first steps of a fresh network, whose gradients
 * are largest, from overshooting at that higher rate.
 */
public final class LearningRates {
  private LearningRates() {}

  /** The scaled base rate of a 0-based epoch (before warm-up), as logged and kept in the history. */
  public static double rate(TrainConfig train, int epochIndex) {
    return train.updater().learningRate(epochIndex) * batchFactor(train);
  }

  /** The multiplier {@code train.lr-batch-scaling} applies for the configured minibatch size. */
  public static double batchFactor(TrainConfig train) {
    TrainConfig.Master m = train.master();
    double growth = (double) m.batchSizePerWorker() / m.lrBaseBatchSize();
    return switch (m.lrBatchScaling()) {
      case NONE -> 1.0;
      case SQRT -> Math.sqrt(growth);
      case LINEAR -> growth;
    };
  }

  /**
   * The schedule to set on the network for a 0-based epoch: the scaled rate, ramped up linearly
   * over the warm-up iterations. DL4J counts iterations on the network's configuration (the
   * training masters carry the count across averaging rounds, checkpoints across restarts), so
   * the ramp ends at the same update wherever it is set again.
   */
  public static ISchedule schedule(TrainConfig train, int epochIndex) {
    FixedSchedule fixed = new FixedSchedule(rate(train, epochIndex));
    int warmup = train.master().lrWarmupIterations();
    return warmup > 0 ? new RampSchedule(fixed, warmup) : fixed;
  }
}
