package io.dlpipe.eval;

import io.dlpipe.spark.Columns;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A linear model fitted with Spark MLlib on the same prepared train split and scored on the same
 * test split as the network, so the report can say whether deep learning paid off. Its output has
 * the network's shape ({@code label}, {@link Scoring#PREDICTION}, {@link Scoring#PROBABILITIES}),
 * so {@link Metrics} treats both alike.
 */
public final class Baseline {
  private static final String VECTOR = "_dlp_vector";
  /** A little ridge keeps the fit stable where one-hot columns are collinear (every level plus "other"). */
  static final double REG_PARAM = 1e-3;
  static final int MAX_ITER = 200;

  private Baseline() {}

  /** The baseline's display name for a task. */
  public static String name(boolean regression) {
    return regression ? "Spark MLlib LinearRegression" : "Spark MLlib LogisticRegression";
  }

  private static Dataset<Row> vectors(Dataset<Row> prepared) {
    return prepared.withColumn(VECTOR, org.apache.spark.ml.functions.array_to_vector(functions.col(Columns.FEATURES)));
  }

  /** Fits on {@code train} and returns {@code test} scored (label, prediction[, probabilities]). */
  public static Dataset<Row> fitAndScore(Dataset<Row> train, Dataset<Row> test, boolean regression) {
    if (regression) {
      LinearRegressionModel model = new LinearRegression().setFeaturesCol(VECTOR).setLabelCol(Columns.LABEL).setRegParam(REG_PARAM).setMaxIter(MAX_ITER).fit(vectors(train));
      return model.setPredictionCol(Scoring.PREDICTION).transform(vectors(test)).select(Columns.LABEL, Scoring.PREDICTION);
    }
    LogisticRegressionModel model = new LogisticRegression().setFeaturesCol(VECTOR).setLabelCol(Columns.LABEL).setRegParam(REG_PARAM).setMaxIter(MAX_ITER).fit(vectors(train));
    return model.setPredictionCol(Scoring.PREDICTION).setProbabilityCol("_dlp_probability").transform(vectors(test))
        .select(functions.col(Columns.LABEL), functions.col(Scoring.PREDICTION), org.apache.spark.ml.functions.vector_to_array(functions.col("_dlp_probability"), "float64").as(Scoring.PROBABILITIES));
  }
}
