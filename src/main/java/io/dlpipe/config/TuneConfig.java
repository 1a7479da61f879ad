package io.dlpipe.config;

import java.util.List;
import java.util.Map;

/**
 * A random search over train settings before the real training: each trial draws one value per key
 * of {@code space}, trains on train with early stopping, and is scored by the main metric on
 * validation; the best trial's settings then train the model. See the {@code tune} section of
 * {@code dlpipe-defaults.conf}.
 *
 * @param trials trials to run; 0 turns tuning off
 * @param seed seeds the draws
 * @param space config key (e.g. {@code train.model.dropout}) to the values to draw from
 * @param parallelMaxValues trials run in parallel, one Spark task each, when the train and
 *     validation splits hold at most this many feature values (rows times features); else one after
 *     another on the whole cluster. 0: always one after another
 */
public record TuneConfig(
    int trials, long seed, Map<String, List<Object>> space, long parallelMaxValues) {
  public TuneConfig {
    space = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(space));
  }
}
