package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import io.dlpipe.net.SparkNetwork;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.util.SparkUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of data-parallel training over the minibatches at the learning rate the schedule gives
 * that epoch (scaled for the minibatch size, with its warm-up: {@link LearningRates}): how every
 * epoch on the cluster fits, inside the one loop ({@link TrainingLoop}) that {@link TrainJob}, the
 * tuning trials ({@link Tuner}) and the cross-validation folds ({@link FoldTrainer}) share, so a
 * fold trains exactly as the main model does. Closing it releases the minibatches: the persisted
 * RDD, or the exported files.
 *
 * <p>With {@code train.averaging.method = simple}, one DL4J fit per epoch: DL4J's training master
 * splits the epoch into averaging rounds itself. With {@code block-momentum}, the runner splits the
 * epoch the same way ({@code SparkUtils.balancedRandomSplit}, DL4J's own split, into rounds of
 * {@code workers x averaging-frequency} minibatches) and fits one round per DL4J call, so that the
 * driver can take the block-momentum step ({@link BlockMomentum}) between rounds.
 */
public final class EpochRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EpochRunner.class);
  private final SparkNetwork sparkNet;
  private final JavaRDD<DataSet> minibatches;
  private final Supplier<ExportedMinibatches> export;
  private final TrainConfig train;
  private ExportedMinibatches exported;
  private JavaRDD<String> dealt;
  private double learningRate = Double.NaN;
  private volatile long fitStartNanos;
  private BlockMomentum blocks;
  private long roundsRun;
  private long stepNanos;
  private long directCount = -1;

  /**
   * Releases what the runner's own training master left behind; null when the caller owns the
   * master.
   */
  private Runnable cleanup;

  private EpochRunner(
      SparkNetwork sparkNet,
      JavaRDD<DataSet> minibatches,
      Supplier<ExportedMinibatches> export,
      TrainConfig train) {
    this.sparkNet = sparkNet;
    this.minibatches = minibatches;
    this.export = export;
    this.train = train;
    TrainConfig.Averaging a = train.master().averaging();
    // Momentum 0 with rate 1 is plain averaging: DL4J's own loop does that without a job per round.
    boolean plain = a.blockMomentum() == 0 && a.blockLearningRate() == 1;
    if (a.method() == TrainConfig.AveragingMethod.BLOCK_MOMENTUM
        && train.master().type() == TrainConfig.MasterType.PARAMETER_AVERAGING
        && !plain) {
      this.blocks = new BlockMomentum(a, null);
    }
  }

  /**
   * Carries on with a momentum buffer restored from a checkpoint (block momentum only; ignored
   * otherwise, and null leaves the buffer at zero).
   */
  public void restoreMomentum(INDArray buffer) {
    if (blocks != null && buffer != null) {
      // A copy: the runner updates its buffer in place every round.
      blocks = new BlockMomentum(train.master().averaging(), buffer.dup());
    }
  }

  /**
   * The block-momentum buffer to checkpoint; null under plain averaging or before the first round.
   */
  public INDArray momentum() {
    return blocks == null ? null : blocks.buffer();
  }

  /** Averaging rounds fitted by this runner so far. */
  public long rounds() {
    return roundsRun;
  }

  /** Driver time of the block-momentum steps so far, in nanoseconds (0 under plain averaging). */
  public long stepNanos() {
    return stepNanos;
  }

  /** Trains from an RDD of minibatches, which DL4J handles by its training master's approach. */
  public static EpochRunner direct(
      SparkNetwork sparkNet, JavaRDD<DataSet> minibatches, TrainPlan plan) {
    return new EpochRunner(sparkNet, minibatches, null, plan.train());
  }

  /**
   * Trains {@code net} on {@code rows} with a training master of its own (a tuning trial on the
   * cluster, a cross-validation fold): direct, as these are small next to the data and nothing has
   * to be exported per trial. Closing the runner deletes the master's temporary files too.
   */
  public static EpochRunner direct(
      Network net, TrainPlan plan, Dataset<Row> rows, int featureCount, OutputHead head) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
    TrainingMaster<?, ?> master =
        TrainingMasters.create(plan.train(), plan.workers(), TrainConfig.Approach.DIRECT, "");
    SparkNetwork sparkNet = net.distributed(jsc, master);
    sparkNet.setListeners(List.of());
    EpochRunner runner =
        direct(
            sparkNet,
            TrainJob.minibatches(rows, featureCount, plan.batchSize(), head, null, null),
            plan);
    runner.cleanup = () -> master.deleteTempFiles(jsc);
    return runner;
  }

  /**
   * Trains from minibatch files that {@code export} writes when the first epoch starts, so that
   * epoch pays for the conversion as it did when DL4J exported.
   */
  public static EpochRunner exported(
      SparkNetwork sparkNet, Supplier<ExportedMinibatches> export, TrainPlan plan) {
    return new EpochRunner(sparkNet, null, export, plan.train());
  }

  /**
   * Fits epoch {@code epoch} (1-based).
   *
   * @return the learning rate it trained with
   */
  public double run(int epoch) {
    double lr = LearningRates.rate(train, epoch - 1);
    if (lr != learningRate) {
      // The driver's configuration is broadcast to the workers by every averaging round.
      network().setLearningRate(LearningRates.schedule(train, epoch - 1));
      learningRate = lr;
    }
    fitStartNanos = 0;
    int workers = train.master().workers();
    int perRound = workers * train.master().averagingFrequency();
    if (export != null) {
      if (exported == null) {
        exported = export.get();
      }
      fitStartNanos = System.nanoTime();
      JavaRDD<String> previous = dealt;
      dealt = exported.dealt(epoch, workers, train.seed());
      JavaRDD<String> paths = dealt;
      watched(
          paths,
          epoch,
          () -> {
            if (blocks == null) {
              sparkNet.fitPaths(paths, new MinibatchFileLoader());
              roundsRun += Math.max(1, exported.count() / perRound);
            } else {
              // Persisted here, not by DL4J: every round's split reads it.
              paths.persist(StorageLevel.MEMORY_ONLY());
              for (JavaRDD<String> round :
                  SparkUtils.balancedRandomSplit(
                      (int) exported.count(), perRound, paths, train.seed() + epoch)) {
                step(() -> sparkNet.fitPaths(round, new MinibatchFileLoader()));
                round.unpersist(false);
              }
            }
          });
      if (previous != null) {
        previous.unpersist(false);
      }
    } else {
      fitStartNanos = System.nanoTime();
      watched(
          minibatches,
          epoch,
          () -> {
            if (blocks == null) {
              sparkNet.fit(minibatches);
            } else {
              if (directCount < 0) {
                minibatches.persist(
                    TrainingMasters.storageLevel(train.master().storageLevel()) == null
                        ? StorageLevel.MEMORY_ONLY_SER()
                        : TrainingMasters.storageLevel(train.master().storageLevel()));
                directCount = minibatches.count();
              }
              for (JavaRDD<DataSet> round :
                  SparkUtils.balancedRandomSplit(
                      (int) directCount, perRound, minibatches, train.seed() + epoch)) {
                step(() -> sparkNet.fit(round));
                round.unpersist(false);
              }
            }
          });
    }
    return lr;
  }

  /**
   * Runs one epoch's fit under the stall watchdog: its Spark jobs are cancelled, and the epoch
   * fails, when none of their tasks finishes for {@code train.master.stall-timeout}. The export of
   * the first epoch is not watched: one task per worker streams its whole share of the data.
   */
  private void watched(JavaRDD<?> data, int epoch, Runnable fit) {
    StallWatchdog.run(
        data.context(), train.master().stallTimeout(), "training epoch " + epoch, fit);
  }

  /** One averaging round fitted by {@code fit}, with the block-momentum step around it. */
  private void step(Runnable fit) {
    Network net = network();
    long t0 = System.nanoTime();
    blocks.beforeRound(net);
    long t1 = System.nanoTime();
    fit.run();
    long t2 = System.nanoTime();
    blocks.afterRound(net);
    if (train.master().averaging().updaterState() == TrainConfig.UpdaterState.RESET) {
      net.resetUpdaterState();
    }
    stepNanos += (t1 - t0) + (System.nanoTime() - t2);
    roundsRun++;
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "round {}: fit {} ms, block-momentum step {} ms",
          roundsRun,
          (t2 - t1) / 1_000_000,
          (t1 - t0 + System.nanoTime() - t2) / 1_000_000);
    }
  }

  /**
   * When the current epoch's fit began ({@link System#nanoTime}), after any export; 0 before it
   * (and while the first epoch writes the minibatch files). Read by the progress line's thread.
   */
  public long fitStartNanos() {
    return fitStartNanos;
  }

  public Network network() {
    return sparkNet.network();
  }

  @Override
  public void close() {
    if (cleanup != null) {
      cleanup.run();
    }
    if (dealt != null) {
      dealt.unpersist(false);
    }
    if (exported != null) {
      exported.delete();
    }
    if (minibatches != null) {
      minibatches.unpersist(false);
    }
  }
}
