package io.dlpipe.eval;

import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * The metrics of a scored frame ({@code label}, {@link Scoring#PREDICTION}, and {@link
 * Scoring#PROBABILITIES} for classification), computed with Spark aggregates. The model and the
 * baseline go through the same code. Only bounded results reach the driver: sums, a k-by-k
 * confusion matrix, at most {@link #ROC_BINS} curve points, at most {@link #SCATTER_POINTS}
 * plotted points.
 */
public final class Metrics {
  /** Thresholds of the ROC and PR curves (Spark bins the scores down to this many). */
  static final int ROC_BINS = 200;
  /** Points of the predicted-against-actual scatter in the report. */
  static final int SCATTER_POINTS = 2000;
  static final int HISTOGRAM_BINS = 30;
  static final int CALIBRATION_BINS = 10;
  private static final double EPS = 1e-15;

  private Metrics() {}

  /** One model's metrics (flat names without the model./baseline. prefix) and its chart data. */
  public record Result(Map<String, Double> values, Map<String, Object> curves) {}

  public static Result regression(Dataset<Row> scored) {
    Column y = functions.col(Columns.LABEL);
    Column err = functions.col(Scoring.PREDICTION).minus(y);
    Row r = scored.agg(functions.count(functions.lit(1)), functions.sum(err.multiply(err)), functions.sum(functions.abs(err)), functions.var_pop(y),
        functions.min(err), functions.max(err)).first();
    long n = r.getLong(0);
    Map<String, Double> m = new LinkedHashMap<>();
    double mse = r.getDouble(1) / n;
    m.put("mse", mse);
    m.put("rmse", Math.sqrt(mse));
    m.put("mae", r.getDouble(2) / n);
    double variance = r.getDouble(3);
    m.put("r2", variance > 0 ? 1 - mse / variance : Double.NaN);

    Map<String, Object> curves = new LinkedHashMap<>();
    List<double[]> points = new ArrayList<>();
    double fraction = Math.min(1.0, 1.25 * SCATTER_POINTS / n);
    for (Row p : scored.sample(false, fraction, 17).select(Columns.LABEL, Scoring.PREDICTION).limit(SCATTER_POINTS).collectAsList()) {
      points.add(new double[] {p.getDouble(0), p.getDouble(1)});
    }
    curves.put("predicted_vs_actual", points);
    curves.put("residual_histogram", histogram(scored, err, r.getDouble(4), r.getDouble(5)));
    return new Result(m, curves);
  }

  private static Map<String, Object> histogram(Dataset<Row> scored, Column value, double min, double max) {
    double width = max > min ? (max - min) / HISTOGRAM_BINS : 1.0;
    double[] edges = new double[HISTOGRAM_BINS + 1];
    for (int i = 0; i <= HISTOGRAM_BINS; i++) {
      edges[i] = min + i * width;
    }
    long[] counts = new long[HISTOGRAM_BINS];
    Column bin = functions.least(functions.floor(value.minus(min).divide(width)), functions.lit(HISTOGRAM_BINS - 1)).cast("int");
    for (Row b : scored.groupBy(bin.as("b")).count().collectAsList()) {
      counts[b.getInt(0)] = b.getLong(1);
    }
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("edges", edges);
    h.put("counts", counts);
    return h;
  }

  public static Result classification(Dataset<Row> scored, List<String> classes) {
    int k = classes.size();
    Column y = functions.col(Columns.LABEL);
    Column probs = functions.col(Scoring.PROBABILITIES);
    Column pTrue = functions.element_at(probs, y.cast("int").plus(1));
    Row r = scored.agg(functions.count(functions.lit(1)), functions.sum(functions.when(functions.col(Scoring.PREDICTION).equalTo(y), 1).otherwise(0)),
        functions.sum(functions.log(functions.greatest(pTrue, functions.lit(EPS))).multiply(-1))).first();
    long n = r.getLong(0);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", (double) r.getLong(1) / n);
    m.put("log_loss", r.getDouble(2) / n);

    long[][] confusion = new long[k][k];
    for (Row c : scored.groupBy(y.cast("int"), functions.col(Scoring.PREDICTION).cast("int")).count().collectAsList()) {
      confusion[c.getInt(0)][c.getInt(1)] = c.getLong(2);
    }
    double sumP = 0;
    double sumR = 0;
    double sumF = 0;
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long predicted = 0;
      long actual = 0;
      for (int o = 0; o < k; o++) {
        predicted += confusion[o][c];
        actual += confusion[c][o];
      }
      double precision = predicted == 0 ? 0 : (double) tp / predicted;
      double recall = actual == 0 ? 0 : (double) tp / actual;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      m.put("precision." + classes.get(c), precision);
      m.put("recall." + classes.get(c), recall);
      m.put("f1." + classes.get(c), f1);
      sumP += precision;
      sumR += recall;
      sumF += f1;
    }
    m.put("precision_macro", sumP / k);
    m.put("recall_macro", sumR / k);
    m.put("f1_macro", sumF / k);

    Map<String, Object> curves = new LinkedHashMap<>();
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("classes", classes);
    cm.put("matrix", confusion);
    curves.put("confusion", cm);
    if (k == 2) {
      binary(scored, m, curves);
    }
    return new Result(m, curves);
  }

  /** ROC AUC, PR AUC and the KS statistic on the probability of class 1, plus their curves and calibration. */
  private static void binary(Dataset<Row> scored, Map<String, Double> m, Map<String, Object> curves) {
    Column p1 = functions.element_at(functions.col(Scoring.PROBABILITIES), 2);
    Dataset<Row> pairs = scored.select(p1.as("p"), functions.col(Columns.LABEL));
    BinaryClassificationMetrics bcm = new BinaryClassificationMetrics(pairs.javaRDD().map(row -> new Tuple2<Object, Object>(row.getDouble(0), row.getDouble(1))).rdd(), ROC_BINS);
    try {
      m.put("auc", bcm.areaUnderROC());
      m.put("pr_auc", bcm.areaUnderPR());
      List<double[]> roc = new ArrayList<>();
      double ks = 0;
      for (Tuple2<Object, Object> t : bcm.roc().toJavaRDD().collect()) {
        double fpr = (Double) t._1();
        double tpr = (Double) t._2();
        roc.add(new double[] {fpr, tpr});
        ks = Math.max(ks, tpr - fpr);
      }
      m.put("ks", ks);
      curves.put("roc", roc);
      List<double[]> pr = new ArrayList<>();
      for (Tuple2<Object, Object> t : bcm.pr().toJavaRDD().collect()) {
        pr.add(new double[] {(Double) t._1(), (Double) t._2()});
      }
      curves.put("pr", pr);
    } finally {
      bcm.unpersist();
    }
    List<Map<String, Object>> calibration = new ArrayList<>();
    Column bin = functions.least(functions.floor(functions.col("p").multiply(CALIBRATION_BINS)), functions.lit(CALIBRATION_BINS - 1)).cast("int");
    for (Row b : pairs.groupBy(bin.as("b")).agg(functions.avg("p"), functions.avg(Columns.LABEL), functions.count(functions.lit(1))).orderBy("b").collectAsList()) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("predicted", b.getDouble(1));
      point.put("observed", b.getDouble(2));
      point.put("count", b.getLong(3));
      calibration.add(point);
    }
    curves.put("calibration", calibration);
  }
}
