package io.dlpipe.etl;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The feature-row facts of some partitions of good rows, gathered in one streaming pass over rows
 * sorted by their feature fingerprint ({@link FeatureRows#measure}): each group of equal
 * fingerprints is seen whole, once, and folded into a few counters per part (each split, and all
 * splits together). Memory is one group's labels and the per-part counters, never one entry per
 * distinct feature row: the hash aggregations this replaces held every distinct feature row of a
 * task's partition in Spark's execution memory (900 MiB of live heap at a million rows) and took
 * seven Spark jobs.
 *
 * <p>Partials of different partitions merge ({@link #merge}); merged in partition order, their
 * floating-point sums are the same on every run.
 */
final class FeatureRowFacts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Index of the part that pools every split. */
  private final int all;

  private final boolean regression;
  private final String positive;

  // Per part: rows, distinct feature rows, those with several labels, their rows, and (for "all")
  // the feature rows found in more than one split.
  final long[] rows;
  final long[] distinct;
  final long[] several;
  final long[] severalRows;
  long straddling;

  /** Rows equal to an earlier row of their feature row (counted only when row hashes are given). */
  long duplicates;

  /** Classification: the rows of each group's most frequent label, summed. */
  final long[] top;

  /** Regression: the sum of squares within groups, and the moments of the target per part. */
  final double[] within;

  final Moments[] target;

  /** Binary classification: per part, per positive rate of a group, its positives and negatives. */
  final List<TreeMap<Double, long[]>> byRate;

  // The group being read.
  private transient Moments[] groupMoments;
  private transient Map<String, long[]> groupLabels;
  private transient long[] groupRows;

  FeatureRowFacts(int splits, boolean regression, String positive) {
    this.all = splits;
    this.regression = regression;
    this.positive = positive;
    int parts = splits + 1;
    rows = new long[parts];
    distinct = new long[parts];
    several = new long[parts];
    severalRows = new long[parts];
    top = new long[parts];
    within = new double[parts];
    target = new Moments[parts];
    byRate = new java.util.ArrayList<>();
    for (int p = 0; p < parts; p++) {
      target[p] = new Moments();
      byRate.add(new TreeMap<>());
    }
  }

  /** Starts a new group of equal feature fingerprints. */
  void startGroup() {
    int parts = all + 1;
    groupRows = new long[parts];
    if (regression) {
      groupMoments = new Moments[parts];
      for (int p = 0; p < parts; p++) {
        groupMoments[p] = new Moments();
      }
    } else {
      groupLabels = new HashMap<>();
    }
  }

  /**
   * One row of the current group: its split's index, its target (a double or a label), and whether
   * it repeats the row before it (the same row fingerprint).
   */
  void add(int split, Object y, boolean repeated) {
    if (repeated) {
      duplicates++;
    }
    groupRows[split]++;
    groupRows[all]++;
    if (regression) {
      if (y == null) {
        return; // as Spark's aggregates skip a null
      }
      double v = ((Number) y).doubleValue();
      groupMoments[split].add(v);
      groupMoments[all].add(v);
      target[split].add(v);
      target[all].add(v);
    } else {
      long[] counts = groupLabels.computeIfAbsent(String.valueOf(y), k -> new long[all + 1]);
      counts[split]++;
      counts[all]++;
    }
  }

  /** Folds the current group into the parts it has rows in. */
  void endGroup() {
    if (groupRows == null) {
      return;
    }
    int splitsSeen = 0;
    for (int p = 0; p <= all; p++) {
      long n = groupRows[p];
      if (n == 0) {
        continue;
      }
      if (p < all) {
        splitsSeen++;
      }
      rows[p] += n;
      distinct[p]++;
      boolean conflicting;
      if (regression) {
        Moments m = groupMoments[p];
        conflicting = m.min < m.max;
        within[p] += m.m2;
      } else {
        long best = 0;
        int labels = 0;
        long pos = 0;
        for (Map.Entry<String, long[]> e : groupLabels.entrySet()) {
          long c = e.getValue()[p];
          if (c > 0) {
            labels++;
            best = Math.max(best, c);
            if (e.getKey().equals(positive)) {
              pos = c;
            }
          }
        }
        conflicting = labels > 1;
        top[p] += best;
        if (positive != null) {
          long[] pq = byRate.get(p).computeIfAbsent((double) pos / n, r -> new long[2]);
          pq[0] += pos;
          pq[1] += n - pos;
        }
      }
      if (conflicting) {
        several[p]++;
        severalRows[p] += n;
      }
    }
    if (splitsSeen > 1) {
      straddling++;
    }
    groupRows = null;
  }

  /** Adds another partition's facts (call in partition order for reproducible sums). */
  FeatureRowFacts merge(FeatureRowFacts o) {
    for (int p = 0; p <= all; p++) {
      rows[p] += o.rows[p];
      distinct[p] += o.distinct[p];
      several[p] += o.several[p];
      severalRows[p] += o.severalRows[p];
      top[p] += o.top[p];
      within[p] += o.within[p];
      target[p].merge(o.target[p]);
      for (Map.Entry<Double, long[]> e : o.byRate.get(p).entrySet()) {
        long[] pq = byRate.get(p).computeIfAbsent(e.getKey(), r -> new long[2]);
        pq[0] += e.getValue()[0];
        pq[1] += e.getValue()[1];
      }
    }
    straddling += o.straddling;
    duplicates += o.duplicates;
    return this;
  }

  /**
   * The highest ROC AUC any score of the features can reach on part {@code p}: each feature row
   * scored by its own positive rate, rows of equal rate tied; null without both classes.
   */
  Double bestAuc(int p) {
    double wins = 0;
    long negativesBelow = 0;
    long positives = 0;
    for (long[] pq : byRate.get(p).values()) {
      wins += pq[0] * (negativesBelow + pq[1] * 0.5);
      negativesBelow += pq[1];
      positives += pq[0];
    }
    double pairs = (double) positives * negativesBelow;
    return pairs > 0 ? wins / pairs : null;
  }
}
