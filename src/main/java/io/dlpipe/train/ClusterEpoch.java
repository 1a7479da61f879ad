package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import io.dlpipe.net.SparkNetwork;
import io.dlpipe.spark.StageTimer;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * An epoch of the real training on the cluster, measured, as {@link TrainJob} runs it in the {@link
 * TrainingLoop}: fitted by its {@link EpochRunner} under a progress line and a Spark stage of its
 * own, then scored on validation, with the mean minibatch loss and the conversion time the workers
 * reported through accumulators and the executors' task time. The accumulators and the listener are
 * registered once per run and reset every epoch; closing releases them and the runner's
 * minibatches.
 */
final class ClusterEpoch implements TrainingLoop.Epoch, AutoCloseable {
  private final SparkContext sc;
  private final EpochRunner runner;
  private final Network net;
  private final StageTimer timer;
  private final Dataset<Row> validation;
  private final OutputHead head;
  private final int featureCount;
  private final long trainRows;
  private final TrainConfig train;
  private final List<long[]> rounds;
  private final DoubleAccumulator lossSum;
  private final LongAccumulator lossRows;
  private final LongAccumulator conversionNanos;
  private final LongAccumulator conversionRows;
  private final ExecutorTime executorTime = new ExecutorTime();

  /**
   * @param net the network {@code sparkNet} trains, scored after each epoch
   * @param toTrain the train split, partitioned for the workers
   * @param exportDir where export writes the minibatch files ({@code approach} export only)
   * @param rounds receives, per epoch: {epoch, averaging rounds, driver nanoseconds of the
   *     block-momentum steps, fit nanoseconds}
   */
  ClusterEpoch(
      Network net,
      SparkNetwork sparkNet,
      TrainPlan plan,
      TrainConfig.Approach approach,
      String exportDir,
      Dataset<Row> toTrain,
      Dataset<Row> validation,
      OutputHead head,
      int featureCount,
      long trainRows,
      StageTimer timer,
      List<long[]> rounds) {
    this.sc = toTrain.sparkSession().sparkContext();
    this.net = net;
    this.timer = timer;
    this.validation = validation;
    this.head = head;
    this.featureCount = featureCount;
    this.trainRows = trainRows;
    this.train = plan.train();
    this.rounds = rounds;
    lossSum = sc.doubleAccumulator("dlpipe.train.loss-sum");
    lossRows = sc.longAccumulator("dlpipe.train.loss-rows");
    LongAccumulator nanos = sc.longAccumulator("dlpipe.train.conversion-nanos");
    LongAccumulator count = sc.longAccumulator("dlpipe.train.conversion-rows");
    conversionNanos = nanos;
    conversionRows = count;
    sparkNet.setListeners(List.of(new EpochLossListener(lossSum, lossRows)));
    int batchSize = plan.batchSize();
    runner =
        approach == TrainConfig.Approach.EXPORT
            ? EpochRunner.exported(
                sparkNet,
                () ->
                    ExportedMinibatches.write(
                        toTrain, exportDir, featureCount, batchSize, head, nanos, count),
                plan)
            : EpochRunner.direct(
                sparkNet,
                TrainJob.minibatches(toTrain, featureCount, batchSize, head, nanos, count),
                plan);
    sc.addSparkListener(executorTime);
  }

  EpochRunner runner() {
    return runner;
  }

  /** Rows the last epoch turned into minibatches (0 when it reused them). */
  long convertedRows() {
    return conversionRows.value();
  }

  @Override
  public EpochRecord run(int epoch) {
    lossSum.reset();
    lossRows.reset();
    conversionNanos.reset();
    conversionRows.reset();
    long executorMillis = executorTime.millis();
    long start = System.nanoTime();
    long roundsBefore = runner.rounds();
    long stepBefore = runner.stepNanos();
    try (StageTimer.Stage s =
        timer.start(
            "epoch-" + epoch,
            "epoch " + epoch + " of " + train.epochs() + ": fit, then evaluate on validation")) {
      double lr;
      try (EpochProgress progress =
          EpochProgress.start(
              "train epoch " + epoch + "/" + train.epochs(),
              trainRows,
              lossRows::value,
              runner::fitStartNanos)) {
        lr = runner.run(epoch);
      }
      double fitSeconds = (System.nanoTime() - start) / 1e9;
      rounds.add(
          new long[] {
            epoch,
            runner.rounds() - roundsBefore,
            runner.stepNanos() - stepBefore,
            System.nanoTime() - start
          });
      EvalMetrics val =
          Evaluator.evaluate(validation, net, head, featureCount, train.evalBatchSize());
      double trainLoss = lossRows.value() == 0 ? Double.NaN : lossSum.value() / lossRows.value();
      s.rows(trainRows);
      return EpochRecord.validated(epoch, head.mainMetric(), val)
          .withLearningRate(lr)
          .withFit(
              trainLoss,
              trainRows / Math.max(fitSeconds, 1e-9),
              (System.nanoTime() - start) / 1e9,
              (executorTime.millis() - executorMillis) / 1000.0,
              conversionNanos.value() / 1e9);
    }
  }

  @Override
  public void close() {
    sc.removeSparkListener(executorTime);
    runner.close();
  }
}
