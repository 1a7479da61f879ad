/**
 * Drift of a day's data against the model's training data: population stability index per numeric
 * column (over the train quantile bins of the transform's {@code drift_reference}) and per
 * categorical column (over the vocabulary plus everything else), and each categorical column's
 * share of levels outside the vocabulary. {@code run --date} writes it to {@code drift.json} and
 * retrains on it with {@code schedule.retrain = on-drift}.
 */
package io.dlpipe.drift;
