package io.dlpipe.head;

import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.config.Task;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Estimator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;

/**
 * Everything task-specific about a network's output, in one object per task: label encoding, the
 * output layer and its loss, decoding to predictions and probabilities, the decision threshold, and
 * the task's metrics. Train, evaluate, predict, cross-validation and permutation importance all use
 * the same head; {@link OutputHeads} builds one for training or restores it from {@code
 * model.json}. Implementations are immutable and serializable (they travel to executors).
 *
 * <p>Code outside this package asks the head instead of testing the task: what type a prediction
 * has ({@link #predictionType}), how it decodes ({@link #decode(Column)}, {@link
 * #predictionValue}), whether there are probabilities, the main metric, the positive class, and
 * which baseline model fits the task ({@link #baseline}).
 */
public interface OutputHead extends Serializable {
  /** The task this head serves, as target.task names it. */
  Task task();

  /** Whether scoring yields one probability per class beside the prediction (classification). */
  default boolean hasProbabilities() {
    return !classes().isEmpty();
  }

  /**
   * The type of a decoded prediction: a double in the target's units, or the class label as a
   * string.
   */
  default DataType predictionType() {
    return OutputHeads.predictionType(task());
  }

  /**
   * The decoded prediction of a scored frame's raw {@code prediction} column (a number in the
   * target's units, or a class index): itself, or the class label. Of type {@link #predictionType}.
   */
  Column decode(Column prediction);

  /**
   * One raw prediction decoded as {@link #decode(Column)} does: a {@code Double}, or the class
   * label.
   */
  Object predictionValue(double prediction);

  /**
   * Binary classification: the class whose probability, threshold, precision and recall are
   * reported.
   */
  default Optional<String> positiveClass() {
    return Optional.empty();
  }

  /**
   * The Spark MLlib estimator of a baseline rung for this task, unconfigured (the caller sets its
   * columns and settings by name); empty when MLlib has none (boosted trees for three or more
   * classes: MLlib's GBTClassifier is binary only).
   */
  Optional<Estimator<?>> baseline(EvaluateConfig.Rung rung);

  /** Output units, which is also the width of an encoded label. */
  int width();

  /** Classification: labels in index order; empty for regression. */
  List<String> classes();

  OutputLoss output();

  /** What early stopping may watch, the verdict compares and tuning maximizes. */
  default MainMetric mainMetric() {
    return MainMetric.of(task(), classes().size());
  }

  /**
   * Writes the network target of one prepared label into {@code out[offset .. offset + width)}.
   *
   * @throws io.dlpipe.DataException for a label that is not a class index of this task
   */
  void encode(double label, float[] out, int offset);

  /** The output layer (activation and loss, class weights included), without nIn. */
  OutputLayer.Builder outputLayer();

  /** One network output row as a prediction: the target in its own units, or a class index. */
  double prediction(float[] out);

  /** One network output row as class probabilities in index order; null for regression. */
  double[] probabilities(float[] out);

  /** The text form of a prediction: a class label, or the number. */
  String label(double prediction);

  /** Empty statistics to {@link #add} to. */
  HeadStats newStats();

  /**
   * Adds one scored row. Networks, baselines and boosted trees all go through here, so their
   * metrics share one implementation.
   *
   * @param prediction the prediction in target units or the class index (classification: only read
   *     by regression)
   * @param probabilities class probabilities (null for regression)
   * @param label the prepared label
   */
  void add(HeadStats s, double prediction, double[] probabilities, double label);

  /**
   * One row's training loss (unweighted, in the units the network fits), as {@link #add} sums it
   * into the statistics' loss.
   */
  double rowLoss(double prediction, double[] probabilities, double label);

  /** One network output row's training loss ({@link #rowLoss}). */
  default double outputLoss(float[] out, double label) {
    return rowLoss(prediction(out), probabilities(out), label);
  }

  /** Adds one network output row. */
  default void addOutput(HeadStats s, float[] out, double label) {
    add(s, prediction(out), probabilities(out), label);
  }

  /** Flat metrics for metrics.json (without the model./baseline. prefix), in a stable order. */
  Map<String, Double> metrics(HeadStats s);

  /**
   * Chart data for curves.json that the statistics alone give (ROC, PR, calibration, confusion).
   */
  Map<String, Object> curves(HeadStats s);

  /** The summary the training history and model.json keep. */
  EvalMetrics summary(HeadStats s);

  /** The head as model.json stores it. */
  HeadSpec spec();

  /**
   * This head with its decision threshold chosen on validation statistics: {@code fixed} when
   * given, else the cost minimum when both costs are given, else the F1 maximum of the positive
   * class. Heads without a threshold return themselves.
   */
  default OutputHead chooseThreshold(
      HeadStats validation, Double fixed, io.dlpipe.config.EvaluateConfig.Costs costs) {
    return this;
  }

  /**
   * The weight the loss gives a row with this prepared label (a class weight; 1 for regression and
   * unweighted classes), for a model fitted outside the network on the same loss.
   */
  default double labelWeight(double label) {
    return 1.0;
  }

  /**
   * This head with what it estimates from validation statistics after training besides a threshold
   * (log1p regression: the smearing factor of its back-transform). Others return themselves.
   */
  default OutputHead calibrate(HeadStats validation) {
    return this;
  }

  /** This head deciding at another threshold; heads without one return themselves. */
  default OutputHead withThreshold(double threshold, HeadSpec.ThresholdRule rule) {
    return this;
  }
}
