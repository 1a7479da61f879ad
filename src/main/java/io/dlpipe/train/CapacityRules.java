package io.dlpipe.train;

import io.dlpipe.config.EnumNames;
import io.dlpipe.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network resolved from the size of the train split ({@code train.model.small-data}): below
 * {@code rows} train rows an MLP becomes the family {@code type} (by default wide and deep, which
 * holds the linear model inside it), and dropout and L2 are raised to at least the rule's values
 * (by default they change nothing); set values above them are kept. On the real-data suite's small
 * sets (hmda, fair, doctorvisits: 1,900 to 5,100 train rows) the default MLP reached its best
 * validation loss within a few epochs and then overfitted, ending below its linear rung, which has
 * nothing to overfit with; wide and deep lifted hmda from AUC 0.8069 to 0.8528 and fair from R²
 * 0.0344 to 0.0554, both above their linear rungs (docs/QUALITY.md, "Small data"). Raised dropout
 * and L2 helped hmda too but cost Ames 0.032 R², so they are opt-in. Called from {@link
 * TrainingMasters#resolveAuto}, so the real training, tune trials and the target trial all train
 * the same network for their rows.
 */
final class CapacityRules {
  private static final Logger LOG = LoggerFactory.getLogger(CapacityRules.class);

  private CapacityRules() {}

  /** {@code train} with its network chosen and regularized for {@code trainRows} train rows. */
  static TrainConfig apply(TrainConfig train, long trainRows) {
    TrainConfig.Model m = train.model();
    TrainConfig.SmallData small = m.smallData();
    if (trainRows >= small.rows()) {
      return train;
    }
    // Only the default family gives way: another family set on purpose stays.
    TrainConfig.ModelType type = m.type() == TrainConfig.ModelType.MLP ? small.type() : m.type();
    // A linear network ([]) has no hidden units to drop. Weight decay replaces L2 (DL4J keeps one
    // of them): a set weight decay is the user's choice of penalty.
    double l2 = m.weightDecay() > 0 ? m.l2() : Math.max(m.l2(), small.l2());
    double dropout =
        !m.hiddenLayers().isEmpty() ? Math.max(m.dropout(), small.dropout()) : m.dropout();
    return type == m.type() && dropout == m.dropout() && l2 == m.l2()
        ? train
        : train.withModel(m.withType(type).withRegularization(dropout, l2));
  }

  /**
   * {@link #apply}, saying in the log what the rule changed (it is called where the plan is
   * resolved).
   */
  static TrainConfig logged(TrainConfig train, long trainRows) {
    TrainConfig resolved = apply(train, trainRows);
    if (resolved != train) {
      LOG.info(changes(train.model(), resolved.model(), trainRows));
    }
    return resolved;
  }

  /** The log line: what the rule changed, e.g. "... train.model.type wide-deep (set mlp)". */
  static String changes(TrainConfig.Model set, TrainConfig.Model resolved, long trainRows) {
    List<String> changed = new ArrayList<>();
    if (resolved.type() != set.type()) {
      changed.add(
          "train.model.type "
              + EnumNames.kebab(resolved.type())
              + " (set "
              + EnumNames.kebab(set.type())
              + ")");
    }
    if (resolved.dropout() != set.dropout()) {
      changed.add("dropout " + resolved.dropout() + " (set " + set.dropout() + ")");
    }
    if (resolved.l2() != set.l2()) {
      changed.add("l2 " + resolved.l2() + " (set " + set.l2() + ")");
    }
    return String.format(
        Locale.ROOT,
        "Small data: %,d train rows, below train.model.small-data.rows = %,d: %s",
        trainRows,
        set.smallData().rows(),
        String.join(", ", changed));
  }
}
