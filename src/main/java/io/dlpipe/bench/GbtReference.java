package io.dlpipe.bench;

import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * What the network must match: Spark MLlib's gradient-boosted trees (defaults: 20 trees of depth 5)
 * on the same prepared train split, scored on the same validation split with the metric the trainer
 * reports (R² for regression, ROC AUC for binary classification). The timed part is the fit alone;
 * turning the feature arrays into vectors and caching them is done before.
 */
public final class GbtReference {
  private GbtReference() {}

  /**
   * @param metricName r2 or auc
   * @param metric on validation
   * @param fitSeconds GBT's training time
   */
  public record Result(String metricName, double metric, double fitSeconds, long trainRows) {}

  public static Result run(
      Dataset<Row> train, Dataset<Row> validation, boolean regression, long seed) {
    Dataset<Row> t = vectors(train).persist(StorageLevel.MEMORY_AND_DISK());
    long trainRows = t.count();
    Dataset<Row> v = vectors(validation);
    train
        .sparkSession()
        .sparkContext()
        .setJobGroup("bench-gbt", "bench: MLlib GBT reference", false);
    long start = System.nanoTime();
    PredictionModel<Vector, ?> model =
        regression
            ? new GBTRegressor().setSeed(seed).fit(t)
            : new GBTClassifier().setSeed(seed).fit(t);
    double seconds = Timing.since(start);
    Dataset<Row> scored = model.transform(v);
    double metric =
        regression
            ? new RegressionEvaluator().setMetricName("r2").evaluate(scored)
            : new BinaryClassificationEvaluator()
                .setMetricName("areaUnderROC")
                .setRawPredictionCol("rawPrediction")
                .evaluate(scored);
    train.sparkSession().sparkContext().clearJobGroup();
    t.unpersist();
    return new Result(regression ? "r2" : "auc", metric, seconds, trainRows);
  }

  private static Dataset<Row> vectors(Dataset<Row> split) {
    return split.select(
        org.apache
            .spark
            .ml
            .functions
            .array_to_vector(functions.col("features").cast("array<double>"))
            .as("features"),
        functions.col("label"));
  }
}
