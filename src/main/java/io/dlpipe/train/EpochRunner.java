package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One pass of data-parallel training over the minibatches at the learning rate the schedule gives
 * that epoch (scaled for the minibatch size, with its warm-up: {@link LearningRates}): the single epoch loop that {@link TrainJob} and the cross-validation folds ({@link
 * FoldTrainer}) share, so a fold trains exactly as the main model does.
 */
public final class EpochRunner {
  private final SparkDl4jMultiLayer sparkNet;
  private final JavaRDD<DataSet> minibatches;
  private final TrainConfig train;
  private double learningRate = Double.NaN;

  /** {@code train} with its minibatch size resolved ({@link TrainingMasters#resolveBatchSize}). */
  public EpochRunner(SparkDl4jMultiLayer sparkNet, JavaRDD<DataSet> minibatches, TrainConfig train) {
    this.sparkNet = sparkNet;
    this.minibatches = minibatches;
    this.train = train;
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
    sparkNet.fit(minibatches);
    return lr;
  }

  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }
}
