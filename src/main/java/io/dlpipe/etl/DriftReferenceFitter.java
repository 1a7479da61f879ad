package io.dlpipe.etl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Fits the {@link DriftReference} beside the transform, on the train rows only, from the statistics
 * pass alone (no pass of its own): numeric bin edges are train deciles of the quantile sketch, and
 * each bin's train share is counted exactly from the column's value counts when it has at most
 * {@value FitStatistics#VALUE_CAP} distinct values, else read off the sketch's ranks (within
 * etl.quantile-relative-error of the rows). Categorical shares come from the vocabulary's train
 * counts.
 */
final class DriftReferenceFitter {
  private DriftReferenceFitter() {}

  /**
   * @param stats the fit's measurement of train
   * @param numericNames numeric columns, in {@link FitStatistics} order
   * @param vocabularies the fitted categorical features
   * @param levelCounts per categorical column, the train count of each vocabulary level
   */
  static DriftReference fit(
      FitStatistics stats,
      List<String> numericNames,
      List<FittedTransform.CategoricalFeature> vocabularies,
      Map<String, List<Long>> levelCounts) {
    int n = numericNames.size();
    long rows = stats.trainRows;
    List<DriftReference.NumericBins> numeric = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TreeSet<Double> e = new TreeSet<>();
      if (stats.numeric[i].n > 0) {
        for (int k = 1; k < DriftReference.NUMERIC_BINS; k++) {
          e.add(TransformFitter.round(stats.quantile(i, (double) k / DriftReference.NUMERIC_BINS)));
        }
      }
      List<Double> edges = List.copyOf(e);
      List<Double> shares = new ArrayList<>();
      long below = 0;
      for (double edge : edges) {
        long atMost = Math.max(below, stats.countAtMost(i, edge));
        shares.add(share(atMost - below, rows));
        below = atMost;
      }
      long present = stats.numeric[i].n;
      shares.add(share(Math.max(0, present - below), rows));
      numeric.add(
          new DriftReference.NumericBins(
              numericNames.get(i), edges, shares, share(rows - present, rows)));
    }
    List<DriftReference.LevelShares> categorical = new ArrayList<>();
    for (FittedTransform.CategoricalFeature f : vocabularies) {
      List<Double> shares = new ArrayList<>();
      long known = 0;
      for (long c : levelCounts.getOrDefault(f.name(), List.of())) {
        shares.add(share(c, rows));
        known += c;
      }
      categorical.add(
          new DriftReference.LevelShares(
              f.name(), f.levels(), shares, share(Math.max(0, rows - known), rows)));
    }
    return new DriftReference(rows, numeric, categorical);
  }

  private static double share(long count, long rows) {
    return rows == 0 ? 0.0 : TransformFitter.round((double) count / rows);
  }
}
