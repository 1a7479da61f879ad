package io.dlpipe.head;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Positive and negative counts of the positive-class probability in {@value #BINS} equal bins: a
 * fixed-size summary of any number of scored rows, merged across partitions. It is dlpipe's only
 * implementation of ROC AUC, PR AUC, KS, the confusion counts at a threshold and the threshold
 * choice, so validation, test, baselines and importance agree by construction. Thresholds are bin
 * edges: a row is predicted positive when its bin is at or above the threshold's bin, which is
 * exactly {@code p >= threshold} up to {@code 1 / BINS}; pairs closer than that count as ties.
 */
public final class ScoreHistogram implements Serializable {
  public static final int BINS = 10_000;

  /** ROC and PR curves are thinned to about this many points for curves.json. */
  static final int CURVE_POINTS = 200;

  final long[] positives = new long[BINS];
  final long[] negatives = new long[BINS];

  /** The bin of a probability; the threshold of bin {@code b} is {@code b / BINS}. */
  public static int bin(double p) {
    return (int) Math.min(BINS - 1, Math.max(0, Math.floor(p * BINS)));
  }

  /** The first bin predicted positive under {@code threshold}: {@code ceil(threshold * BINS)}. */
  public static int thresholdBin(double threshold) {
    return (int) Math.min(BINS, Math.max(0, Math.ceil(threshold * BINS - 1e-9)));
  }

  public void add(double p, boolean positive) {
    if (positive) {
      positives[bin(p)]++;
    } else {
      negatives[bin(p)]++;
    }
  }

  public ScoreHistogram merge(ScoreHistogram o) {
    for (int i = 0; i < BINS; i++) {
      positives[i] += o.positives[i];
      negatives[i] += o.negatives[i];
    }
    return this;
  }

  public long positives() {
    long n = 0;
    for (long c : positives) {
      n += c;
    }
    return n;
  }

  public long negatives() {
    long n = 0;
    for (long c : negatives) {
      n += c;
    }
    return n;
  }

  /** Confusion counts when bins {@code >= b} are predicted positive. */
  public record Confusion(long tp, long fp, long fn, long tn) {
    public double precision() {
      return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    public double recall() {
      return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    }

    public double f1() {
      return 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    }

    /** The same three measures for the negative class. */
    public double negativePrecision() {
      return tn + fn == 0 ? 0 : (double) tn / (tn + fn);
    }

    public double negativeRecall() {
      return tn + fp == 0 ? 0 : (double) tn / (tn + fp);
    }

    public double negativeF1() {
      return 2 * tn + fp + fn == 0 ? 0 : 2.0 * tn / (2 * tn + fp + fn);
    }

    public double accuracy() {
      long n = tp + fp + fn + tn;
      return n == 0 ? Double.NaN : (double) (tp + tn) / n;
    }
  }

  public Confusion confusionAtBin(int b) {
    long tp = 0;
    long fp = 0;
    for (int i = Math.max(0, b); i < BINS; i++) {
      tp += positives[i];
      fp += negatives[i];
    }
    return new Confusion(tp, fp, positives() - tp, negatives() - fp);
  }

  public Confusion confusion(double threshold) {
    return confusionAtBin(thresholdBin(threshold));
  }

  /** Probability that a random positive scores above a random negative, ties counting one half. */
  public double auc() {
    long pos = positives();
    long neg = negatives();
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

  /**
   * Area under the precision-recall curve by the trapezoid rule over every occupied bin edge, from
   * the highest threshold down, starting at recall 0 with the first point's precision (as MLlib's
   * {@code BinaryClassificationMetrics} does).
   */
  public double prAuc() {
    long pos = positives();
    if (pos == 0) {
      return Double.NaN;
    }
    double area = 0;
    double lastRecall = 0;
    double lastPrecision = Double.NaN;
    long tp = 0;
    long fp = 0;
    for (int i = BINS - 1; i >= 0; i--) {
      if (positives[i] == 0 && negatives[i] == 0) {
        continue;
      }
      tp += positives[i];
      fp += negatives[i];
      double recall = (double) tp / pos;
      double precision = (double) tp / (tp + fp);
      if (Double.isNaN(lastPrecision)) {
        lastPrecision = precision;
      }
      area += (recall - lastRecall) * (precision + lastPrecision) / 2;
      lastRecall = recall;
      lastPrecision = precision;
    }
    return area;
  }

  /** Kolmogorov-Smirnov statistic: the largest gap between the true and false positive rates. */
  public double ks() {
    long pos = positives();
    long neg = negatives();
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    double ks = 0;
    long tp = 0;
    long fp = 0;
    for (int i = BINS - 1; i >= 0; i--) {
      tp += positives[i];
      fp += negatives[i];
      ks = Math.max(ks, (double) tp / pos - (double) fp / neg);
    }
    return ks;
  }

  /**
   * The threshold that maximizes the positive class's F1; among equal F1 the highest threshold
   * (fewest flagged rows). 0.5 when there is no positive row.
   */
  public double bestF1Threshold() {
    if (positives() == 0) {
      return 0.5;
    }
    int best = BINS;
    double bestF1 = -1;
    long tp = 0;
    long fp = 0;
    long pos = positives();
    for (int b = BINS - 1; b >= 0; b--) {
      tp += positives[b];
      fp += negatives[b];
      double f1 = 2.0 * tp / (tp + fp + pos);
      if (f1 > bestF1) {
        bestF1 = f1;
        best = b;
      }
    }
    return (double) best / BINS;
  }

  /**
   * The threshold with the least total cost {@code fp * falsePositive + fn * falseNegative}; the
   * highest one among ties.
   */
  public double minCostThreshold(double falsePositive, double falseNegative) {
    long pos = positives();
    int best = BINS;
    double bestCost = pos * falseNegative; // nothing flagged
    long tp = 0;
    long fp = 0;
    for (int b = BINS - 1; b >= 0; b--) {
      tp += positives[b];
      fp += negatives[b];
      double cost = fp * falsePositive + (pos - tp) * falseNegative;
      if (cost < bestCost) {
        bestCost = cost;
        best = b;
      }
    }
    return (double) best / BINS;
  }

  /**
   * ROC points (false positive rate, true positive rate, threshold) from (0, 0) to (1, 1), thinned.
   */
  public List<double[]> roc() {
    return curve(false);
  }

  /** PR points (recall, precision, threshold) from the highest threshold down, thinned. */
  public List<double[]> pr() {
    return curve(true);
  }

  private List<double[]> curve(boolean pr) {
    long pos = Math.max(1, positives());
    long neg = Math.max(1, negatives());
    List<double[]> out = new ArrayList<>();
    if (!pr) {
      out.add(new double[] {0, 0, 1});
    }
    int step = BINS / CURVE_POINTS;
    long tp = 0;
    long fp = 0;
    for (int b = BINS - 1; b >= 0; b--) {
      tp += positives[b];
      fp += negatives[b];
      if (b % step == 0 && tp + fp > 0) {
        double t = (double) b / BINS;
        out.add(
            pr
                ? new double[] {(double) tp / pos, (double) tp / (tp + fp), t}
                : new double[] {(double) fp / neg, (double) tp / pos, t});
      }
    }
    return out;
  }

  /**
   * Calibration in {@code bins} equal probability bins: mean predicted (bin centres), observed
   * rate, rows.
   */
  public List<double[]> calibration(int bins) {
    double[] predicted = new double[bins];
    long[] pos = new long[bins];
    long[] all = new long[bins];
    for (int i = 0; i < BINS; i++) {
      long n = positives[i] + negatives[i];
      if (n == 0) {
        continue;
      }
      int c = Math.min(bins - 1, i * bins / BINS);
      predicted[c] += n * (i + 0.5) / BINS;
      pos[c] += positives[i];
      all[c] += n;
    }
    List<double[]> out = new ArrayList<>();
    for (int c = 0; c < bins; c++) {
      if (all[c] > 0) {
        out.add(new double[] {predicted[c] / all[c], (double) pos[c] / all[c], all[c]});
      }
    }
    return out;
  }
}
