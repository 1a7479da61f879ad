package io.dlpipe.head;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an evaluation of the network on one split measured, as the training history and model.json
 * record it. Regression errors are in the target's original units; the loss is the training loss
 * function on the network's own targets (transformed for regression), without class weights or
 * regularization, averaged over rows.
 *
 * @param rows rows evaluated
 * @param loss mean loss per row
 * @param r2 regression: coefficient of determination
 * @param rmse regression: root mean squared error, original units
 * @param mae regression: mean absolute error, original units
 * @param accuracy classification: share of rows predicted right (binary: at the head's threshold)
 * @param auc binary classification: area under the ROC curve, the last class positive
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalMetrics(
    long rows, double loss, Double r2, Double rmse, Double mae, Double accuracy, Double auc)
    implements java.io.Serializable {

  /** The value of a main metric, NaN when this evaluation lacks it. */
  public double value(MainMetric metric) {
    Double v =
        switch (metric) {
          case R2 -> r2;
          case AUC -> auc;
          case ACCURACY -> accuracy;
        };
    return v == null ? Double.NaN : v;
  }
}
