package io.dlpipe.config;

import java.util.List;

/**
 * Settings of the evaluate and predict stages; see the {@code evaluate} section of {@code
 * dlpipe-defaults.conf}.
 *
 * @param batchSize rows per forward pass when scoring on the executors
 * @param baseline whether to fit and report any baseline beside the network
 * @param importance permutation feature importance settings
 * @param crossValidationFolds k for k-fold cross-validation (retrains k times); 0 turns it off
 * @param report whether to write report.html
 * @param threshold binary tasks: a fixed decision threshold, or null for auto (chosen on
 *     validation)
 * @param costs binary tasks: the cost of each error kind; when both are above 0, auto minimizes
 *     their total
 * @param baselines the rungs of the baseline ladder, in order
 * @param gbtMaxIter the most trees the gbt rung grows (fewer when validation stops improving)
 */
public record EvaluateConfig(
    int batchSize,
    boolean baseline,
    Importance importance,
    int crossValidationFolds,
    boolean report,
    Double threshold,
    Costs costs,
    List<Rung> baselines,
    int gbtMaxIter) {

  public EvaluateConfig {
    baselines = List.copyOf(baselines);
  }

  /** The baselines to fit: none when {@code evaluate.baseline = false}. */
  public List<Rung> rungs() {
    return baseline ? baselines : List.of();
  }

  /**
   * Permutation importance on a sample of the test split.
   *
   * @param enabled whether to compute it
   * @param sampleRows the most test rows permuted (they are broadcast to the executors)
   * @param repeats shuffles per column; the report shows their mean and spread
   * @param seed seeds the sample and the shuffles
   */
  public record Importance(boolean enabled, int sampleRows, int repeats, long seed) {}

  /**
   * Error costs of a binary decision.
   *
   * @param falsePositive the cost of flagging a negative row
   * @param falseNegative the cost of missing a positive row
   */
  public record Costs(double falsePositive, double falseNegative) {
    /** Whether both costs are given, so the threshold minimizes cost instead of maximizing F1. */
    public boolean given() {
      return falsePositive > 0 && falseNegative > 0;
    }
  }

  /** Rungs of the baseline ladder. */
  public enum Rung {
    /** Spark MLlib LinearRegression / LogisticRegression. */
    LINEAR,
    /** Spark MLlib GBTRegressor / GBTClassifier, early-stopped on validation. */
    GBT
  }
}
