package io.dlpipe.eval;

import io.dlpipe.head.HeadStats;
import io.dlpipe.head.OutputHead;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The metrics of a scored frame ({@code label}, {@link Scoring#PREDICTION}, and {@link
 * Scoring#PROBABILITIES} for classification), computed on the executors by the model's output head:
 * each partition fills fixed-size {@link HeadStats}, the driver merges them. The network, the
 * baselines and every cross-validation fold go through the same code. Only bounded results reach
 * the driver: the statistics, at most {@link #SCATTER_POINTS} plotted points and a residual
 * histogram.
 */
public final class Metrics {
  /** Points of the predicted-against-actual scatter in the report. */
  static final int SCATTER_POINTS = 2000;

  static final int HISTOGRAM_BINS = 30;

  private Metrics() {}

  /** One model's metrics (flat names without the model./baseline. prefix) and its chart data. */
  public record Result(Map<String, Double> values, Map<String, Object> curves) {}

  /** The merged head statistics of a scored frame. */
  public static HeadStats stats(Dataset<Row> scored, OutputHead head) {
    boolean classification = head.hasProbabilities();
    Dataset<Row> cols =
        classification
            ? scored.select(Columns.LABEL, Scoring.PREDICTION, Scoring.PROBABILITIES)
            : scored.select(Columns.LABEL, Scoring.PREDICTION);
    FlatMapFunction<Iterator<Row>, HeadStats> perPartition =
        rows -> {
          HeadStats s = head.newStats();
          while (rows.hasNext()) {
            Row r = rows.next();
            double[] p = null;
            if (classification) {
              List<Double> probs = r.getList(2);
              p = new double[probs.size()];
              for (int k = 0; k < p.length; k++) {
                p[k] = probs.get(k);
              }
            }
            head.add(s, r.getDouble(1), p, r.getDouble(0));
          }
          return List.of(s).iterator();
        };
    JavaRDD<HeadStats> parts = cols.javaRDD().mapPartitions(perPartition);
    return parts.getNumPartitions() == 0 ? head.newStats() : parts.treeReduce(HeadStats::merge);
  }

  /** Metrics and chart data of a scored frame under a head. */
  public static Result of(Dataset<Row> scored, OutputHead head) {
    HeadStats s = stats(scored, head);
    Map<String, Object> curves = new LinkedHashMap<>(head.curves(s));
    if (!head.hasProbabilities()) {
      // A numeric prediction: the scatter of prediction against label and the residuals' histogram.
      regressionCurves(scored, curves);
    }
    return new Result(head.metrics(s), curves);
  }

  private static void regressionCurves(Dataset<Row> scored, Map<String, Object> curves) {
    Column y = functions.col(Columns.LABEL);
    Column err = functions.col(Scoring.PREDICTION).minus(y);
    Row r =
        scored
            .agg(functions.count(functions.lit(1)), functions.min(err), functions.max(err))
            .first();
    long n = r.getLong(0);
    List<double[]> points = new ArrayList<>();
    double fraction = Math.min(1.0, 1.25 * SCATTER_POINTS / Math.max(1, n));
    for (Row p :
        scored
            .sample(false, fraction, 17)
            .select(Columns.LABEL, Scoring.PREDICTION)
            .limit(SCATTER_POINTS)
            .collectAsList()) {
      points.add(new double[] {p.getDouble(0), p.getDouble(1)});
    }
    curves.put("predicted_vs_actual", points);
    if (n > 0) {
      curves.put("residual_histogram", histogram(scored, err, r.getDouble(1), r.getDouble(2)));
    }
  }

  private static Map<String, Object> histogram(
      Dataset<Row> scored, Column value, double min, double max) {
    double width = max > min ? (max - min) / HISTOGRAM_BINS : 1.0;
    double[] edges = new double[HISTOGRAM_BINS + 1];
    for (int i = 0; i <= HISTOGRAM_BINS; i++) {
      edges[i] = min + i * width;
    }
    long[] counts = new long[HISTOGRAM_BINS];
    Column bin =
        functions
            .least(
                functions.floor(value.minus(min).divide(width)), functions.lit(HISTOGRAM_BINS - 1))
            .cast("int");
    for (Row b : scored.groupBy(bin.as("b")).count().collectAsList()) {
      counts[b.getInt(0)] = b.getLong(1);
    }
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("edges", edges);
    h.put("counts", counts);
    return h;
  }
}
