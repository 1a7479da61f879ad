package io.dlpipe.config;

import java.util.List;

/**
 * The column to predict and the kind of prediction.
 *
 * @param column the target column's name in the raw data
 * @param task regression or classification
 * @param classes classification: the labels in index order; empty means sorted distinct labels
 * @param maxClasses classification: more distinct labels than this is a data error
 */
public record TargetConfig(String column, Task task, List<String> classes, int maxClasses) {
  public TargetConfig {
    classes = List.copyOf(classes);
  }
}
