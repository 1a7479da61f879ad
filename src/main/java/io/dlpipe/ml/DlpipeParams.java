package io.dlpipe.ml;

import io.dlpipe.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The Params {@link DlpipeEstimator} and {@link DlpipeModel} share, declared once, as Spark ML's
 * {@code StandardScalerParams} is shared by {@code StandardScaler} and its model: the estimator
 * copies them to the model it fits. Each is a {@link ParamSpec} bound to a row of the settings
 * table where it is a setting, so its doc, its checks and its default are the configuration's.
 *
 * <p>Java interfaces hold no fields, so each implementing class keeps its Param objects in a {@link
 * Declared} built in its constructor, and {@link #param} returns them.
 */
public interface DlpipeParams extends Params {
  ParamSpec SCORING_BATCH_SIZE = ParamSpec.of("scoringBatchSize", Settings.EVALUATE_BATCH_SIZE);
  ParamSpec ERROR_COL =
      ParamSpec.text(
          "errorCol",
          "the output column with the reason a row could not be scored (null when it was); empty: no such column",
          "dlpipe_error");

  /** The Params of both the estimator and the model. */
  List<ParamSpec> SHARED = List.of(SCORING_BATCH_SIZE, ERROR_COL);

  /**
   * This instance's Param object for {@code spec}, as the Param type the spec builds (IntParam,
   * ...).
   */
  <P extends Param<?>> P param(ParamSpec spec);

  default IntParam scoringBatchSize() {
    return param(SCORING_BATCH_SIZE);
  }

  default Param<String> errorCol() {
    return param(ERROR_COL);
  }

  default int getScoringBatchSize() {
    return (Integer) getOrDefault(scoringBatchSize());
  }

  default String getErrorCol() {
    return getOrDefault(errorCol());
  }

  /** The Param objects of one instance, one per spec, built once in its constructor. */
  final class Declared implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Param<?>> byName = new LinkedHashMap<>();
    private final Map<Param<Object>, Object> defaults = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    Declared(Params owner, List<ParamSpec> specs) {
      for (ParamSpec spec : specs) {
        Param<?> p = spec.create(owner);
        if (byName.put(spec.name(), p) != null) {
          throw new IllegalStateException("Param " + spec.name() + " declared twice");
        }
        if (spec.defaultValue() != null) {
          defaults.put((Param<Object>) p, spec.defaultValue());
        }
      }
    }

    /** Each Param's default, for the owner's constructor to set (setDefault is the owner's own). */
    Map<Param<Object>, Object> defaults() {
      return defaults;
    }

    @SuppressWarnings("unchecked")
    <P extends Param<?>> P get(ParamSpec spec) {
      Param<?> p = byName.get(spec.name());
      if (p == null) {
        throw new IllegalArgumentException("No Param " + spec.name() + " here");
      }
      return (P) p;
    }
  }
}
