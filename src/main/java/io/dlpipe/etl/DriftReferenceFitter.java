package io.dlpipe.etl;

import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits the {@link DriftReference} beside the transform, on the train rows only: numeric bin edges
 * from the quantile sketch the fit already holds, and the train share of every bin from one
 * aggregation over train (a row's bin counts merged by {@code treeAggregate}: columns × 12 longs
 * reach the driver, never rows). Categorical shares come from the level counts the vocabulary
 * pass already gathered.
 */
final class DriftReferenceFitter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DriftReferenceFitter.class);

  private DriftReferenceFitter() {}

  /**
   * @param train the good train rows
   * @param stats the fit's measurement of train (for the quantile sketches)
   * @param numericNames numeric columns, in {@link FitStatistics} order
   * @param vocabularies the fitted categorical features
   * @param levelCounts per categorical column, the train count of each vocabulary level
   */
  static DriftReference fit(Dataset<Row> train, FitStatistics stats, List<String> numericNames, List<FittedTransform.CategoricalFeature> vocabularies,
      Map<String, List<Long>> levelCounts, List<String> nullValues) {
    int n = numericNames.size();
    List<List<Double>> edges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TreeSet<Double> e = new TreeSet<>();
      if (stats.numeric[i].n > 0) {
        for (int k = 1; k < DriftReference.NUMERIC_BINS; k++) {
          e.add(TransformFitter.round(stats.quantile(i, (double) k / DriftReference.NUMERIC_BINS)));
        }
      }
      edges.add(List.copyOf(e));
    }
    long start = System.nanoTime();
    long[][] counts = binCounts(train, numericNames, edges, nullValues);
    LOG.info("Drift reference: train shares of {} numeric columns' decile bins counted in {} s", n, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
    long rows = counts[n][0];
    List<DriftReference.NumericBins> numeric = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Double> shares = new ArrayList<>();
      for (int b = 0; b <= edges.get(i).size(); b++) {
        shares.add(share(counts[i][b], rows));
      }
      numeric.add(new DriftReference.NumericBins(numericNames.get(i), edges.get(i), shares, share(counts[i][edges.get(i).size() + 1], rows)));
    }
    List<DriftReference.LevelShares> categorical = new ArrayList<>();
    for (FittedTransform.CategoricalFeature f : vocabularies) {
      List<Double> shares = new ArrayList<>();
      long known = 0;
      for (long c : levelCounts.getOrDefault(f.name(), List.of())) {
        shares.add(share(c, rows));
        known += c;
      }
      categorical.add(new DriftReference.LevelShares(f.name(), f.levels(), shares, share(Math.max(0, rows - known), rows)));
    }
    return new DriftReference(rows, numeric, categorical);
  }

  private static double share(long count, long rows) {
    return rows == 0 ? 0.0 : TransformFitter.round((double) count / rows);
  }

  /** Per numeric column the counts of its bins then of its missing cells; last, {@code [rows]}. */
  private static long[][] binCounts(Dataset<Row> train, List<String> names, List<List<Double>> edges, List<String> nullValues) {
    int n = names.size();
    long[][] zero = new long[n + 1][];
    double[][] bins = new double[n][];
    for (int i = 0; i < n; i++) {
      zero[i] = new long[edges.get(i).size() + 2];
      bins[i] = edges.get(i).stream().mapToDouble(Double::doubleValue).toArray();
    }
    zero[n] = new long[1];
    RawParsing parsing = new RawParsing(nullValues);
    List<Column> cols = new ArrayList<>();
    names.forEach(name -> cols.add(Columns.col(name)));
    Dataset<Row> selected = n == 0 ? train.select(org.apache.spark.sql.functions.lit(1)) : train.select(cols.toArray(new Column[0]));
    return selected.javaRDD().treeAggregate(
        zero,
        (acc, r) -> {
          for (int i = 0; i < n; i++) {
            Double v = parsing.number(r.getString(i));
            acc[i][v == null ? acc[i].length - 1 : DriftReference.bin(bins[i], v)]++;
          }
          acc[n][0]++;
          return acc;
        },
        (a, b) -> {
          for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
              a[i][j] += b[i][j];
            }
          }
          return a;
        });
  }
}
