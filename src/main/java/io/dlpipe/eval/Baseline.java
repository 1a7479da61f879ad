package io.dlpipe.eval;

import io.dlpipe.config.EnumNames;
import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.spark.Columns;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The rungs of the baseline ladder, fitted with Spark MLlib on the same prepared train split and
 * scored on the same splits as the network, so the report can say whether deep learning paid off
 * and at what cost: a linear model (LinearRegression / LogisticRegression) and gradient-boosted
 * trees (GBTRegressor / GBTClassifier, early-stopped on the validation split). Their output has the
 * network's shape ({@code label}, {@link Scoring#PREDICTION}, {@link Scoring#PROBABILITIES}), so
 * {@link Metrics} and the output head treat all alike.
 */
public final class Baseline {
  private static final String VECTOR = "_dlp_vector";
  private static final String IS_VALIDATION = "_dlp_is_validation";
  private static final String PROBABILITY = "_dlp_probability";

  /**
   * A little ridge keeps the fit stable where one-hot columns are collinear (every level plus
   * "other").
   */
  static final double REG_PARAM = 1e-3;

  static final int MAX_ITER = 200;

  /**
   * GBT settings that work untuned on tabular data: depth 5, shrinkage 0.1, row subsampling 0.8.
   * Trees are added while the validation error still falls at all: MLlib's default tolerance (1% of
   * the error per tree) stopped Ames at R² 0.80, far short of what boosting reaches there.
   */
  static final double GBT_VALIDATION_TOL = 0.0;

  static final int GBT_MAX_DEPTH = 5;
  static final double GBT_STEP = 0.1;
  static final double GBT_SUBSAMPLE = 0.8;
  static final long GBT_SEED = 42;

  private Baseline() {}

  /**
   * A fitted rung and how long fitting took.
   *
   * @param name the MLlib model's display name, e.g. {@code Spark MLlib GBTRegressor}
   * @param probabilities whether the head scores probabilities (classification)
   */
  public record Fitted(
      EvaluateConfig.Rung rung,
      String name,
      Model<?> model,
      boolean probabilities,
      double seconds) {
    /** {@code df} scored: label, prediction[, probabilities]. */
    public Dataset<Row> score(Dataset<Row> df) {
      Dataset<Row> out = model.transform(vectors(df));
      if (!probabilities) {
        return out.select(Columns.LABEL, Scoring.PREDICTION);
      }
      return out.select(
          functions.col(Columns.LABEL),
          functions.col(Scoring.PREDICTION),
          org.apache
              .spark
              .ml
              .functions
              .vector_to_array(functions.col(PROBABILITY), "float64")
              .as(Scoring.PROBABILITIES));
    }
  }

  private static Dataset<Row> vectors(Dataset<Row> prepared) {
    return prepared.withColumn(
        VECTOR, org.apache.spark.ml.functions.array_to_vector(functions.col(Columns.FEATURES)));
  }

  /**
   * Fits a rung on {@code train} with the MLlib estimator the head chooses for it; GBT also watches
   * {@code validation} to stop adding trees (MLlib's validationIndicatorCol), the linear model
   * ignores it. The estimators of one rung share their settings' names, so they are set by name
   * here, whichever the task.
   *
   * @throws IllegalArgumentException for a rung MLlib has no model of for this head
   */
  public static Fitted fit(
      EvaluateConfig.Rung rung,
      Dataset<Row> train,
      Dataset<Row> validation,
      OutputHead head,
      int gbtMaxIter) {
    Estimator<?> estimator =
        head.baseline(rung)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "MLlib has no "
                            + EnumNames.kebab(rung)
                            + " model for "
                            + head.classes().size()
                            + " classes (its GBTClassifier is binary only)"));
    ParamMap settings = new ParamMap();
    set(settings, estimator, "featuresCol", VECTOR);
    set(settings, estimator, "labelCol", Columns.LABEL);
    set(settings, estimator, "predictionCol", Scoring.PREDICTION);
    if (head.hasProbabilities()) {
      set(settings, estimator, "probabilityCol", PROBABILITY);
    }
    long start = System.nanoTime();
    Model<?> model =
        switch (rung) {
          case LINEAR -> {
            set(settings, estimator, "regParam", REG_PARAM);
            set(settings, estimator, "maxIter", MAX_ITER);
            yield estimator.fit(vectors(train), settings);
          }
          case GBT -> {
            Column flag = functions.lit(true);
            Dataset<Row> both =
                vectors(train)
                    .withColumn(IS_VALIDATION, flag.equalTo(false))
                    .unionByName(vectors(validation).withColumn(IS_VALIDATION, flag));
            set(settings, estimator, "maxIter", gbtMaxIter);
            set(settings, estimator, "maxDepth", GBT_MAX_DEPTH);
            set(settings, estimator, "stepSize", GBT_STEP);
            set(settings, estimator, "subsamplingRate", GBT_SUBSAMPLE);
            set(settings, estimator, "seed", GBT_SEED);
            set(settings, estimator, "validationIndicatorCol", IS_VALIDATION);
            // Spark 3.5 has no Java setter for validationTol; the ParamMap sets it for this fit.
            set(settings, estimator, "validationTol", GBT_VALIDATION_TOL);
            yield estimator.fit(both, settings);
          }
        };
    String name = "Spark MLlib " + estimator.getClass().getSimpleName();
    return new Fitted(
        rung, name, model, head.hasProbabilities(), (System.nanoTime() - start) / 1e9);
  }

  private static void set(ParamMap settings, Estimator<?> estimator, String param, Object value) {
    settings.put(estimator.getParam(param), value);
  }

  /**
   * Fits the linear rung on {@code train} and returns {@code test} scored (cross-validation folds).
   */
  public static Dataset<Row> fitAndScore(Dataset<Row> train, Dataset<Row> test, OutputHead head) {
    return fit(EvaluateConfig.Rung.LINEAR, train, null, head, 0).score(test);
  }
}
