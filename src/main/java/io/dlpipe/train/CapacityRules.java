package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network's regularization resolved from the size of the train split ({@code
 * train.model.small-data}): below {@code rows} train rows, dropout and L2 are raised to at least
 * the rule's values; set values above them are kept. On the real-data suite's small sets (hmda,
 * fair, doctorvisits: 1,900 to 5,100 train rows) the default network reached its best validation
 * loss within a few epochs and then overfitted, ending below its linear rung (docs/QUALITY.md,
 * "Real data"); a linear model has nothing to overfit with. Off by default ({@code rows = 0}): at
 * 10,000 rows it lifted hmda and credit but cost Ames 0.032 R² (docs/QUALITY.md, "Small data").
 * Called from {@link TrainingMasters#resolveAuto}, so the real training, tune trials and the target
 * trial all train the same network for their rows.
 */
final class CapacityRules {
  private static final Logger LOG = LoggerFactory.getLogger(CapacityRules.class);

  private CapacityRules() {}

  /** {@code train} with its network regularized for {@code trainRows} train rows. */
  static TrainConfig apply(TrainConfig train, long trainRows) {
    TrainConfig.Model m = train.model();
    TrainConfig.SmallData small = m.smallData();
    if (trainRows >= small.rows()) {
      return train;
    }
    // A linear network ([]) has no hidden units to drop. Weight decay replaces L2 (DL4J keeps one
    // of them): a set weight decay is the user's choice of penalty.
    double l2 = m.weightDecay() > 0 ? m.l2() : Math.max(m.l2(), small.l2());
    double dropout =
        !m.hiddenLayers().isEmpty() ? Math.max(m.dropout(), small.dropout()) : m.dropout();
    return dropout == m.dropout() && l2 == m.l2()
        ? train
        : train.withModel(m.withRegularization(dropout, l2));
  }

  /**
   * {@link #apply}, saying in the log what the rule changed (it is called where the plan is
   * resolved).
   */
  static TrainConfig logged(TrainConfig train, long trainRows) {
    TrainConfig resolved = apply(train, trainRows);
    TrainConfig.Model m = train.model();
    if (resolved != train) {
      LOG.info(
          String.format(
              Locale.ROOT,
              "Small data: %,d train rows, below train.model.small-data.rows = %,d: dropout %s (set %s), l2 %s (set %s)",
              trainRows,
              m.smallData().rows(),
              resolved.model().dropout(),
              m.dropout(),
              resolved.model().l2(),
              m.l2()));
    }
    return resolved;
  }
}
