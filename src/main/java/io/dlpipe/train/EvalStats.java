package io.dlpipe.train;

import java.io.Serializable;

/**
 * Sufficient statistics of one evaluation, summed per partition on the executors and merged on
 * the driver: a few numbers and, for binary tasks, a fixed-size score histogram, whatever the
 * number of rows. AUC from the histogram is exact up to ties inside one bin ({@value #BINS} bins
 * over the positive-class probability: pairs closer than 1e-4 count as ties).
 */
final class EvalStats implements Serializable {
  static final int BINS = 10_000;

  long rows;
  double lossSum;
  // regression, original units
  double sumY;
  double sumY2;
  double sse;
  double sae;
  // classification
  long correct;
  long[] positives;
  long[] negatives;

  EvalStats(boolean binary) {
    if (binary) {
      positives = new long[BINS];
      negatives = new long[BINS];
    }
  }

  void addScore(double positiveProbability, boolean positive) {
    int bin = (int) Math.min(BINS - 1, Math.max(0, Math.floor(positiveProbability * BINS)));
    if (positive) {
      positives[bin]++;
    } else {
      negatives[bin]++;
    }
  }

  EvalStats merge(EvalStats o) {
    rows += o.rows;
    lossSum += o.lossSum;
    sumY += o.sumY;
    sumY2 += o.sumY2;
    sse += o.sse;
    sae += o.sae;
    correct += o.correct;
    if (positives != null) {
      for (int i = 0; i < BINS; i++) {
        positives[i] += o.positives[i];
        negatives[i] += o.negatives[i];
      }
    }
    return this;
  }

  EvalMetrics metrics(LabelCodec codec) {
    double loss = rows == 0 ? Double.NaN : lossSum / rows;
    if (codec.kind() == LabelCodec.Kind.REGRESSION) {
      double sst = sumY2 - sumY * sumY / rows;
      double r2 = sst > 0 ? 1 - sse / sst : Double.NaN;
      return new EvalMetrics(rows, loss, r2, Math.sqrt(sse / rows), sae / rows, null, null);
    }
    return new EvalMetrics(rows, loss, null, null, null, (double) correct / rows, positives == null ? null : auc());
  }

  /** Probability that a random positive scores above a random negative, ties counting one half. */
  double auc() {
    long pos = 0;
    long neg = 0;
    for (int i = 0; i < BINS; i++) {
      pos += positives[i];
      neg += negatives[i];
    }
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    double wins = 0;
    long negBelow = 0;
    for (int i = 0; i < BINS; i++) {
      wins += positives[i] * (negBelow + 0.5 * negatives[i]);
      negBelow += negatives[i];
    }
    return wins / ((double) pos * neg);
  }
}
