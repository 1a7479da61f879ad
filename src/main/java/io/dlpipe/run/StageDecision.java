package io.dlpipe.run;

/**
 * Whether {@code dlpipe run} runs a stage, and why.
 *
 * @param stage etl, train or evaluate
 * @param run true to run it, false to skip it
 * @param reason why, in words for the log and run-summary.json
 */
public record StageDecision(String stage, boolean run, String reason) {}
