package io.dlpipe.config;

/** How a raw input column feeds the feature vector. */
public enum ColumnRole {
  /** Parsed as a double, imputed, optionally clipped and log-scaled, then normalized. */
  NUMERIC,
  /** Kept as text and encoded against a vocabulary fitted on train. */
  CATEGORICAL,
  /** Not a feature: constant, an id, or declared so by the user. */
  IGNORE
}
