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
 * @param security which values are secrets
 * @param privacy columns dropped or hashed before anything is written
 * @param tune the optional hyper-parameter search before training
 * @param schedule the run date and what {@code run --date} does with it
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
    SecurityConfig security,
    PrivacyConfig privacy,
    TuneConfig tune,
    ScheduleConfig schedule,
    Config resolved) {

  /** The resolved configuration as HOCON, secrets masked: safe for logs and provenance files. */
  public String renderMasked() {
    return masker().render(resolved);
  }

  /**
   * {@code predict.table.*}: the layout of the tables {@code predict --output-table} writes.
   * Validated when the config is loaded.
   */
  public PredictTableConfig predictTable() {
    ConfigReader r = new ConfigReader(resolved, masker());
    return new PredictTableConfig(
        r.get(Settings.PREDICT_TABLE_PARTITION_COLUMN), r.get(Settings.PREDICT_TABLE_FORMAT));
  }

  /**
   * The masker for this configuration: built-in and user patterns, and the secret values it holds.
   */
  public SecretMasker masker() {
    return SecretMasker.of(security.secretKeys(), resolved);
  }
}
