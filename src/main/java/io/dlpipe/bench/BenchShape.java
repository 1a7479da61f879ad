package io.dlpipe.bench;

import java.util.List;

/**
 * The synthetic datasets benchmarked: the two shapes of {@code dlpipe synth} and a wide one with a
 * date column ({@link WideData}).
 */
public enum BenchShape {
  /** 16 features (7 text), regression on Sale_Price: about 65 features after one-hot. */
  AMES("Sale_Price", "regression", List.of()),
  /** 13 features (4 text) with missing cells, binary classification on Status. */
  CREDIT("Status", "classification", List.of("target.classes=[good, bad]")),
  /**
   * {@link WideData}: hundreds of numeric columns, 10 text columns and a date column, regression.
   */
  WIDE(WideData.TARGET, "regression", List.of());

  private final String target;
  private final String task;
  private final List<String> extraSettings;

  BenchShape(String target, String task, List<String> extraSettings) {
    this.target = target;
    this.task = task;
    this.extraSettings = extraSettings;
  }

  public String target() {
    return target;
  }

  public String task() {
    return task;
  }

  /** Config settings beyond input, target and output that the shape needs (declared classes). */
  public List<String> extraSettings() {
    return extraSettings;
  }

  /**
   * The date column, parsed to a day number by the MLlib pipeline; null when the shape has none.
   */
  public String dateColumn() {
    return this == WIDE ? WideData.DATE : null;
  }

  public String kebab() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
