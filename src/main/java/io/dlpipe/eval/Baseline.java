package io.dlpipe.eval;

import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.spark.Columns;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.TaskKind;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The rungs of the baseline ladder, fitted with Spark MLlib on the same prepared train split and
 * scored on the same splits as the network, so the report can say whether deep learning paid off
 * and at what cost: a linear model (LinearRegression / LogisticRegression) and gradient-boosted
 * trees (GBTRegressor / GBTClassifier, early-stopped on the validation split). Their output has
 * the network's shape ({@code label}, {@link Scoring#PREDICTION}, {@link Scoring#PROBABILITIES}),
 * so {@link Metrics} and the output head treat all alike.
 */
public final class Baseline {
  private static final String VECTOR = "_dlp_vector";
  private static final String IS_VALIDATION = "_dlp_is_validation";
  /** A little ridge keeps the fit stable where one-hot columns are collinear (every level plus "other"). */
  static final double REG_PARAM = 1e-3;
  static final int MAX_ITER = 200;
  /**
   * GBT settings that work untuned on tabular data: depth 5, shrinkage 0.1, row subsampling 0.8.
   * Trees are added while the validation error still falls at all: MLlib's default tolerance (1%
   * of the error per tree) stopped Ames at R² 0.80, far short of what boosting reaches there.
   */
  static final double GBT_VALIDATION_TOL = 0.0;
  static final int GBT_MAX_DEPTH = 5;
  static final double GBT_STEP = 0.1;
  static final double GBT_SUBSAMPLE = 0.8;
  static final long GBT_SEED = 42;

  private Baseline() {}

  /** A fitted rung and how long fitting took. */
  public record Fitted(EvaluateConfig.Rung rung, Model<?> model, boolean regression, double seconds) {
    /** {@code df} scored: label, prediction[, probabilities]. */
    public Dataset<Row> score(Dataset<Row> df) {
      Dataset<Row> out = model.transform(vectors(df));
      if (regression) {
        return out.select(Columns.LABEL, Scoring.PREDICTION);
      }
      return out.select(functions.col(Columns.LABEL), functions.col(Scoring.PREDICTION),
          org.apache.spark.ml.functions.vector_to_array(functions.col("_dlp_probability"), "float64").as(Scoring.PROBABILITIES));
    }
  }

  /** A rung's display name for a task. */
  public static String name(EvaluateConfig.Rung rung, boolean regression) {
    return switch (rung) {
      case LINEAR -> regression ? "Spark MLlib LinearRegression" : "Spark MLlib LogisticRegression";
      case GBT -> regression ? "Spark MLlib GBTRegressor" : "Spark MLlib GBTClassifier";
    };
  }

  private static Dataset<Row> vectors(Dataset<Row> prepared) {
    return prepared.withColumn(VECTOR, org.apache.spark.ml.functions.array_to_vector(functions.col(Columns.FEATURES)));
  }

  /**
   * Fits a rung on {@code train}; GBT also watches {@code validation} to stop adding trees (MLlib's
   * validationIndicatorCol), the linear model ignores it.
   */
  public static Fitted fit(EvaluateConfig.Rung rung, Dataset<Row> train, Dataset<Row> validation, OutputHead head, int gbtMaxIter) {
    boolean regression = head.kind() == TaskKind.REGRESSION;
    long start = System.nanoTime();
    Model<?> model = switch (rung) {
      case LINEAR -> regression
          ? new LinearRegression().setFeaturesCol(VECTOR).setLabelCol(Columns.LABEL).setRegParam(REG_PARAM).setMaxIter(MAX_ITER)
              .setPredictionCol(Scoring.PREDICTION).fit(vectors(train))
          : new LogisticRegression().setFeaturesCol(VECTOR).setLabelCol(Columns.LABEL).setRegParam(REG_PARAM).setMaxIter(MAX_ITER)
              .setPredictionCol(Scoring.PREDICTION).setProbabilityCol("_dlp_probability").fit(vectors(train));
      case GBT -> {
        Column flag = functions.lit(true);
        Dataset<Row> both = vectors(train).withColumn(IS_VALIDATION, flag.equalTo(false))
            .unionByName(vectors(validation).withColumn(IS_VALIDATION, flag));
        if (regression) {
          GBTRegressor gbt = new GBTRegressor().setFeaturesCol(VECTOR).setLabelCol(Columns.LABEL).setMaxIter(gbtMaxIter).setMaxDepth(GBT_MAX_DEPTH)
              .setStepSize(GBT_STEP).setSubsamplingRate(GBT_SUBSAMPLE).setSeed(GBT_SEED).setValidationIndicatorCol(IS_VALIDATION)
              .setPredictionCol(Scoring.PREDICTION);
          // Spark 3.5 has no Java setter for validationTol; a ParamMap sets it for this fit.
          yield gbt.fit(both, new ParamMap().put(gbt.validationTol(), (Object) GBT_VALIDATION_TOL));
        }
        if (head.classes().size() != 2) {
          throw new IllegalArgumentException("MLlib's GBTClassifier is binary only; " + head.classes().size() + " classes");
        }
        GBTClassifier gbt = new GBTClassifier().setFeaturesCol(VECTOR).setLabelCol(Columns.LABEL).setMaxIter(gbtMaxIter).setMaxDepth(GBT_MAX_DEPTH)
            .setStepSize(GBT_STEP).setSubsamplingRate(GBT_SUBSAMPLE).setSeed(GBT_SEED).setValidationIndicatorCol(IS_VALIDATION)
            .setPredictionCol(Scoring.PREDICTION).setProbabilityCol("_dlp_probability");
        yield gbt.fit(both, new ParamMap().put(gbt.validationTol(), (Object) GBT_VALIDATION_TOL));
      }
    };
    return new Fitted(rung, model, regression, (System.nanoTime() - start) / 1e9);
  }

  /** Fits the linear rung on {@code train} and returns {@code test} scored (cross-validation folds). */
  public static Dataset<Row> fitAndScore(Dataset<Row> train, Dataset<Row> test, OutputHead head) {
    return fit(EvaluateConfig.Rung.LINEAR, train, null, head, 0).score(test);
  }
}
