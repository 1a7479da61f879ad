package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One pass of data-parallel training over the minibatches at the learning rate the schedule gives
 * that epoch (scaled for the minibatch size, with its warm-up: {@link LearningRates}): the single
 * epoch loop that {@link TrainJob} and the cross-validation folds ({@link FoldTrainer}) share, so a
 * fold trains exactly as the main model does. Closing it releases the minibatches: the persisted
 * RDD, or the exported files.
 */
public final class EpochRunner implements AutoCloseable {
  private final SparkDl4jMultiLayer sparkNet;
  private final JavaRDD<DataSet> minibatches;
  private final Supplier<ExportedMinibatches> export;
  private final TrainConfig train;
  private ExportedMinibatches exported;
  private JavaRDD<String> dealt;
  private double learningRate = Double.NaN;
  private volatile long fitStartNanos;

  private EpochRunner(SparkDl4jMultiLayer sparkNet, JavaRDD<DataSet> minibatches, Supplier<ExportedMinibatches> export, TrainConfig train) {
    this.sparkNet = sparkNet;
    this.minibatches = minibatches;
    this.export = export;
    this.train = train;
  }

  /**
   * Trains from an RDD of minibatches, which DL4J handles by its training master's approach.
   * {@code train} has its automatic settings resolved ({@link TrainingMasters#resolveAuto}).
   */
  public static EpochRunner direct(SparkDl4jMultiLayer sparkNet, JavaRDD<DataSet> minibatches, TrainConfig train) {
    return new EpochRunner(sparkNet, minibatches, null, train);
  }

  /**
   * Trains from minibatch files that {@code export} writes when the first epoch starts, so that
   * epoch pays for the conversion as it did when DL4J exported.
   */
  public static EpochRunner exported(SparkDl4jMultiLayer sparkNet, Supplier<ExportedMinibatches> export, TrainConfig train) {
    return new EpochRunner(sparkNet, null, export, train);
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
    if (export != null) {
      if (exported == null) {
        exported = export.get();
      }
      fitStartNanos = System.nanoTime();
      JavaRDD<String> previous = dealt;
      dealt = exported.dealt(epoch, train.master().workers(), train.seed());
      sparkNet.fitPaths(dealt, new MinibatchFileLoader());
      if (previous != null) {
        previous.unpersist(false);
      }
    } else {
      fitStartNanos = System.nanoTime();
      sparkNet.fit(minibatches);
    }
    return lr;
  }

  /**
   * When the current epoch's fit began ({@link System#nanoTime}), after any export; 0 before it
   * (and while the first epoch writes the minibatch files). Read by the progress line's thread.
   */
  public long fitStartNanos() {
    return fitStartNanos;
  }

  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }

  @Override
  public void close() {
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
