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
import org.apache.spark.sql.functions;

/**
 * Decides the role of every input column: declared roles first, then inference from one aggregation
 * pass over the well-formed rows (never a collect of rows). A text column is numeric when nearly
 * all of its present cells parse, a date when nearly all are ISO-8601 dates or timestamps; a column
 * with one distinct value is constant and ignored; a text or integer column with one distinct value
 * per row is an id and ignored.
 */
public final class RoleInference {
  /** Below this many present cells, "one value per row" says nothing about being an id. */
  static final long MIN_ROWS_FOR_ID = 100;

  private RoleInference() {}

  /** Checks the input's columns against the config before any pass over the data. */
  public static void checkSchema(
      List<String> inputColumns,
      InputConfig input,
      String target,
      String splitIdColumn,
      List<String> dedupKeys) {
    Set<String> present = new LinkedHashSet<>(inputColumns);
    if (!present.contains(target)) {
      throw new DataException(
          "Schema mismatch: target column '"
              + target
              + "' (target.column) is not in the input; columns found: "
              + String.join(", ", inputColumns));
    }
    for (String declared : input.columns().keySet()) {
      if (!present.contains(declared)) {
        throw new DataException(
            "Schema mismatch: column '"
                + declared
                + "' declared in input.columns is not in the input; columns found: "
                + String.join(", ", inputColumns));
      }
    }
    if (!splitIdColumn.isEmpty() && !present.contains(splitIdColumn)) {
      throw new DataException(
          "Schema mismatch: split id column '"
              + splitIdColumn
              + "' (etl.split.id-column) is not in the input; columns found: "
              + String.join(", ", inputColumns));
    }
    for (String key : dedupKeys) {
      if (!present.contains(key)) {
        throw new DataException(
            "Schema mismatch: dedup key column '"
                + key
                + "' (etl.dedup.key-columns) is not in the input; columns found: "
                + String.join(", ", inputColumns));
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
        throw new DataException(
            "Schema mismatch: input.infer-roles = false but these input columns have no role in input.columns: "
                + String.join(", ", undeclared));
      }
    }
  }

  /** The role of each input column, in input order; the target column gets role {@code target}. */
  public static List<ColumnSpec> infer(
      Dataset<Row> raw,
      List<String> inputColumns,
      InputConfig input,
      String target,
      EtlConfig.Infer cfg) {
    return inferSampled(raw, inputColumns, input, target, cfg).specs();
  }

  /**
   * The roles, and the records they were inferred from.
   *
   * @param specs the role of each input column, in input order
   * @param recordsRead the records inference read (malformed ones included), 0 when every role was
   *     declared
   * @param wholeInput true when those were every record of the input (etl.infer.sample-rows = 0, or
   *     a smaller input)
   */
  public record Inferred(List<ColumnSpec> specs, long recordsRead, boolean wholeInput) {}

  /**
   * As {@link #infer}, from at most about etl.infer.sample-rows records: the first {@code
   * sample-rows / partitions} of every partition of the input, so that the sample spans every file
   * and costs one short read of each partition's start, not a pass over the input.
   */
  public static Inferred inferSampled(
      Dataset<Row> raw,
      List<String> inputColumns,
      InputConfig input,
      String target,
      EtlConfig.Infer cfg) {
    List<String> toInfer = new ArrayList<>();
    for (String c : inputColumns) {
      if (!c.equals(target) && !input.columns().containsKey(c)) {
        toInfer.add(c);
      }
    }
    Profile profile =
        toInfer.isEmpty()
            ? null
            : profile(raw, toInfer, input.nullValues(), cfg.dates(), cfg.sampleRows());
    Map<String, Stats> stats = profile == null ? Map.of() : profile.stats(toInfer);
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
    return new Inferred(
        specs, profile == null ? 0 : profile.records, profile == null || profile.exhausted);
  }

  /** What one aggregation pass measured about a column. */
  record Stats(long rows, long present, long numeric, long integral, long distinct, long dates) {
    Stats(long rows, long present, long numeric, long integral, long distinct) {
      this(rows, present, numeric, integral, distinct, 0);
    }
  }

  static ColumnSpec decide(String name, Stats s, EtlConfig.Infer cfg) {
    String counts =
        String.format(
            Locale.ROOT,
            "%d of %d cells present, %d parse as numbers, %d distinct",
            s.present,
            s.rows,
            s.numeric,
            s.distinct);
    if (s.present == 0) {
      return ColumnSpec.of(name, ColumnRole.IGNORE, "inferred", "empty: " + counts);
    }
    if (s.distinct <= 1) {
      return ColumnSpec.of(name, ColumnRole.IGNORE, "inferred", "constant: " + counts);
    }
    boolean numeric = s.numeric >= cfg.numericMinParseRatio() * s.present;
    // Before the id test: a timestamp column often has one value per row, and is still a feature.
    if (!numeric && cfg.dates() && s.dates >= cfg.numericMinParseRatio() * s.present) {
      return ColumnSpec.of(
          name,
          ColumnRole.DATE,
          "inferred",
          "ISO dates: " + counts + ", " + s.dates + " parse as dates");
    }
    boolean allIntegral = s.integral == s.numeric;
    boolean oneValuePerRow =
        s.present == s.rows
            && s.rows >= MIN_ROWS_FOR_ID
            && s.distinct >= cfg.idLikeMinDistinctRatio() * s.rows;
    if (oneValuePerRow && (!numeric || allIntegral)) {
      return ColumnSpec.of(
          name, ColumnRole.IGNORE, "inferred", "id-like, one value per row: " + counts);
    }
    if (numeric && allIntegral && s.distinct <= cfg.maxCategoricalNumericLevels()) {
      return ColumnSpec.of(
          name, ColumnRole.CATEGORICAL, "inferred", "integer codes with few levels: " + counts);
    }
    if (numeric) {
      return ColumnSpec.of(name, ColumnRole.NUMERIC, "inferred", "numbers: " + counts);
    }
    return ColumnSpec.of(name, ColumnRole.CATEGORICAL, "inferred", "text: " + counts);
  }

  /** Per-column counters of the profiling aggregation; merged across partitions. */
  private static final class Profile implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long rows;

    /** Records read, malformed ones included. */
    long records;

    /** True while every partition read was read to its end. */
    boolean exhausted = true;

    final long[] present;
    final long[] numeric;
    final long[] integral;
    final long[] dates;
    final DistinctSketch[] distinct;

    Profile(int n) {
      present = new long[n];
      numeric = new long[n];
      integral = new long[n];
      dates = new long[n];
      distinct = new DistinctSketch[n];
      for (int i = 0; i < n; i++) {
        distinct[i] = new DistinctSketch();
      }
    }

    Map<String, Stats> stats(List<String> cols) {
      Map<String, Stats> out = new java.util.HashMap<>();
      for (int i = 0; i < cols.size(); i++) {
        out.put(
            cols.get(i),
            new Stats(rows, present[i], numeric[i], integral[i], distinct[i].count(), dates[i]));
      }
      return out;
    }

    Profile merge(Profile o) {
      rows += o.rows;
      records += o.records;
      exhausted &= o.exhausted;
      for (int i = 0; i < present.length; i++) {
        present[i] += o.present[i];
        numeric[i] += o.numeric[i];
        integral[i] += o.integral[i];
        dates[i] += o.dates[i];
        distinct[i].merge(o.distinct[i]);
      }
      return this;
    }
  }

  /**
   * One job, no shuffle: a single aggregation over the well-formed rows counts present, numeric,
   * integer and ISO-date cells per column and sketches its distinct values ({@link DistinctSketch}:
   * exact up to 1,024 values, HyperLogLog beyond). One Java function per row whatever the width: an
   * aggregate expression per column and statistic made 2,000 columns take minutes to plan and
   * compile.
   */
  private static Profile profile(
      Dataset<Row> raw,
      List<String> cols,
      List<String> nullValues,
      boolean dates,
      long sampleRows) {
    RawParsing parsing = new RawParsing(nullValues);
    DateParsing dateParsing = new DateParsing();
    int n = cols.size();
    List<Column> refs = new ArrayList<>();
    for (String c : cols) {
      refs.add(Columns.col(c));
    }
    refs.add(functions.col(Columns.CORRUPT));
    org.apache.spark.api.java.JavaRDD<Row> rows = raw.select(refs.toArray(new Column[0])).javaRDD();
    int partitions = Math.max(1, rows.getNumPartitions());
    long perPartition =
        sampleRows <= 0 ? Long.MAX_VALUE : Math.max(1, (sampleRows + partitions - 1) / partitions);
    return rows.mapPartitions(
            (java.util.Iterator<Row> it) -> {
              Profile acc = new Profile(n);
              while (acc.records < perPartition && it.hasNext()) {
                Row row = it.next();
                acc.records++;
                if (!row.isNullAt(n)) {
                  continue;
                }
                acc.rows++;
                for (int i = 0; i < n; i++) {
                  String text = parsing.text(row.getString(i));
                  if (text == null) {
                    continue;
                  }
                  acc.present[i]++;
                  acc.distinct[i].add(text);
                  Double d = parsing.number(text);
                  if (d != null) {
                    acc.numeric[i]++;
                    if (d == Math.rint(d)) {
                      acc.integral[i]++;
                    }
                  } else if (dates && dateParsing.parse(text) != null) {
                    acc.dates[i]++;
                  }
                }
              }
              // Stopping early leaves the rest of the partition unread.
              acc.exhausted = !it.hasNext();
              return java.util.List.of(acc).iterator();
            })
        .reduce(Profile::merge);
  }
}
