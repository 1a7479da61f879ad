package io.dlpipe.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * How {@code train.target-transform = auto} and {@code train.loss = auto} chose the regression
 * target the network fits, as {@code model.json} records it under {@code target_choice}: each
 * candidate's validation R² in the target's own units after its short trial.
 *
 * @param chosen standardize, log1p or poisson
 * @param validationR2 each candidate's best validation R² in its trial, in the order tried (null:
 *     it diverged)
 * @param trialEpochs the most epochs a trial trained
 * @param trialRows the most train rows a trial saw (train.target-trial.rows, or the whole split
 *     when smaller)
 * @param target what train showed of the target: minimum, skewness, whether it is a count
 * @param comparison each other candidate against standardize on the same validation rows: the mean
 *     per-row difference in squared error and its standard error, and whether it beat standardize
 *     by more than one standard error (null in model.json files written before it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetChoice(
    String chosen,
    Map<String, Double> validationR2,
    int trialEpochs,
    long trialRows,
    String target,
    String comparison) {
  public TargetChoice {
    validationR2 =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(validationR2));
  }
}
