package io.dlpipe.etl;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the data is, as etl-summary.json's {@code feature_rows} says it: how often feature rows
 * repeat, how many carry conflicting labels, and what that bounds the metrics to.
 *
 * @param splitRule the rule the rows were split by ({@link Splitter#rule})
 * @param inSeveralSplits distinct feature rows present in more than one split: 0 by construction
 *     when the split hashes the features, possibly more with etl.split.id-column
 * @param bySplit the facts of train, validation, test and {@value FeatureRows#ALL}
 * @param warnings what a reader of the metrics must know, also logged
 */
public record FeatureRowStats(
    String splitRule, long inSeveralSplits, Map<String, Part> bySplit, List<String> warnings) {
  public FeatureRowStats {
    // Kept in split order (train, validation, test, all), as the summary lists them.
    bySplit = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bySplit));
    warnings = List.copyOf(warnings);
  }

  /**
   * The facts of one split (or of all rows).
   *
   * @param rows good rows
   * @param distinct distinct feature rows
   * @param withSeveralLabels distinct feature rows that occur with more than one label (regression:
   *     more than one target value): label noise no model can remove
   * @param rowsWithSeveralLabels the rows of those feature rows
   * @param maxAccuracy classification: the accuracy of predicting each feature row's most frequent
   *     label, the highest any model can reach on these rows
   * @param maxAuc binary classification: the ROC AUC of scoring each feature row by its own
   *     positive rate, the highest any score can reach on these rows
   * @param maxR2 regression: 1 - (sum of squares within identical feature rows) / (total sum of
   *     squares), the R² of predicting each feature row's mean, the highest any model can reach
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Part(
      long rows,
      long distinct,
      long withSeveralLabels,
      long rowsWithSeveralLabels,
      Double maxAccuracy,
      Double maxAuc,
      Double maxR2) {}
}
