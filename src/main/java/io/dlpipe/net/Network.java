package io.dlpipe.net;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A network of any family ({@code train.model.type}), as the trainer, the scorers and the model
 * bundle use it: created from the settings, a head and the feature count; fitted on one JVM or
 * distributed; a batched forward pass; its parameters as one flat vector (what parameter averaging,
 * block momentum and the averaging of the best epochs work on); and its bytes.
 *
 * <p>Not safe for concurrent use: a forward pass or a fit uses the network's own buffers.
 */
public interface Network {
  /** A freshly initialized network of the family {@code train.model.type} names. */
  static Network create(TrainConfig train, int featureCount, OutputHead head) {
    return NetworkSpec.of(train, head).create(train, featureCount, head);
  }

  /**
   * A network from the bytes {@link #bytes} wrote, of whichever family they hold.
   *
   * @param withUpdater whether to restore the updater state too (to carry on training)
   */
  static Network fromBytes(byte[] bytes, boolean withUpdater) {
    return NetworkBytes.read(bytes, withUpdater);
  }

  /**
   * A network file as a model bundle holds it, checked before use: a {@link
   * io.dlpipe.DataException} naming {@code where} when it is not a zip, lacks DL4J's entries or
   * does not restore. Without the updater state (nothing trains on a bundle).
   */
  static Network open(byte[] zip, String where) {
    return NetworkBytes.open(zip, where);
  }

  /** The width of the feature vector it reads. */
  int inputWidth();

  /** The width of one output row (the head's width). */
  int outputWidth();

  long numParams();

  /**
   * The forward pass in inference mode (no dropout, batch normalization's running statistics): one
   * output row per feature row. {@link BatchedOutput} streams rows through it.
   */
  float[][] output(float[][] features);

  /** All parameters as one flat vector; a live view, so {@code dup()} it to keep a copy. */
  INDArray params();

  /** Replaces every parameter with {@code flat} (as long as {@link #numParams}). */
  void setParams(INDArray flat);

  /**
   * The learning-rate schedule of every layer (the driver's copy is what each round broadcasts).
   */
  void setLearningRate(ISchedule schedule);

  /** Whether its output layer reads the raw features, so it can {@link #startAsLinear}. */
  boolean hasLinearPath();

  /**
   * Starts the network as a given linear model of the features, where it has a path for one: the
   * output layer's weights from the raw features become {@code weights}, its biases {@code
   * intercepts}, and its weights from hidden layers zero, so its outputs are exactly that linear
   * model's until training moves them (a wide-and-deep network, or one without hidden layers).
   *
   * @param weights one row per output unit, one column per feature
   * @param intercepts one per output unit
   * @return false, changing nothing, when the output layer does not read the raw features
   */
  boolean startAsLinear(double[][] weights, double[] intercepts);

  /** Zeroes the updater state (Adam's moments), if it has any yet. */
  void resetUpdaterState();

  /** One step on one minibatch on this JVM (tuning trials, the single-JVM reference). */
  void fit(DataSet minibatch);

  /**
   * This network trained data-parallel by dl4j-spark under {@code master}; its fits update this
   * object.
   */
  SparkNetwork distributed(JavaSparkContext jsc, TrainingMaster<?, ?> master);

  /**
   * The network as bytes (DL4J's ModelSerializer zip): what model.zip and checkpoints hold and what
   * is broadcast to the executors. {@link #fromBytes} reads them back.
   *
   * @param withUpdater with the updater state (to resume training); a scorer needs none
   */
  byte[] bytes(boolean withUpdater);
}
