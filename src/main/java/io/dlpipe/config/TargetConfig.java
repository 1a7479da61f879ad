package io.dlpipe.config;

import java.util.List;

/**
 * The column to predict and the kind of prediction.
 *
 * @param column the target column's name in the raw data
 * @param task regression or classification
 * @param classes classification: the labels the data may hold; empty means its distinct labels.
 *     They are in index order, except that a binary task's positive class always takes index 1
 * @param maxClasses classification: more distinct labels than this is a data error
 * @param positiveClass binary classification: the class whose probability, threshold, precision,
 *     recall and F1 are reported; null means the minority class of the train split (a tie: the
 *     second of the declared or sorted classes). A choice of meaning, not of name order: see {@code
 *     target.positive-class}
 */
public record TargetConfig(
    String column, Task task, List<String> classes, int maxClasses, String positiveClass) {
  public TargetConfig {
    classes = List.copyOf(classes);
  }

  /** Without a declared positive class: the minority class of train is positive. */
  public TargetConfig(String column, Task task, List<String> classes, int maxClasses) {
    this(column, task, classes, maxClasses, null);
  }

  /** The declared positive class, when there is one. */
  public java.util.Optional<String> positive() {
    return java.util.Optional.ofNullable(positiveClass);
  }
}
