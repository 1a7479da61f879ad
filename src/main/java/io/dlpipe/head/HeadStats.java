package io.dlpipe.head;

import java.io.Serializable;

/**
 * Sufficient statistics of one evaluation, summed per partition on the executors and merged on the
 * driver: a few sums, a k-by-k confusion matrix, and for binary tasks a {@link ScoreHistogram},
 * whatever the number of rows. Filled and read only by an {@link OutputHead}; a plain class, since
 * Kryo cannot build records.
 */
public final class HeadStats implements Serializable {
  long rows;

  /** The training loss (unweighted), summed over rows. */
  double lossSum;

  // regression, original units
  double sumY;
  double sumY2;
  double sse;
  double sae;

  /**
   * log1p regression: exp of each row's residual on the log scale, summed (Duan's smearing
   * estimate).
   */
  double smearSum;

  // classification
  double brierSum;
  long[][] confusion;
  ScoreHistogram histogram;

  HeadStats(int classes, boolean binary) {
    if (classes > 0) {
      confusion = new long[classes][classes];
    }
    if (binary) {
      histogram = new ScoreHistogram();
    }
  }

  public long rows() {
    return rows;
  }

  /** The binary score histogram, or null for other tasks. */
  public ScoreHistogram histogram() {
    return histogram;
  }

  public HeadStats merge(HeadStats o) {
    rows += o.rows;
    lossSum += o.lossSum;
    sumY += o.sumY;
    sumY2 += o.sumY2;
    sse += o.sse;
    sae += o.sae;
    smearSum += o.smearSum;
    brierSum += o.brierSum;
    if (confusion != null) {
      for (int i = 0; i < confusion.length; i++) {
        for (int j = 0; j < confusion.length; j++) {
          confusion[i][j] += o.confusion[i][j];
        }
      }
    }
    if (histogram != null) {
      histogram.merge(o.histogram);
    }
    return this;
  }
}
