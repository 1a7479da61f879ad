package io.dlpipe.etl;

import io.dlpipe.DataException;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * What identifies a row without its target, and what the data's repeated feature rows imply.
 *
 * <p>A <em>feature row</em> is the values of the columns the network sees (numeric, categorical and
 * date; never the target, an ignored column or one privacy dropped): numbers compared as numbers
 * ({@code 1}, {@code 1.0} and {@code 1e0} are one value), text stripped, every null value one
 * "missing". etl splits by its fingerprint, so the split cannot depend on the label, and rows with
 * the same features never straddle train and test.
 *
 * <p>Tabular data with few, coarse columns often repeats feature rows with different labels. No
 * model can tell such rows apart, so the share of conflicting labels bounds every metric: {@link
 * #measure} reports that bound from one sorted pass over fingerprints (12 bytes, the split and the
 * label per row in the shuffle; only per-split aggregates reach the driver).
 */
public final class FeatureRows {
  /**
   * Below this many distinct feature rows in the test split the metrics rest on few independent
   * points: an AUC on 100 distinct points has a standard error near 0.03.
   */
  static final long FEW_TEST_FEATURE_ROWS = 100;

  /** ...or below this many, when each test feature row is repeated twice or more on average. */
  static final long REPEATED_TEST_FEATURE_ROWS = 1_000;

  /**
   * Stands for a missing cell in the key. A good row's cell can never hold it: a cell with a
   * control character is quarantined. Spark's hash skips nulls, so a null would make (missing, "a")
   * and ("a", missing) the same key.
   */
  private static final String MISSING = "\u0000";

  private static final String KEY = Columns.INTERNAL_PREFIX + "feature_key";

  /** The name of the facts over all splits together. */
  public static final String ALL = "all";

  private FeatureRows() {}

  /**
   * The feature columns in name order: the columns of the feature vector's source. Name order, not
   * input order, so that the same data gives the same split whatever order its columns come in (a
   * JSON reader sorts them, a re-export may not).
   */
  public static List<String> featureColumns(List<ColumnSpec> specs) {
    return specs.stream().filter(ColumnSpec::isFeature).map(ColumnSpec::name).sorted().toList();
  }

  /**
   * Stops a split by features when there is no feature column: every row would land in one split.
   */
  public static void requireFeatures(List<ColumnSpec> specs) {
    if (featureColumns(specs).isEmpty()) {
      throw new DataException(
          "No feature column to split by: every input column other than the target is ignored ("
              + String.join(", ", specs.stream().map(s -> s.name() + ": " + s.role()).toList())
              + "); declare roles in input.columns or set etl.split.id-column");
    }
  }

  /**
   * Adds {@link Columns#FEATURE_HASH64} and {@link Columns#FEATURE_HASH32} from the feature columns
   * of {@code specs}.
   */
  public static Dataset<Row> fingerprint(
      Dataset<Row> rows, List<ColumnSpec> specs, List<String> nullValues) {
    List<String> names = featureColumns(specs);
    boolean[] numeric = new boolean[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      numeric[i] = specs.stream().anyMatch(s -> s.name().equals(n) && s.isNumeric());
    }
    RawParsing parsing = new RawParsing(nullValues);
    int width = names.size();
    UDF1<Row, String[]> key =
        row -> {
          String[] out = new String[width];
          for (int i = 0; i < width; i++) {
            String cell = row.getString(i);
            Object v = numeric[i] ? parsing.number(cell) : parsing.text(cell);
            out[i] = v == null ? MISSING : v.toString();
          }
          return out;
        };
    Column k = functions.col(KEY);
    // The key is computed once: Spark does not collapse the projections when that would repeat a
    // UDF.
    return rows.withColumn(
            KEY,
            functions
                .udf(key, DataTypes.createArrayType(DataTypes.StringType, false))
                .apply(ParsedCells.struct(names)))
        .withColumn(Columns.FEATURE_HASH64, functions.xxhash64(k))
        .withColumn(Columns.FEATURE_HASH32, functions.hash(k))
        .drop(KEY);
  }

  /**
   * What {@link #measure} found: the facts, and the duplicate rows when it was given row
   * fingerprints (else 0).
   */
  public record Measured(FeatureRowStats facts, long duplicates) {}

  /**
   * The facts of good, split rows: per split and over {@value #ALL}, the rows, the distinct feature
   * rows, those carrying more than one label and the rows in them, and the best score any function
   * of the features can reach on those rows (see {@link FeatureRowStats.Part}).
   *
   * <p>One Spark job: each partition is sorted by the fingerprint and read as a stream of groups
   * ({@link FeatureRowFacts}), so what a task holds is its sort buffer (Spark's, spilling to disk),
   * not a hash table of every distinct feature row; only one small partial per partition reaches
   * the driver, merged in partition order.
   *
   * <p>Given the fingerprint of whole rows ({@code rowHash64}, {@code rowHash32}) over columns that
   * include every feature column, the same pass counts duplicate rows: equal rows have equal
   * features, so they meet inside one feature row, next to each other once sorted by the row
   * fingerprint too. The count is the one a group-by of the row fingerprint gives ({@link
   * Deduplicator#countDuplicates}), without its shuffle and hash table.
   *
   * @param rows good rows with {@link Columns#SPLIT}, {@link Columns#TARGET} and the fingerprint,
   *     partitioned by the fingerprint (every row of a feature row in one partition)
   * @param positiveClass binary classification: the positive label; else null
   * @param splitRule how the rows were split, recorded beside the facts
   * @param rowHash64 the column of the rows' 64-bit fingerprint, or null not to count duplicates
   * @param rowHash32 the column of the rows' 32-bit fingerprint, or null
   */
  public static Measured measure(
      Dataset<Row> rows,
      Task task,
      String positiveClass,
      String splitRule,
      List<String> splitOrder,
      String rowHash64,
      String rowHash32) {
    boolean regression = task == Task.REGRESSION;
    List<String> splits = List.copyOf(splitOrder);
    boolean counting = rowHash64 != null;
    FlatMapFunction<Iterator<Row>, FeatureRowFacts> facts =
        it -> {
          FeatureRowFacts f = new FeatureRowFacts(splits.size(), regression, positiveClass);
          boolean first = true;
          long h64 = 0;
          int h32 = 0;
          long r64 = 0;
          int r32 = 0;
          while (it.hasNext()) {
            Row r = it.next();
            boolean repeated = false;
            if (first || r.getLong(0) != h64 || r.getInt(1) != h32) {
              f.endGroup();
              f.startGroup();
              h64 = r.getLong(0);
              h32 = r.getInt(1);
              first = false;
            } else if (counting) {
              repeated = r.getLong(4) == r64 && r.getInt(5) == r32;
            }
            if (counting) {
              r64 = r.getLong(4);
              r32 = r.getInt(5);
            }
            int split = splits.indexOf(r.getString(2));
            if (split < 0) {
              throw new IllegalStateException(
                  "Row of split " + r.getString(2) + ", expected one of " + splits);
            }
            f.add(split, r.get(3), repeated);
          }
          f.endGroup();
          return List.of(f).iterator();
        };
    List<Column> cols =
        new ArrayList<>(
            List.of(
                functions.col(Columns.FEATURE_HASH64),
                functions.col(Columns.FEATURE_HASH32),
                functions.col(Columns.SPLIT),
                functions.col(Columns.TARGET)));
    List<Column> order = new ArrayList<>(cols.subList(0, 2));
    if (counting) {
      cols.add(functions.col(rowHash64));
      cols.add(functions.col(rowHash32));
      order.addAll(cols.subList(4, 6));
    }
    FeatureRowFacts merged = null;
    // Bounded: one partial per partition, each a few counters per split.
    for (FeatureRowFacts f :
        rows.select(cols.toArray(new Column[0]))
            .sortWithinPartitions(order.toArray(new Column[0]))
            .javaRDD()
            .mapPartitions(facts)
            .collect()) {
      merged = merged == null ? f : merged.merge(f);
    }
    if (merged == null) {
      merged = new FeatureRowFacts(splits.size(), regression, positiveClass);
    }

    Map<String, FeatureRowStats.Part> parts = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(splits);
    names.add(ALL);
    for (int p = 0; p < names.size(); p++) {
      long n = merged.rows[p];
      if (n == 0) {
        parts.put(names.get(p), new FeatureRowStats.Part(0, 0, 0, 0, null, null, null));
        continue;
      }
      Double accuracy = regression ? null : round((double) merged.top[p] / n);
      Double auc = positiveClass == null ? null : merged.bestAuc(p);
      Double r2 = null;
      if (regression) {
        double total = merged.target[p].m2;
        r2 = total > 0 ? round(1 - merged.within[p] / total) : null;
      }
      parts.put(
          names.get(p),
          new FeatureRowStats.Part(
              n,
              merged.distinct[p],
              merged.several[p],
              merged.severalRows[p],
              accuracy,
              auc == null ? null : round(auc),
              r2));
    }
    return new Measured(
        new FeatureRowStats(splitRule, merged.straddling, parts, warnings(parts.get(Columns.TEST))),
        merged.duplicates);
  }

  /** The warnings a reader of the metrics must see: a test split of few distinct feature rows. */
  static List<String> warnings(FeatureRowStats.Part test) {
    List<String> out = new ArrayList<>();
    if (test == null || test.rows() == 0) {
      return out;
    }
    boolean few = test.distinct() < FEW_TEST_FEATURE_ROWS;
    boolean repeated =
        test.distinct() < REPEATED_TEST_FEATURE_ROWS && test.rows() >= 2 * test.distinct();
    if (few || repeated) {
      out.add(
          String.format(
              Locale.ROOT,
              "The test split holds %,d rows but only %,d distinct feature rows: its metrics rest on %,d independent points and vary more than its row count suggests",
              test.rows(),
              test.distinct(),
              test.distinct()));
    }
    return out;
  }

  private static double round(double d) {
    return Math.round(d * 1e6) / 1e6;
  }
}
