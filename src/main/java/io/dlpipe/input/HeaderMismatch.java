package io.dlpipe.input;

import io.dlpipe.DataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * A CSV file whose header differs from the input's columns, told in the file's own words. Spark's
 * two messages for it show the header as its parser tokenized it: with dlpipe's internal null
 * marker (NUL bytes) in place of a missing name, against the columns a query happened to need, or
 * (for a different count) with no names at all, as an exception with a trace. This reads the header
 * line of the file Spark names, as written.
 */
final class HeaderMismatch {
  /** Spark's CSVHeaderChecker, for a name that differs and for a count that differs. */
  private static final Pattern SPARK =
      Pattern.compile(
          "CSV header does not conform to the schema|Number of column in CSV header is not equal to number of fields in the schema");

  private static final Pattern FILE = Pattern.compile("CSV file: (\\S+)");

  /** A header line longer than this is cut in the message (a file without line breaks). */
  private static final int MAX_HEADER_BYTES = 4096;

  private HeaderMismatch() {}

  /**
   * The one-line error when a header mismatch is in {@code e}'s cause chain, else null.
   *
   * @param path the input as messages name it, or null when unknown
   * @param expected the input's columns, or null when unknown
   */
  static DataException explain(
      Throwable e, String path, List<String> expected, Configuration conf) {
    String file = null;
    boolean found = false;
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (SPARK.matcher(m).find()) {
        found = true;
        Matcher f = FILE.matcher(m);
        if (f.find()) {
          file = f.group(1);
        }
      }
    }
    if (!found) {
      return null;
    }
    String where =
        path == null ? "the CSV files of the input" : "the files under " + path + " (input.path)";
    StringBuilder m =
        new StringBuilder("Schema mismatch: " + where + " do not all have the same header: ");
    String line = file == null ? null : headerLine(file, conf);
    m.append(file == null ? "a file" : file)
        .append(line == null ? " has another header" : " has the header line \"" + line + "\"");
    if (expected != null) {
      m.append(", but the input's columns are ")
          .append(String.join(",", expected))
          .append(" (")
          .append(expected.size())
          .append(" columns)");
    }
    return new DataException(
        m.append("; give every file the same header, or read the files separately").toString(), e);
  }

  /**
   * The first line of {@code file} (decompressed), control characters escaped; null when
   * unreadable.
   */
  private static String headerLine(String file, Configuration conf) {
    Path p = new Path(file);
    try {
      FileSystem fs = p.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
      try (InputStream raw = fs.open(p);
          InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && bytes.size() < MAX_HEADER_BYTES) {
          bytes.write(b);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        StringBuilder shown = new StringBuilder();
        for (char c : text.toCharArray()) {
          // One line on stderr: a control character is shown, not obeyed.
          shown.append(
              Character.isISOControl(c) && c != '\t'
                  ? String.format(java.util.Locale.ROOT, "\\u%04X", (int) c)
                  : String.valueOf(c));
        }
        return shown + (bytes.size() >= MAX_HEADER_BYTES ? "..." : "");
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
