package io.dlpipe.net;

import java.util.Collection;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link Network} trained data-parallel on Spark by dl4j-spark ({@code SparkDl4jMultiLayer} or
 * {@code SparkComputationGraph}) under a training master. Each fit leaves the result in {@link
 * #network()}, the same object the trainer evaluates and checkpoints.
 */
public interface SparkNetwork {
  /** Fits the minibatches (one pass), as the training master splits them into rounds. */
  void fit(JavaRDD<DataSet> minibatches);

  /**
   * Fits the minibatch files at {@code paths} (one pass), each read by {@code loader} on the
   * workers.
   */
  void fitPaths(JavaRDD<String> paths, DataSetLoader loader);

  /** Listeners shipped to every worker with the network. */
  void setListeners(Collection<TrainingListener> listeners);

  /** DL4J's training statistics, when the master collects them; null otherwise. */
  SparkTrainingStats trainingStats();

  Network network();
}
