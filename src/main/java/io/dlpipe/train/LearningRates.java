package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The learning rate the network trains with in an epoch: {@code train.updater.learning-rate},
 * scaled for the minibatch size ({@code train.lr-batch-scaling}), then the epoch schedule, with a
 * linear warm-up over the first {@code train.lr-warmup-iterations} minibatch updates when the
 * scaling raised it.
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

  /**
   * The scaled base rate of a 0-based epoch (before warm-up), as logged and kept in the history.
   */
  public static double rate(TrainConfig train, int epochIndex) {
    return train.updater().learningRate(epochIndex) * batchFactor(train);
  }

  /**
   * The multiplier {@code train.lr-batch-scaling} applies for the configured minibatch size; with
   * {@code train.averaging.scale-learning-rate}, for the global minibatch (per worker times
   * workers) under parameter averaging, but never above {@value #MAX_WIDTH_FACTOR} for the width's
   * part (the per-worker minibatch alone may ask for more, as before).
   *
   * <p>Why the width: averaging W workers' steps cancels most of their noise, as one step on W
   * times the rows would, but it does not lengthen the step. On 159,603 synthetic Ames train rows
   * (validation R² by epoch, 3 epochs): 32 workers of 64-row minibatches at the per-worker rate
   * (0.0014) reached 0.694, 0.818, 0.838; at the global minibatch's (0.008) 0.822, 0.853, 0.861.
   * Four workers: 0.819, 0.857, 0.866 against 0.847, 0.863, 0.869. One worker: 0.862, 0.871, 0.868
   * (BENCHMARKS.md, "Scale-out").
   */
  public static double batchFactor(TrainConfig train) {
    TrainConfig.Master m = train.master();
    if (m.batchSizePerWorker() < 1) {
      throw new IllegalStateException(
          "train.batch-size-per-worker = 0 must be resolved first (TrainingMasters.resolveAuto)");
    }
    double local =
        factor(m.lrBatchScaling(), (double) m.batchSizePerWorker() / m.lrBaseBatchSize());
    boolean width =
        m.type() == TrainConfig.MasterType.PARAMETER_AVERAGING
            && m.averaging().scaleLearningRate()
            && m.workers() > 1;
    if (!width) {
      return local;
    }
    double global =
        factor(
            m.lrBatchScaling(),
            (double) m.batchSizePerWorker() * m.workers() / m.lrBaseBatchSize());
    return Math.max(local, Math.min(global, MAX_WIDTH_FACTOR));
  }

  /**
   * The most {@code train.averaging.scale-learning-rate} raises the rate to, as a multiple of the
   * configured one.
   */
  static final double MAX_WIDTH_FACTOR = 8;

  private static double factor(TrainConfig.BatchScaling scaling, double growth) {
    return switch (scaling) {
      case NONE -> 1.0;
      case SQRT -> Math.sqrt(growth);
      case LINEAR -> growth;
    };
  }

  /**
   * The most steps a warm-up ramp takes; each is one entry of the schedule in the network's JSON.
   */
  static final int MAX_RAMP_STEPS = 100;

  /**
   * The schedule to set on the network for a 0-based epoch: the scaled rate, ramped up linearly
   * over the warm-up iterations. DL4J counts iterations on the network's configuration (the
   * training masters carry the count across averaging rounds, checkpoints across restarts), so the
   * ramp ends at the same update wherever it is set again.
   *
   * <p>The ramp is a {@link MapSchedule} of at most {@link #MAX_RAMP_STEPS} steps rather than
   * DL4J's {@code RampSchedule}: workers and checkpoints rebuild the network from its JSON, and
   * {@code RampSchedule} cannot be read back from JSON in DL4J 1.0.0-M2.
   */
  public static ISchedule schedule(TrainConfig train, int epochIndex) {
    double rate = rate(train, epochIndex);
    int warmup = train.master().lrWarmupIterations();
    // The warm-up protects the first steps from a rate raised for large minibatches; at the base
    // size there is nothing to protect. Gradient sharing's workers never advance the network's
    // iteration count (DL4J's encoding handler logs "iter 0" throughout), so a ramp would hold the
    // rate at its first step, 1/warmup of the rate, for the whole run: on synthetic Ames it learned
    // nothing (BENCHMARKS.md, "Gradient sharing at width").
    if (warmup <= 1
        || batchFactor(train) <= 1
        || train.master().type() == TrainConfig.MasterType.GRADIENT_SHARING) {
      return new FixedSchedule(rate);
    }
    int stride = (warmup + MAX_RAMP_STEPS - 1) / MAX_RAMP_STEPS;
    Map<Integer, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < warmup; i += stride) {
      values.put(i, rate * (i + 1) / warmup);
    }
    values.put(warmup, rate);
    return new MapSchedule(ScheduleType.ITERATION, values);
  }
}
