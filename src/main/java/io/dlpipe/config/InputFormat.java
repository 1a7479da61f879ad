package io.dlpipe.config;

/**
 * Where dlpipe reads raw data from: files of a format under input.path, or a table of the session's
 * catalog (input.table).
 */
public enum InputFormat {
  CSV,
  JSON,
  PARQUET,
  TABLE
}
