package io.dlpipe.config;

/**
 * Settings of the evaluate and predict stages; see the {@code evaluate} section of
 * {@code dlpipe-defaults.conf}.
 *
 * @param batchSize rows per forward pass when scoring on the executors
 * @param baseline whether to fit and report the MLlib linear baseline beside the network
 * @param importance permutation feature importance settings
 * @param crossValidationFolds k for k-fold cross-validation (retrains k times); 0 turns it off
 * @param report whether to write report.html
 */
public record EvaluateConfig(int batchSize, boolean baseline, Importance importance, int crossValidationFolds, boolean report) {
  /**
   * Permutation importance on a sample of the test split.
   *
   * @param enabled whether to compute it
   * @param sampleRows the most test rows permuted (they are broadcast to the executors)
   * @param repeats shuffles per column; the report shows their mean and spread
   * @param seed seeds the sample and the shuffles
   */
  public record Importance(boolean enabled, int sampleRows, int repeats, long seed) {}
}
