package io.dlpipe.input;

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
 * with one parallel pass over the text: each line is tokenized the way Spark's CSV parser does it
 * (a quote opens a field only at its start, doubling or the escape character escapes it inside, and
 * a quote followed by other text ends the quoting), and a line that ends inside an open quoted
 * field starts such a record. Only the names of the files with a hit reach the driver.
 */
final class QuotedNewlines {
  private QuotedNewlines() {}

  /** The files under {@code path} with a line that ends inside a quoted field, sorted. */
  static List<String> filesWithQuotedNewlines(
      SparkSession spark, String path, char delimiter, char quote, char escape) {
    return filesWithQuotedNewlines(spark, List.of(path), delimiter, quote, escape);
  }

  /**
   * The files among {@code paths} (files or folders) with a line that ends inside a quoted field,
   * sorted.
   */
  static List<String> filesWithQuotedNewlines(
      SparkSession spark, List<String> paths, char delimiter, char quote, char escape) {
    UDF1<String, Boolean> opens = line -> endsInsideQuotes(line, delimiter, quote, escape);
    List<String> files = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .text(paths.toArray(new String[0]))
            .where(functions.udf(opens, DataTypes.BooleanType).apply(functions.col("value")))
            .select(functions.input_file_name())
            .distinct()
            .collectAsList()) {
      files.add(r.getString(0));
    }
    files.sort(null);
    return files;
  }

  /**
   * True when the line ends inside a quoted field, read from the line's start as a record's start.
   * The last line of a spanning record reads as unquoted text, so only a record's first line hits.
   */
  static boolean endsInsideQuotes(String line, char delimiter, char quote, char escape) {
    Quotes q = new Quotes(delimiter, quote, escape);
    int n = line.length();
    for (int i = 0; i < n; i++) {
      i += q.accept(line.charAt(i), i + 1 < n ? line.charAt(i + 1) : -1);
    }
    return q.quoted;
  }

  /**
   * The first record of {@code text} that spans more than {@code maxLines} lines, as {start line
   * (1-based, the header counted), lines spanned}; null when none does. The same tokenizing as
   * {@link #endsInsideQuotes}, carried across lines: a line break inside an open quoted field
   * continues the record.
   */
  static long[] firstLongRecord(
      java.io.Reader reader, char delimiter, char quote, char escape, int maxLines)
      throws java.io.IOException {
    java.io.PushbackReader text = new java.io.PushbackReader(reader, 1);
    Quotes q = new Quotes(delimiter, quote, escape);
    long line = 1;
    long start = 1;
    int prev = -1;
    int c;
    while ((c = text.read()) >= 0) {
      if (c == '\n' && prev == '\r') {
        prev = c; // CRLF: one line break
        continue;
      }
      if (c == '\n' || c == '\r') {
        line++;
        if (!q.quoted) {
          if (line - start > maxLines) {
            return new long[] {start, line - start};
          }
          start = line;
          q.fieldStart = true;
        }
        prev = c;
        continue;
      }
      int next = text.read();
      if (q.accept(c, next) == 0) {
        if (next >= 0) {
          text.unread(next);
        }
        prev = c;
      } else {
        line += next == '\n' || next == '\r' ? 1 : 0; // an escaped line break is still a line
        prev = next;
      }
    }
    // The last record, which may run to the end of the file without a closing quote.
    long end = prev == '\n' || prev == '\r' ? line : line + 1;
    return end - start > maxLines ? new long[] {start, end - start} : null;
  }

  /**
   * Spark's CSV quote rules, one character at a time (line breaks are the caller's): a quote opens
   * a field only at its start, doubling or the escape character escapes it inside, and a quote
   * followed by other text ends the quoting.
   */
  private static final class Quotes {
    private final char delimiter;
    private final char quote;
    private final char escape;
    boolean quoted;
    boolean fieldStart = true;

    Quotes(char delimiter, char quote, char escape) {
      this.delimiter = delimiter;
      this.quote = quote;
      this.escape = escape;
    }

    /**
     * Takes {@code c}, with {@code next} the character after it (-1 at the end); returns 1 when it
     * consumed {@code next} too.
     */
    int accept(int c, int next) {
      if (quoted) {
        if (escape != quote && c == escape) {
          return 1;
        }
        if (c == quote) {
          if (escape == quote && next == quote) {
            return 1;
          }
          // The closing quote, or (Spark's STOP_AT_DELIMITER) a stray one that turns the rest of
          // the value into plain text.
          quoted = false;
        }
      } else if (c == delimiter) {
        fieldStart = true;
      } else {
        quoted = fieldStart && c == quote;
        fieldStart = false;
      }
      return 0;
    }
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
