package io.dlpipe.config;

/** The file formats dlpipe reads raw data from. */
public enum InputFormat {
  CSV,
  JSON,
  PARQUET
}
