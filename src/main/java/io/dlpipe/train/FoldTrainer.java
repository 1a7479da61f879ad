package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains a fresh network for a fixed number of epochs on any frame of prepared rows, with the same
 * network spec, head, schedule, training master and loop ({@link TrainingLoop}, {@link
 * EpochRunner}) as {@link TrainJob}, but without validation, checkpoints or a bundle. k-fold
 * cross-validation retrains with it once per fold.
 */
public final class FoldTrainer {
  private FoldTrainer() {}

  /**
   * @param rows prepared rows (features, label) to train on
   * @param epochs passes over {@code rows}; cross-validation uses the main training's best epoch,
   *     so that no held-out fold picks its own stopping point
   */
  public static Network fit(
      Dataset<Row> rows, TrainConfig train, OutputHead head, int featureCount, int epochs) {
    TrainPlan plan =
        TrainPlan.resolve(
            train, rows.sparkSession().sparkContext().defaultParallelism(), rows.count());
    Network net = LinearStart.network(plan.train(), featureCount, head, rows);
    try (EpochRunner runner = EpochRunner.direct(net, plan, rows, featureCount, head)) {
      TrainingLoop.fixed(epochs)
          .run(
              TrainState.initial("fold"),
              e ->
                  EpochRecord.validated(e, head.mainMetric(), null)
                      .withLearningRate(runner.run(e)));
      return runner.network();
    }
  }
}
