package io.dlpipe.run;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the promotion gate of a scheduled retrain decided, as {@code run-summary.json} (under {@code
 * promotion}) and the candidate's {@code promotion.json} record it.
 *
 * @param promoted whether the candidate replaced the current model
 * @param reason why, in one sentence for the log and the summary
 * @param metric the main metric compared (auc, accuracy or r2); null when nothing was compared
 * @param candidate the candidate's main metric on the compared validation rows; null when not
 *     finite or not measured
 * @param current the current model's main metric on the same rows; null when not finite or not
 *     measured
 * @param maxRegression {@code schedule.promotion.max-regression}
 * @param rows the validation rows both models were scored on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Promotion(
    boolean promoted,
    String reason,
    String metric,
    Double candidate,
    Double current,
    double maxRegression,
    Long rows) {

  /** A decision without a comparison (no current model, or models that cannot be compared). */
  static Promotion without(boolean promoted, String reason, double maxRegression) {
    return new Promotion(promoted, reason, null, null, null, maxRegression, null);
  }
}
