package io.dlpipe.etl;

import io.dlpipe.ConfigException;
import io.dlpipe.config.InputConfig;
import io.dlpipe.config.InputFormat;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.spark.Columns;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code privacy.drop-columns} and {@code privacy.hash-columns}, applied to the frame the reader
 * returned and before anything else sees it, so that no later stage (the quarantine, role
 * inference, the transform's vocabularies, the report, importance, predictions, logs) can write a
 * personal value: they only ever see the hash, or nothing.
 *
 * <p>A hashed cell becomes the 64 hex digits of SHA-256(salt + cell text): equal values stay equal
 * (a hashed customer id still works as a category, a split id or a dedup key) but cannot be read
 * back. Missing cells ({@code input.null-values}) stay as they are, so imputation still sees them
 * as missing. The quarantine's {@code raw} text of a malformed CSV row is the reader's original
 * line ({@link Columns#CORRUPT}): it is rebuilt with the column's field hashed or removed when the
 * line splits into as many fields as the header has, and withheld otherwise, because no field could
 * then be attributed to its column. Raw text of a malformed JSON record is always withheld.
 *
 * <p>The salt travels to the executors inside the functions, never as a literal of the query plan,
 * which Spark shows in its UI and logs.
 */
public final class Privacy {
  /** What replaces the raw text of a malformed row when its personal fields cannot be located. */
  public static final String WITHHELD = "[withheld by privacy settings: malformed row]";

  private Privacy() {}

  /**
   * The frame with the drop columns removed and the hash columns hashed (as text), everything else
   * unchanged. Works on the reader's typed frame and on its all-text form alike.
   *
   * @param requirePresent true in etl, where a privacy column missing from the input is a typo that
   *     would let personal data through (exit code 2); false in predict, where new data may lack a
   *     column the model never used
   */
  public static Dataset<Row> apply(
      Dataset<Row> raw, PrivacyConfig privacy, InputConfig input, boolean requirePresent) {
    if (privacy.isEmpty()) {
      return raw;
    }
    List<String> names = Arrays.asList(raw.columns());
    List<String> dataColumns =
        names.stream().filter(n -> !n.startsWith(Columns.INTERNAL_PREFIX)).toList();
    if (requirePresent) {
      for (String key : List.of("privacy.drop-columns", "privacy.hash-columns")) {
        for (String c :
            key.endsWith("drop-columns") ? privacy.dropColumns() : privacy.hashColumns()) {
          if (!names.contains(c)) {
            throw new ConfigException(
                "Invalid configuration: "
                    + key
                    + ": expected columns of the input, found '"
                    + c
                    + "', which "
                    + input.describe()
                    + " does not have (its columns: "
                    + dataColumns
                    + ")");
          }
        }
      }
    }
    Cells cells = new Cells(privacy.salt(), input.nullValues());
    Set<String> drop = new LinkedHashSet<>(privacy.dropColumns());
    Set<String> hash = new LinkedHashSet<>(privacy.hashColumns());
    List<Column> out = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      String name = f.name();
      if (drop.contains(name)) {
        continue;
      }
      if (hash.contains(name)) {
        out.add(functions.udf(cells, DataTypes.StringType).apply(asText(f)).as(name));
      } else if (name.equals(Columns.CORRUPT)) {
        Lines lines = new Lines(cells, input, dataColumns, drop, hash);
        out.add(functions.udf(lines, DataTypes.StringType).apply(Columns.col(name)).as(name));
      } else {
        out.add(Columns.col(name));
      }
    }
    return raw.select(out.toArray(new Column[0]));
  }

  /** The hash a present cell becomes: 64 hex digits of SHA-256(salt + cell), both as UTF-8. */
  public static String hash(String salt, String cell) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(cell.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The per-cell hash of {@link #apply} as a function, for code that hashes only some cells: the
   * features a model reads in {@code eval.BundleScorer} and the SQL function. Missing cells pass
   * through. Serializable: the salt travels inside it, never as a literal of the plan.
   */
  public static UDF1<String, String> hasher(String salt, List<String> nullValues) {
    return new Cells(salt, nullValues);
  }

  /**
   * Recorded in model.json: tells whether predict hashes with the salt etl used, without revealing
   * it.
   */
  public static String saltCheck(String salt) {
    return hash(salt, "dlpipe salt check");
  }

  private static Column asText(StructField f) {
    DataType t = f.dataType();
    Column c = Columns.col(f.name());
    if (t instanceof StructType || t instanceof ArrayType || t instanceof MapType) {
      return functions.to_json(c);
    }
    return t.equals(DataTypes.StringType) ? c : c.cast(DataTypes.StringType);
  }

  /** Hashes one cell; missing cells pass through. */
  static final class Cells implements UDF1<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String salt;
    private final Set<String> nullValues;

    Cells(String salt, List<String> nullValues) {
      this.salt = salt;
      this.nullValues = Set.copyOf(nullValues);
    }

    @Override
    public String call(String cell) {
      return cell == null || nullValues.contains(cell.trim()) ? cell : hash(salt, cell);
    }

    @Override
    public String toString() {
      return "Privacy.Cells"; // never the salt
    }
  }

  /** Rebuilds the raw line of a malformed row with the private fields hashed or removed. */
  static final class Lines implements UDF1<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Cells cells;
    private final boolean csv;
    private final char delimiter;
    private final char quote;
    private final char escape;

    /** Per header position: 'k' keep, 'd' drop, 'h' hash. */
    private final char[] action;

    Lines(Cells cells, InputConfig input, List<String> header, Set<String> drop, Set<String> hash) {
      this.cells = cells;
      this.csv = input.format() == InputFormat.CSV;
      this.delimiter = input.delimiter().charAt(0);
      this.quote = input.quote().charAt(0);
      this.escape = input.escape().charAt(0);
      this.action = new char[header.size()];
      for (int i = 0; i < header.size(); i++) {
        action[i] = drop.contains(header.get(i)) ? 'd' : hash.contains(header.get(i)) ? 'h' : 'k';
      }
    }

    @Override
    public String call(String line) {
      if (line == null) {
        return null;
      }
      if (!csv) {
        return WITHHELD;
      }
      String body =
          line.endsWith("\r\n")
              ? line.substring(0, line.length() - 2)
              : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      List<String[]> fields = split(body);
      if (fields == null || fields.size() != action.length) {
        return WITHHELD;
      }
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        if (action[i] != 'd') {
          kept.add(action[i] == 'h' ? hashed(fields.get(i)) : fields.get(i)[0]);
        }
      }
      return String.join(String.valueOf(delimiter), kept);
    }

    private String hashed(String[] field) {
      String h = cells.call(field[1]);
      return h.equals(field[1]) ? field[0] : h; // a missing cell keeps its original text
    }

    /** Each field as {raw text, unquoted value}; null when a quote is left open. */
    List<String[]> split(String line) {
      List<String[]> out = new ArrayList<>();
      int start = 0;
      StringBuilder value = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == escape
              && i + 1 < line.length()
              && (line.charAt(i + 1) == quote
                  || (escape != quote && line.charAt(i + 1) == escape))) {
            value.append(line.charAt(++i));
          } else if (c == quote) {
            quoted = false;
          } else {
            value.append(c);
          }
        } else if (c == quote) {
          quoted = true;
        } else if (c == delimiter) {
          out.add(new String[] {line.substring(start, i), value.toString()});
          value.setLength(0);
          start = i + 1;
        } else {
          value.append(c);
        }
      }
      if (quoted) {
        return null;
      }
      out.add(new String[] {line.substring(start), value.toString()});
      return out;
    }

    @Override
    public String toString() {
      return "Privacy.Lines";
    }
  }
}
