package io.dlpipe.train;

import io.dlpipe.DataException;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.etl.FittedTransform;
import java.io.Serializable;
import java.util.List;

/**
 * How a prepared {@code label} becomes the network's target row and how the network's output
 * becomes a prediction again. Regression targets are standardized with the train statistics in
 * {@code transform.json} (a network fits a target of mean 0 and deviation 1 far more easily than
 * house prices in dollars) and predictions are mapped back to the original units.
 *
 * @param kind what the output layer is
 * @param width the number of output units (and label columns)
 * @param mean regression: the train mean of the target, else 0
 * @param std regression: the train standard deviation of the target (1 when it is 0), else 1
 * @param classes classification: the class labels in index order, else empty
 */
public record LabelCodec(Kind kind, int width, double mean, double std, List<String> classes) implements Serializable {

  /** The output layer's kind. */
  public enum Kind {
    /** One linear unit, MSE on the standardized target. */
    REGRESSION,
    /** One unit per class, softmax, multi-class cross-entropy. */
    SOFTMAX,
    /** One sigmoid unit (probability of class 1), binary cross-entropy. */
    SIGMOID
  }

  public LabelCodec {
    classes = List.copyOf(classes);
  }

  /** The codec the transform and the model config call for; refuses a config that contradicts the data. */
  public static LabelCodec of(FittedTransform transform, TrainConfig.Model model, String where) {
    if (transform.task().equals("regression")) {
      FittedTransform.LabelStats stats = transform.labelStats();
      if (stats == null) {
        throw new DataException("Transform " + where + " has no label_stats for its regression target; rerun etl with this version");
      }
      double std = stats.std() > 0 && Double.isFinite(stats.std()) ? stats.std() : 1.0;
      return new LabelCodec(Kind.REGRESSION, 1, stats.mean(), std, List.of());
    }
    List<String> classes = transform.classes();
    if (classes.size() < 2) {
      throw new DataException("Transform " + where + " lists " + classes.size() + " class(es); a classifier needs at least 2. Check target.column and rerun etl");
    }
    if (model.classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      if (classes.size() != 2) {
        throw new DataException(
            "train.model.classification-output = sigmoid needs exactly 2 classes, but the prepared data has "
                + classes.size() + " " + classes + " (" + where + "); use softmax");
      }
      return new LabelCodec(Kind.SIGMOID, 1, 0, 1, classes);
    }
    return new LabelCodec(Kind.SOFTMAX, classes.size(), 0, 1, classes);
  }

  /** Whether the task is binary classification (then AUC is the main metric). */
  public boolean binary() {
    return kind != Kind.REGRESSION && classes.size() == 2;
  }

  /**
   * Writes the target of one prepared label into {@code out[offset .. offset + width)}.
   *
   * @throws DataException for a label that is not a class index of this transform
   */
  public void encode(double label, float[] out, int offset) {
    switch (kind) {
      case REGRESSION -> out[offset] = (float) ((label - mean) / std);
      case SIGMOID -> out[offset] = (float) classIndex(label);
      case SOFTMAX -> {
        java.util.Arrays.fill(out, offset, offset + width, 0f);
        out[offset + classIndex(label)] = 1f;
      }
    }
  }

  private int classIndex(double label) {
    if (label != Math.rint(label) || label < 0 || label >= classes.size()) {
      throw new DataException("Prepared label " + label + " is not a class index in [0, " + (classes.size() - 1)
          + "] of transform.json; the prepared data and transform disagree, rerun etl");
    }
    return (int) label;
  }

  /** A regression output (standardized units) back in the target's original units. */
  public double decode(double standardized) {
    return standardized * std + mean;
  }
}
