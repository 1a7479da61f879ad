package io.dlpipe.config;

import com.typesafe.config.Config;

/**
 * The whole, validated configuration of a dlpipe run. Built only by {@link ConfigLoader}; the same
 * object drives the command line and the tests.
 *
 * @param input where and how to read raw data
 * @param target what to predict
 * @param output the workspace
 * @param etl ETL settings
 * @param train training settings
 * @param evaluate evaluate and predict settings
 * @param spark Spark session settings
 * @param tune the optional hyper-parameter search before training
 * @param resolved the resolved HOCON tree, kept for logging and provenance
 */
public record DlpipeConfig(
    InputConfig input,
    TargetConfig target,
    OutputConfig output,
    EtlConfig etl,
    TrainConfig train,
    EvaluateConfig evaluate,
    SparkSettings spark,
    TuneConfig tune,
    Config resolved) {

  /** The resolved configuration as HOCON, secrets masked: safe for logs and provenance files. */
  public String renderMasked() {
    return ConfigLoader.renderMasked(resolved);
  }
}
