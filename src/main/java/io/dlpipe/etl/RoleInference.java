package io.dlpipe.etl;

import io.dlpipe.DataException;
import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.InputConfig;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;

/**
 * Decides the role of every input column: declared roles first, then inference from one
 * aggregation pass over the well-formed rows (never a collect of rows). A text column is numeric
 * when nearly all of its present cells parse; a column with one distinct value is constant and
 * ignored; a text or integer column with one distinct value per row is an id and ignored.
 */
public final class RoleInference {
  /** Below this many present cells, "one value per row" says nothing about being an id. */
  static final long MIN_ROWS_FOR_ID = 100;

  private RoleInference() {}

  /** Checks the input's columns against the config before any pass over the data. */
  public static void checkSchema(List<String> inputColumns, InputConfig input, String target, String splitIdColumn, List<String> dedupKeys) {
    Set<String> present = new LinkedHashSet<>(inputColumns);
    if (!present.contains(target)) {
      throw new DataException("Schema mismatch: target column '" + target + "' (target.column) is not in the input; columns found: " + String.join(", ", inputColumns));
    }
    for (String declared : input.columns().keySet()) {
      if (!present.contains(declared)) {
        throw new DataException("Schema mismatch: column '" + declared + "' declared in input.columns is not in the input; columns found: " + String.join(", ", inputColumns));
      }
    }
    if (!splitIdColumn.isEmpty() && !present.contains(splitIdColumn)) {
      throw new DataException("Schema mismatch: split id column '" + splitIdColumn + "' (etl.split.id-column) is not in the input; columns found: " + String.join(", ", inputColumns));
    }
    for (String key : dedupKeys) {
      if (!present.contains(key)) {
        throw new DataException("Schema mismatch: dedup key column '" + key + "' (etl.dedup.key-columns) is not in the input; columns found: " + String.join(", ", inputColumns));
      }
    }
    if (!input.inferRoles()) {
      List<String> undeclared = new ArrayList<>();
      for (String c : inputColumns) {
        if (!c.equals(target) && !input.columns().containsKey(c)) {
          undeclared.add(c);
        }
      }
      if (!undeclared.isEmpty()) {
        throw new DataException("Schema mismatch: input.infer-roles = false but these input columns have no role in input.columns: " + String.join(", ", undeclared));
      }
    }
  }

  /** The role of each input column, in input order; the target column gets role {@code target}. */
  public static List<ColumnSpec> infer(Dataset<Row> raw, List<String> inputColumns, InputConfig input, String target, EtlConfig.Infer cfg) {
    List<String> toInfer = new ArrayList<>();
    for (String c : inputColumns) {
      if (!c.equals(target) && !input.columns().containsKey(c)) {
        toInfer.add(c);
      }
    }
    Map<String, Stats> stats = toInfer.isEmpty() ? Map.of() : profile(raw, toInfer, input.nullValues());
    List<ColumnSpec> specs = new ArrayList<>();
    for (String c : inputColumns) {
      if (c.equals(target)) {
        specs.add(new ColumnSpec(c, ColumnSpec.TARGET, "declared", "target.column"));
      } else if (input.columns().containsKey(c)) {
        specs.add(ColumnSpec.of(c, input.columns().get(c), "declared", "input.columns"));
      } else {
        specs.add(decide(c, stats.get(c), cfg));
      }
    }
    return specs;
  }

  /** What one aggregation pass measured about a column. */
  record Stats(long rows, long present, long numeric, long integral, long distinct) {}

  static ColumnSpec decide(String name, Stats s, EtlConfig.Infer cfg) {
    String counts = String.format(Locale.ROOT, "%d of %d cells present, %d parse as numbers, %d distinct", s.present, s.rows, s.numeric, s.distinct);
    if (s.present == 0) {
      return ColumnSpec.of(name, ColumnRole.IGNORE, "inferred", "empty: " + counts);
    }
    if (s.distinct <= 1) {
      return ColumnSpec.of(name, ColumnRole.IGNORE, "inferred", "constant: " + counts);
    }
    boolean numeric = s.numeric >= cfg.numericMinParseRatio() * s.present;
    boolean allIntegral = s.integral == s.numeric;
    boolean oneValuePerRow = s.present == s.rows && s.rows >= MIN_ROWS_FOR_ID && s.distinct >= cfg.idLikeMinDistinctRatio() * s.rows;
    if (oneValuePerRow && (!numeric || allIntegral)) {
      return ColumnSpec.of(name, ColumnRole.IGNORE, "inferred", "id-like, one value per row: " + counts);
    }
    if (numeric && allIntegral && s.distinct <= cfg.maxCategoricalNumericLevels()) {
      return ColumnSpec.of(name, ColumnRole.CATEGORICAL, "inferred", "integer codes with few levels: " + counts);
    }
    if (numeric) {
      return ColumnSpec.of(name, ColumnRole.NUMERIC, "inferred", "numbers: " + counts);
    }
    return ColumnSpec.of(name, ColumnRole.CATEGORICAL, "inferred", "text: " + counts);
  }

  /**
   * Two jobs: one aggregation counting present, numeric and integer cells per column, then exact
   * distinct counts per column over (column, value) pairs. Map-side combining keeps the second
   * shuffle small for low-cardinality columns; only near-unique columns shuffle their values.
   */
  private static Map<String, Stats> profile(Dataset<Row> raw, List<String> cols, List<String> nullValues) {
    RawParsing parsing = new RawParsing(nullValues);
    int n = cols.size();
    List<Column> refs = new ArrayList<>();
    for (String c : cols) {
      refs.add(Columns.col(c));
    }
    Dataset<Row> wellFormed = raw.where(functions.col(Columns.CORRUPT).isNull()).select(refs.toArray(new Column[0]));
    long[] zero = new long[1 + 3 * n];
    long[] counts =
        wellFormed.javaRDD().treeAggregate(
            zero,
            (acc, row) -> {
              acc[0]++;
              for (int i = 0; i < n; i++) {
                String cell = row.getString(i);
                if (!parsing.isMissing(cell)) {
                  acc[1 + 3 * i]++;
                  Double d = parsing.number(cell);
                  if (d != null) {
                    acc[2 + 3 * i]++;
                    if (d == Math.rint(d)) {
                      acc[3 + 3 * i]++;
                    }
                  }
                }
              }
              return acc;
            },
            (a, b) -> {
              for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
              }
              return a;
            });

    List<Column> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(functions.struct(functions.lit(i).as("i"), refs.get(i).as("v")));
    }
    long[] distinct = new long[n];
    Dataset<Row> values =
        wellFormed.select(functions.explode(functions.array(pairs.toArray(new Column[0]))).as("p")).select("p.i", "p.v");
    Dataset<Row> present = values.filter((org.apache.spark.api.java.function.FilterFunction<Row>) r -> !parsing.isMissing(r.getString(1)));
    Dataset<Row> stripped = present.map((org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> RowFactory.create(r.getInt(0), r.getString(1).strip()), present.encoder());
    for (Row r : stripped.distinct().groupBy("i").count().collectAsList()) {
      distinct[r.getInt(0)] = r.getLong(1);
    }

    Map<String, Stats> out = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(cols.get(i), new Stats(counts[0], counts[1 + 3 * i], counts[2 + 3 * i], counts[3 + 3 * i], distinct[i]));
    }
    return out;
  }
}
