package io.dlpipe.eval;

import java.util.Map;

/**
 * What evaluate produced.
 *
 * @param metrics the contents of metrics.json
 * @param networkWins whether the network beat the baseline on the main metric (true without a
 *     baseline)
 */
public record EvaluateResult(Map<String, Object> metrics, boolean networkWins) {}
