package io.dlpipe.config;

/**
 * How {@code predict --output-table} lays out the tables it writes.
 *
 * @param partitionColumn the column that holds the run's date; each run owns one partition of it
 * @param format the format of a table predict creates in the session catalog
 */
public record PredictTableConfig(String partitionColumn, TableFormat format) {}
