package io.dlpipe.head;

/** A task's headline metric: what early stopping may watch, the verdict compares and tuning maximizes. Higher is better for each. */
public enum MainMetric {
  R2,
  AUC,
  ACCURACY;

  /** The key of the metric in metrics.json and training-history.csv. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
