package io.dlpipe.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an evaluation of the network on one split measured. Regression errors are in the target's
 * original units; the loss is the training loss function on the network's own targets
 * (standardized for regression), without regularization, averaged over rows.
 *
 * @param rows rows evaluated
 * @param loss mean loss per row
 * @param r2 regression: coefficient of determination
 * @param rmse regression: root mean squared error, original units
 * @param mae regression: mean absolute error, original units
 * @param accuracy classification: share of rows whose most probable class is the label
 * @param auc binary classification: area under the ROC curve, the last class positive
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalMetrics(long rows, double loss, Double r2, Double rmse, Double mae, Double accuracy, Double auc) {

  /** The name of the task's main metric: r2, auc (binary) or accuracy (more classes). */
  public static String mainMetricName(LabelCodec codec) {
    if (codec.kind() == LabelCodec.Kind.REGRESSION) {
      return "r2";
    }
    return codec.binary() ? "auc" : "accuracy";
  }

  /** The value of the main metric named by {@link #mainMetricName}. */
  @JsonIgnore
  public double main(LabelCodec codec) {
    return switch (mainMetricName(codec)) {
      case "r2" -> r2;
      case "auc" -> auc;
      default -> accuracy;
    };
  }
}
