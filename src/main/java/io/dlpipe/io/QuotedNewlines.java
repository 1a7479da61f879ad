package io.dlpipe.io;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Finds the CSV files that hold a record spanning lines (a quoted field with a newline, RFC 4180)
 * with one parallel pass over the text: such a record leaves an unbalanced quote on its first
 * and its last line, while a well-formed one-line record always has an even number of quotes
 * (doubling escapes a quote by writing two). Only the names of the files with a hit reach the
 * driver. Broken quoting (a stray quote) is reported too; reading such a file whole costs speed,
 * never rows.
 */
final class QuotedNewlines {
  private QuotedNewlines() {}

  /** The files under {@code path} with at least one line whose quotes do not balance, sorted. */
  static List<String> filesWithUnbalancedQuotes(SparkSession spark, String path, char quote, char escape) {
    UDF1<String, Boolean> unbalanced = line -> unbalanced(line, quote, escape);
    List<String> files = new ArrayList<>();
    for (Row r : spark.read().text(path)
        .where(functions.udf(unbalanced, DataTypes.BooleanType).apply(functions.col("value")))
        .select(functions.input_file_name())
        .distinct()
        .collectAsList()) {
      files.add(r.getString(0));
    }
    files.sort(null);
    return files;
  }

  /**
   * True when a quoted field is still open at the end of the line. With a distinct escape
   * character (e.g. a backslash), the character after it inside quotes does not count.
   */
  static boolean unbalanced(String line, char quote, char escape) {
    boolean open = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (open && escape != quote && c == escape) {
        i++;
      } else if (c == quote) {
        open = !open;
      }
    }
    return open;
  }

  /**
   * One spelling for a file URI, so that Spark's listing ({@code file:/a}) and {@code
   * input_file_name()} ({@code file:///a}) compare equal; decoded, as Hadoop paths are given.
   */
  static String normalize(String uri) {
    URI u = URI.create(uri);
    String authority = u.getAuthority() == null ? "" : u.getAuthority();
    return (u.getScheme() == null ? "" : u.getScheme() + "://") + authority + u.getPath();
  }
}
