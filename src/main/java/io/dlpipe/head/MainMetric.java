package io.dlpipe.head;

import io.dlpipe.config.Task;

/**
 * A task's headline metric: what early stopping may watch, the verdict compares and tuning
 * maximizes. Higher is better for each.
 */
public enum MainMetric {
  R2,
  AUC,
  ACCURACY;

  /**
   * The main metric of a task with this many classes, known before any head is built (tuning names
   * its column from the prepared data): R² for regression, ROC AUC for two classes, accuracy for
   * more.
   */
  public static MainMetric of(Task task, int classes) {
    if (task == Task.REGRESSION) {
      return R2;
    }
    return classes == 2 ? AUC : ACCURACY;
  }

  /** The key of the metric in metrics.json and training-history.csv. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
