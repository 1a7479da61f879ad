package io.dlpipe.config;

import java.util.List;

/**
 * Settings of the ETL stage; see {@code dlpipe-defaults.conf} for each key's meaning and default.
 *
 * @param maxRejectRatio the largest quarantined share of the rows read that still passes
 * @param infer how undeclared column roles are inferred
 * @param dedup what happens to duplicate rows
 * @param impute how missing feature cells are filled
 * @param clip quantile clipping of numeric features
 * @param normalize scaling of numeric features
 * @param categorical vocabulary and encoding of categorical features
 * @param split the deterministic train / validation / test split
 * @param write layout of the Parquet output
 * @param quantileRelativeError relative error of Spark's approximate quantiles
 */
public record EtlConfig(
    double maxRejectRatio,
    Infer infer,
    Dedup dedup,
    Impute impute,
    Clip clip,
    Normalize normalize,
    Categorical categorical,
    Split split,
    Write write,
    double quantileRelativeError) {

  /** Role inference thresholds. */
  public record Infer(
      double numericMinParseRatio, double idLikeMinDistinctRatio, int maxCategoricalNumericLevels) {}

  /** Duplicate handling: always counted, removed only when asked. */
  public record Dedup(DedupMode mode, List<String> keyColumns) {
    public Dedup {
      keyColumns = List.copyOf(keyColumns);
    }
  }

  /** Duplicate handling modes. */
  public enum DedupMode {
    REPORT,
    EXACT,
    KEYS
  }

  /** Imputation strategies, fitted on train. */
  public record Impute(NumericImpute numeric, CategoricalImpute categorical) {}

  /** Numeric imputation statistic. */
  public enum NumericImpute {
    MEDIAN,
    MEAN
  }

  /** Categorical imputation strategy. */
  public enum CategoricalImpute {
    MISSING_LEVEL,
    MOST_FREQUENT
  }

  /** Quantile clipping (winsorizing) fitted on train. */
  public record Clip(boolean enabled, double lowerQuantile, double upperQuantile) {}

  /** Numeric scaling, fitted on train. */
  public record Normalize(
      NormalizeMethod method, LogMode log, List<String> logColumns, double logSkewThreshold) {
    public Normalize {
      logColumns = List.copyOf(logColumns);
    }
  }

  /** Scaling methods. */
  public enum NormalizeMethod {
    STANDARDIZE,
    MIN_MAX,
    NONE
  }

  /** Which numeric columns get {@code log1p} before scaling. */
  public enum LogMode {
    NONE,
    AUTO,
    LISTED
  }

  /** Categorical vocabulary and encoding. */
  public record Categorical(CategoricalEncoding encoding, int topK, long minCount) {}

  /** Categorical encodings. */
  public enum CategoricalEncoding {
    ONE_HOT,
    INDEX
  }

  /** Split shares and the hash that assigns rows. */
  public record Split(double train, double validation, double test, long seed, String idColumn) {}

  /** Parquet output layout. */
  public record Write(int targetFileMb, String compression) {}
}
