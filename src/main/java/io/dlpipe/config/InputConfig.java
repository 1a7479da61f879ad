package io.dlpipe.config;

import java.util.List;
import java.util.Map;

/**
 * Where the raw data is and how to read it.
 *
 * @param path any Hadoop path (plain, {@code file://}, {@code hdfs://}, {@code s3a://}); folders
 *     and globs read every file
 * @param format the file format
 * @param header csv: the first line of each file names the columns
 * @param delimiter csv field separator
 * @param quote csv quote character
 * @param escape csv escape character; defaults to the quote (RFC 4180 doubling)
 * @param encoding charset of csv and json files
 * @param nullValues cell texts (after trimming) that mean "missing"
 * @param columns declared roles, in declaration order; they win over inference
 * @param inferRoles whether undeclared columns get an inferred role, or are a schema error
 * @param options extra Spark reader options, passed through unchanged
 * @param multiLine csv: whether a quoted field may hold a newline (see {@link CsvMultiLine})
 * @param table format table: the table of the session's catalog ({@code db.name}, {@code
 *     catalog.db.name}, {@code delta.`/path`}); empty otherwise, when {@code path} is empty instead
 * @param where a SQL predicate on the input's columns, or empty: a partition filter for a table,
 *     pushed down to the Parquet reader, applied to the parsed text cells of csv and json
 * @param maxRecordLines csv: the most physical lines one record may span; a longer one is a data
 *     error
 */
public record InputConfig(
    String path,
    InputFormat format,
    boolean header,
    String delimiter,
    String quote,
    String escape,
    String encoding,
    List<String> nullValues,
    Map<String, ColumnRole> columns,
    boolean inferRoles,
    Map<String, String> options,
    CsvMultiLine multiLine,
    String table,
    String where,
    int maxRecordLines) {

  /** The default of {@code input.csv.max-record-lines}. */
  public static final int DEFAULT_MAX_RECORD_LINES = 100;

  /** The configuration before {@code input.csv.multi-line} existed: {@link CsvMultiLine#AUTO}. */
  public InputConfig(
      String path,
      InputFormat format,
      boolean header,
      String delimiter,
      String quote,
      String escape,
      String encoding,
      List<String> nullValues,
      Map<String, ColumnRole> columns,
      boolean inferRoles,
      Map<String, String> options) {
    this(
        path,
        format,
        header,
        delimiter,
        quote,
        escape,
        encoding,
        nullValues,
        columns,
        inferRoles,
        options,
        CsvMultiLine.AUTO,
        "",
        "",
        DEFAULT_MAX_RECORD_LINES);
  }

  public InputConfig {
    nullValues = List.copyOf(nullValues);
    columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
    options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    table = table == null ? "" : table;
    where = where == null ? "" : where;
  }

  /**
   * The same settings for another path (batch prediction reads new data the way etl read the old).
   */
  public InputConfig withPath(String otherPath) {
    return new InputConfig(
        otherPath,
        format,
        header,
        delimiter,
        quote,
        escape,
        encoding,
        nullValues,
        columns,
        inferRoles,
        options,
        multiLine,
        table,
        where,
        maxRecordLines);
  }

  /**
   * The same settings for another source: a table name when the format is {@link
   * InputFormat#TABLE}, else a path ({@code predict --input} names either, like the configuration
   * it runs with).
   */
  public InputConfig withSource(String source) {
    return isTable()
        ? new InputConfig(
            path,
            format,
            header,
            delimiter,
            quote,
            escape,
            encoding,
            nullValues,
            columns,
            inferRoles,
            options,
            multiLine,
            source,
            where,
            maxRecordLines)
        : withPath(source);
  }

  /** Whether the input is a table of the session's catalog rather than files under a path. */
  public boolean isTable() {
    return format == InputFormat.TABLE;
  }

  /** The input as messages and summaries name it: the path, or "table NAME", plus the filter. */
  public String describe() {
    return (isTable() ? "table " + table : path) + (where.isEmpty() ? "" : " where " + where);
  }

  /** The key that names the input, for messages: input.table or input.path. */
  public String sourceKey() {
    return isTable() ? "input.table" : "input.path";
  }
}
