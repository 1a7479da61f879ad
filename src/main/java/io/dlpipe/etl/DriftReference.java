package io.dlpipe.etl;

import java.util.List;

/**
 * What the train split looked like, per column, for measuring how far a later day's data has moved
 * from it ({@code io.dlpipe.drift}). Fitted with the transform, on train only, and stored as the
 * optional {@code drift_reference} section of {@code transform.json}; transforms written before it
 * existed load without it (null).
 *
 * @param trainRows good train rows the shares are of
 * @param numeric per numeric feature: quantile bins and the train share in each
 * @param categorical per categorical feature: the vocabulary's train shares and the rest
 */
public record DriftReference(
    long trainRows, List<NumericBins> numeric, List<LevelShares> categorical) {
  /** Interior bin edges per numeric column: the train deciles, repeated edges merged. */
  public static final int NUMERIC_BINS = 10;

  public DriftReference {
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
  }

  /**
   * A numeric column's train distribution over its quantile bins, on the raw parsed values (before
   * imputation, clipping or log1p). Bin {@code i < edges.size()} holds the values {@code <=
   * edges[i]} and above the edge before it; bin {@code edges.size()} the values above the last
   * edge; {@code missingShare} the cells without a number.
   *
   * @param name column name
   * @param edges strictly increasing interior edges
   * @param shares train share of each of the {@code edges.size() + 1} bins
   * @param missingShare train share of missing cells
   */
  public record NumericBins(
      String name, List<Double> edges, List<Double> shares, double missingShare) {
    public NumericBins {
      edges = List.copyOf(edges);
      shares = List.copyOf(shares);
      if (shares.size() != edges.size() + 1) {
        throw new IllegalArgumentException(
            "drift bins of "
                + name
                + ": "
                + edges.size()
                + " edges need "
                + (edges.size() + 1)
                + " shares, found "
                + shares.size());
      }
    }

    /** The edges as an array, for per-row code that Spark ships to executors. */
    public double[] edgeArray() {
      return edges.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  /**
   * The bin of a present value among strictly increasing interior {@code edges}: the first edge it
   * does not exceed.
   */
  public static int bin(double[] edges, double v) {
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (v <= edges[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * A categorical column's train distribution over the levels the model knows (its vocabulary, in
   * vocabulary order) and everything else ({@code otherShare}: levels too rare to be kept, and
   * missing cells unless they form the {@value FittedTransform#MISSING_LEVEL} level).
   *
   * @param name column name
   * @param levels the vocabulary
   * @param shares train share of each level
   * @param otherShare train share of every other cell
   */
  public record LevelShares(
      String name, List<String> levels, List<Double> shares, double otherShare) {
    public LevelShares {
      levels = List.copyOf(levels);
      shares = List.copyOf(shares);
      if (shares.size() != levels.size()) {
        throw new IllegalArgumentException(
            "drift levels of "
                + name
                + ": "
                + levels.size()
                + " levels need as many shares, found "
                + shares.size());
      }
    }
  }
}
