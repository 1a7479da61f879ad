package io.dlpipe.etl;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact counts of the distinct values of one column, up to {@code cap} of them, mergeable in any
 * order with the same result. Beyond the cap the counts are dropped and the column is marked {@link
 * #overflowed()}: a caller then falls back to what stays exact (a shuffle) or says that its figure
 * is approximate. This is how the statistics pass counts vocabularies and the drift reference's
 * bins together with everything else, instead of a shuffle per statistic: tabular data's
 * categorical columns rarely hold more than a few thousand levels.
 */
final class BoundedCounts<K> implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int cap;
  private HashMap<K, Long> counts = new HashMap<>();

  BoundedCounts(int cap) {
    this.cap = cap;
  }

  void add(K value) {
    if (counts != null) {
      counts.merge(value, 1L, Long::sum);
      if (counts.size() > cap) {
        counts = null;
      }
    }
  }

  BoundedCounts<K> merge(BoundedCounts<K> o) {
    if (counts == null || o.counts == null) {
      counts = null;
      return this;
    }
    o.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
    if (counts.size() > cap) {
      counts = null;
    }
    return this;
  }

  /** True when more than {@code cap} distinct values were seen: the counts are gone. */
  boolean overflowed() {
    return counts == null;
  }

  /** The exact count of each value seen; only while not {@link #overflowed()}. */
  Map<K, Long> counts() {
    if (counts == null) {
      throw new IllegalStateException(
          "counts beyond the cap of " + cap + " distinct values were dropped");
    }
    return counts;
  }
}
