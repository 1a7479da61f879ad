package io.dlpipe.head;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dlpipe.config.TrainConfig;
import java.util.List;
import java.util.Map;

/**
 * An output head as {@code model.json} stores it under {@code head}: everything evaluate and
 * predict need to decode the network's outputs exactly as training meant them.
 *
 * @param kind which head this is, as model.json names it: {@value #REGRESSION}, {@value #BINARY} or
 *     {@value #MULTICLASS} (the task is {@code regression} or {@code classification}; the two
 *     classification heads differ in their output and metrics, so the spec names the head)
 * @param output the output layer and loss
 * @param classes classification: labels in index order (a binary task's positive class is the
 *     second)
 * @param targetTransform regression: none, log1p or standardize (never auto: the choice made)
 * @param targetCenter regression: subtracted after the transform (train mean, in transformed units)
 * @param targetScale regression: divided by after that (train standard deviation, in transformed
 *     units)
 * @param threshold binary: the probability of the positive class from which a row is predicted
 *     positive
 * @param thresholdRule binary: how the threshold was chosen (max-f1, min-cost or fixed)
 * @param classWeights classification: the loss weight of each class (all 1 when unweighted)
 * @param positiveClass binary: the positive class, always {@code classes[1]}, written so that
 *     model.json says it in words; absent from bundles written before target.positive-class, whose
 *     positive class was {@code classes[1]} too
 * @param targetSmearing log1p regression: Duan's smearing factor, the mean of exp(residual) on the
 *     log scale over validation, that predictions are multiplied by on the way back (null: 1, none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeadSpec(
    String kind,
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
   * A head of {@code kind} and {@code output}; everything else is set by name ({@link Builder}).
   */
  public static Builder builder(String kind, OutputLoss output) {
    return new Builder(kind, output);
  }

  /**
   * The head as the network was trained, what a checkpoint's fingerprint holds: without what is
   * chosen on validation after training (the threshold and its rule, the smearing factor) or only
   * restates the classes (the positive class).
   */
  public HeadSpec trained() {
    return new HeadSpec(
        kind,
        output,
        classes,
        targetTransform,
        targetCenter,
        targetScale,
        null,
        null,
        classWeights,
        null,
        null);
  }

  /**
   * Builds a {@link HeadSpec} by naming what a head has; what it does not have stays absent (null).
   */
  public static final class Builder {
    private final String kind;
    private final OutputLoss output;
    private List<String> classes = List.of();
    private TrainConfig.TargetTransform targetTransform;
    private Double targetCenter;
    private Double targetScale;
    private Double threshold;
    private ThresholdRule thresholdRule;
    private Map<String, Double> classWeights;
    private String positiveClass;
    private Double targetSmearing;

    private Builder(String kind, OutputLoss output) {
      this.kind = kind;
      this.output = output;
    }

    public Builder classes(List<String> labels) {
      this.classes = labels;
      return this;
    }

    /** Regression: the transform and the center and scale applied after it. */
    public Builder target(TrainConfig.TargetTransform transform, Double center, Double scale) {
      this.targetTransform = transform;
      this.targetCenter = center;
      this.targetScale = scale;
      return this;
    }

    /** Binary: the decision threshold and how it was chosen. */
    public Builder threshold(Double value, ThresholdRule rule) {
      this.threshold = value;
      this.thresholdRule = rule;
      return this;
    }

    public Builder classWeights(Map<String, Double> weights) {
      this.classWeights = weights;
      return this;
    }

    public Builder positiveClass(String label) {
      this.positiveClass = label;
      return this;
    }

    public Builder targetSmearing(Double factor) {
      this.targetSmearing = factor;
      return this;
    }

    public HeadSpec build() {
      return new HeadSpec(
          kind,
          output,
          classes,
          targetTransform,
          targetCenter,
          targetScale,
          threshold,
          thresholdRule,
          classWeights,
          positiveClass,
          targetSmearing);
    }
  }

  /** {@link #kind} of a {@link RegressionHead}. */
  public static final String REGRESSION = "regression";

  /** {@link #kind} of a {@link BinaryHead}. */
  public static final String BINARY = "binary";

  /** {@link #kind} of a {@link MulticlassHead}. */
  public static final String MULTICLASS = "multiclass";

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
