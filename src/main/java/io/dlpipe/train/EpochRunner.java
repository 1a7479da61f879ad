package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One pass of data-parallel training over the minibatches at the learning rate the schedule gives
 * that epoch: the single epoch loop that {@link TrainJob} and the cross-validation folds ({@link
 * FoldTrainer}) share, so a fold trains exactly as the main model does.
 */
public final class EpochRunner {
  private final SparkDl4jMultiLayer sparkNet;
  private final JavaRDD<DataSet> minibatches;
  private final TrainConfig.Updater updater;
  private double learningRate = Double.NaN;

  public EpochRunner(SparkDl4jMultiLayer sparkNet, JavaRDD<DataSet> minibatches, TrainConfig.Updater updater) {
    this.sparkNet = sparkNet;
    this.minibatches = minibatches;
    this.updater = updater;
  }

  /**
   * Fits epoch {@code epoch} (1-based).
   *
   * @return the learning rate it trained with
   */
  public double run(int epoch) {
    double lr = updater.learningRate(epoch - 1);
    if (lr != learningRate) {
      // The driver's configuration is broadcast to the workers by every averaging round.
      network().setLearningRate(lr);
      learningRate = lr;
    }
    sparkNet.fit(minibatches);
    return lr;
  }

  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }
}
