package io.dlpipe.config;

/** How a raw input column feeds the feature vector. */
public enum ColumnRole {
  /** Parsed as a double, imputed, optionally clipped and log-scaled, then normalized. */
  NUMERIC,
  /** Kept as text and encoded against a vocabulary fitted on train. */
  CATEGORICAL,
  /**
   * ISO-8601 dates or timestamps, turned into year, month, day of week, day of year and hour (sine
   * and cosine for the cyclical ones); an unparseable cell counts as missing.
   */
  DATE,
  /** Not a feature: constant, an id, or declared so by the user. */
  IGNORE
}
