package io.dlpipe.train;

import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.MainMetric;

/**
 * One finished epoch, as logged, checkpointed and written to {@code training-history.csv}.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean minibatch loss the workers saw during the epoch
 * @param valLoss mean loss on the validation split after the epoch
 * @param metricName the task's main metric: r2, auc or accuracy
 * @param metric its value on the validation split
 * @param samplesPerS training rows per second of the epoch's fit (wall clock, evaluation excluded)
 * @param seconds wall-clock seconds of the epoch, fit and evaluation
 * @param learningRate the learning rate the epoch trained with
 * @param executorSeconds task run time the epoch used across all executors
 * @param conversionSeconds executor time spent turning Parquet rows into minibatches in this epoch
 * @param validation every metric measured on the validation split
 */
public record EpochRecord(
    int epoch,
    double trainLoss,
    double valLoss,
    MainMetric metricName,
    double metric,
    double samplesPerS,
    double seconds,
    double learningRate,
    double executorSeconds,
    double conversionSeconds,
    EvalMetrics validation) {

  /**
   * An epoch as validation saw it: its loss and main metric from {@code validation} (NaN without
   * one), nothing measured of the fit yet ({@link #withFit}, {@link #withLearningRate}).
   */
  public static EpochRecord validated(int epoch, MainMetric metricName, EvalMetrics validation) {
    double loss = validation == null ? Double.NaN : validation.loss();
    double metric = validation == null ? Double.NaN : validation.value(metricName);
    return new EpochRecord(epoch, Double.NaN, loss, metricName, metric, 0, 0, 0, 0, 0, validation);
  }

  /** This epoch, trained at {@code rate}. */
  public EpochRecord withLearningRate(double rate) {
    return new EpochRecord(
        epoch,
        trainLoss,
        valLoss,
        metricName,
        metric,
        samplesPerS,
        seconds,
        rate,
        executorSeconds,
        conversionSeconds,
        validation);
  }

  /** This epoch with what was measured of its fit. */
  public EpochRecord withFit(
      double trainLoss,
      double samplesPerS,
      double seconds,
      double executorSeconds,
      double conversionSeconds) {
    return new EpochRecord(
        epoch,
        trainLoss,
        valLoss,
        metricName,
        metric,
        samplesPerS,
        seconds,
        learningRate,
        executorSeconds,
        conversionSeconds,
        validation);
  }
}
