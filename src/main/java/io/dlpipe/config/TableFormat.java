package io.dlpipe.config;

/**
 * The format of a table {@code predict --output-table} creates in the session catalog. Parquet
 * needs nothing beyond Spark; Delta Lake and Iceberg need their jars ({@code mvn -Plakehouse}) and
 * their session settings (docs/tables.md).
 */
public enum TableFormat {
  PARQUET,
  DELTA,
  ICEBERG
}
