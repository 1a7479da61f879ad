package io.dlpipe.head;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dlpipe.config.TrainConfig;
import java.util.List;
import java.util.Map;

/**
 * An output head as {@code model.json} stores it under {@code head}: everything evaluate and
 * predict need to decode the network's outputs exactly as training meant them.
 *
 * @param kind regression, binary or multiclass
 * @param output the output layer and loss
 * @param classes classification: labels in index order (a binary task's positive class is the second)
 * @param targetTransform regression: none, log1p or standardize (never auto: the choice made)
 * @param targetCenter regression: subtracted after the transform (train mean, in transformed units)
 * @param targetScale regression: divided by after that (train standard deviation, in transformed units)
 * @param threshold binary: the probability of the positive class from which a row is predicted positive
 * @param thresholdRule binary: how the threshold was chosen (max-f1, min-cost or fixed)
 * @param classWeights classification: the loss weight of each class (all 1 when unweighted)
 * @param positiveClass binary: the positive class, always {@code classes[1]}, written so that
 *     model.json says it in words; absent from bundles written before target.positive-class,
 *     whose positive class was {@code classes[1]} too
 * @param targetSmearing log1p regression: Duan's smearing factor, the mean of exp(residual) on the
 *     log scale over validation, that predictions are multiplied by on the way back (null: 1, none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeadSpec(
    TaskKind kind,
    OutputLoss output,
    List<String> classes,
    TrainConfig.TargetTransform targetTransform,
    Double targetCenter,
    Double targetScale,
    Double threshold,
    ThresholdRule thresholdRule,
    Map<String, Double> classWeights,
    String positiveClass,
    Double targetSmearing) {

  /**
   * A head without a smearing factor or a named positive class: multi-class, a regression without
   * smearing, or a fingerprint that leaves them out.
   */
  public HeadSpec(TaskKind kind, OutputLoss output, List<String> classes, TrainConfig.TargetTransform targetTransform, Double targetCenter,
      Double targetScale, Double threshold, ThresholdRule thresholdRule, Map<String, Double> classWeights) {
    this(kind, output, classes, targetTransform, targetCenter, targetScale, threshold, thresholdRule, classWeights, null, null);
  }

  /** How a binary threshold was chosen. */
  public enum ThresholdRule {
    /** Maximizes the positive class's F1 on validation. */
    MAX_F1,
    /** Minimizes false-positive and false-negative costs on validation. */
    MIN_COST,
    /** Given by evaluate.threshold. */
    FIXED
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public HeadSpec {
    classes = classes == null ? List.of() : List.copyOf(classes);
  }
}
