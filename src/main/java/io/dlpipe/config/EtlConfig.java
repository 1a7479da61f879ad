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

  /**
   * Role inference thresholds.
   *
   * @param dates whether text columns of ISO-8601 dates or timestamps get role {@code date}
   */
  public record Infer(
      double numericMinParseRatio,
      double idLikeMinDistinctRatio,
      int maxCategoricalNumericLevels,
      boolean dates,
      long sampleRows) {
    /** Date recognition on, as by default. */
    public Infer(
        double numericMinParseRatio,
        double idLikeMinDistinctRatio,
        int maxCategoricalNumericLevels) {
      this(numericMinParseRatio, idLikeMinDistinctRatio, maxCategoricalNumericLevels, true);
    }

    /** Roles inferred from every row (etl.infer.sample-rows = 0). */
    public Infer(
        double numericMinParseRatio,
        double idLikeMinDistinctRatio,
        int maxCategoricalNumericLevels,
        boolean dates) {
      this(numericMinParseRatio, idLikeMinDistinctRatio, maxCategoricalNumericLevels, dates, 0);
    }
  }

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

  /**
   * Numeric scaling and encoding, fitted on train.
   *
   * @param numericEncoding the encoding of every numeric column not named in {@code
   *     encodingColumns}
   * @param encodingColumns per-column encodings that override {@code numericEncoding}
   * @param bins piecewise-linear encoding: quantile bins per column (its dimensions)
   * @param periodicFrequencies periodic encoding: sine/cosine pairs per column
   * @param periodicSigma periodic encoding: standard deviation of the seeded frequencies
   */
  public record Normalize(
      NormalizeMethod method,
      LogMode log,
      List<String> logColumns,
      double logSkewThreshold,
      NumericEncoding numericEncoding,
      java.util.Map<String, NumericEncoding> encodingColumns,
      int bins,
      int periodicFrequencies,
      double periodicSigma) {
    public Normalize {
      logColumns = List.copyOf(logColumns);
      encodingColumns = java.util.Map.copyOf(encodingColumns);
    }

    /** Standardized numbers, one dimension each, as by default. */
    public Normalize(
        NormalizeMethod method, LogMode log, List<String> logColumns, double logSkewThreshold) {
      this(
          method,
          log,
          logColumns,
          logSkewThreshold,
          NumericEncoding.STANDARDIZE,
          java.util.Map.of(),
          16,
          8,
          1.0);
    }

    /** The encoding of numeric column {@code name}. */
    public NumericEncoding encodingOf(String name) {
      return encodingColumns.getOrDefault(name, numericEncoding);
    }
  }

  /** How a numeric column becomes feature dimensions. */
  public enum NumericEncoding {
    /** One dimension, scaled by etl.normalize.method (standardized by default). */
    STANDARDIZE,
    /** Piecewise-linear encoding on quantile bins fitted on train (Gorishniy et al. 2022). */
    PIECEWISE_LINEAR,
    /** The scaled value plus sine and cosine at seeded frequencies (Gorishniy et al. 2022). */
    PERIODIC
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
