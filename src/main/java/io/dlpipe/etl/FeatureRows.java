package io.dlpipe.etl;

import io.dlpipe.DataException;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
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
 * #measure} reports that bound with a few aggregations over fingerprints (12 bytes, the split and
 * the label per row in the shuffle; only per-split aggregates reach the driver).
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
  private static final String PART = "part";

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
   * The facts of good, split rows: per split and over {@value #ALL}, the rows, the distinct feature
   * rows, those carrying more than one label and the rows in them, and the best score any function
   * of the features can reach on those rows (see {@link FeatureRowStats.Part}).
   *
   * @param rows good rows with {@link Columns#SPLIT}, {@link Columns#TARGET} and the fingerprint
   * @param positiveClass binary classification: the positive label; else null
   * @param splitRule how the rows were split, recorded beside the facts
   */
  public static FeatureRowStats measure(
      Dataset<Row> rows,
      Task task,
      String positiveClass,
      String splitRule,
      List<String> splitOrder) {
    Column h64 = functions.col(Columns.FEATURE_HASH64);
    Column h32 = functions.col(Columns.FEATURE_HASH32);
    Column split = functions.col(Columns.SPLIT);
    Column y = functions.col(Columns.TARGET);
    boolean regression = task == Task.REGRESSION;
    Dataset<Row> perSplit;
    Dataset<Row> pooled;
    if (regression) {
      // Within-group sum of squares: what the group mean, the best function of the features, leaves
      // unexplained.
      perSplit =
          rows.groupBy(h64, h32, split)
              .agg(
                  functions.count(functions.lit(1)).as("n"),
                  functions.avg(y).as("mean"),
                  functions.var_pop(y).multiply(functions.count(functions.lit(1))).as("m2"),
                  functions
                      .when(functions.min(y).lt(functions.max(y)), 2)
                      .otherwise(1)
                      .as("labels"));
      // Pooled over the splits by the parallel-variance formula, from the per-split groups (no
      // second pass over the rows).
      pooled =
          perSplit
              .groupBy(h64, h32)
              .agg(
                  functions.sum("n").as("n"),
                  functions.sum(functions.col("n").multiply(functions.col("mean"))).as("s"),
                  functions
                      .sum(
                          functions
                              .col("m2")
                              .plus(
                                  functions
                                      .col("n")
                                      .multiply(functions.col("mean"))
                                      .multiply(functions.col("mean"))))
                      .as("q"),
                  functions.max("labels").as("labels"),
                  functions.count(functions.lit(1)).as("splits"),
                  functions.countDistinct(functions.col("mean")).as("means"))
              .select(
                  functions.lit(ALL).as(PART),
                  functions.col("n"),
                  functions
                      .greatest(
                          functions.lit(0.0),
                          functions
                              .col("q")
                              .minus(
                                  functions
                                      .col("s")
                                      .multiply(functions.col("s"))
                                      .divide(functions.col("n"))))
                      .as("m2"),
                  functions
                      .when(functions.col("means").gt(1), 2)
                      .otherwise(functions.col("labels"))
                      .as("labels"),
                  functions.col("splits"));
      perSplit =
          perSplit.select(
              split.as(PART),
              functions.col("n"),
              functions.col("m2"),
              functions.col("labels"),
              functions.lit(1L).as("splits"));
    } else {
      Column positive =
          positiveClass == null
              ? functions.lit(0L)
              : functions.when(y.equalTo(positiveClass), functions.col("n")).otherwise(0L);
      Dataset<Row> byLabel =
          rows.groupBy(h64, h32, split, y).agg(functions.count(functions.lit(1)).as("n"));
      perSplit =
          byLabel
              .groupBy(h64, h32, split)
              .agg(
                  functions.sum("n").as("n"),
                  functions.max("n").as("top"),
                  functions.count(functions.lit(1)).as("labels"),
                  functions.sum(positive).as("pos"))
              .select(
                  split.as(PART),
                  functions.col("n"),
                  functions.col("top"),
                  functions.col("labels"),
                  functions.col("pos"),
                  functions.lit(1L).as("splits"));
      pooled =
          byLabel
              .groupBy(h64, h32, y)
              .agg(
                  functions.sum("n").as("n"),
                  functions.min(split).as("first"),
                  functions.max(split).as("last"))
              .groupBy(h64, h32)
              .agg(
                  functions.sum("n").as("n"),
                  functions.max("n").as("top"),
                  functions.count(functions.lit(1)).as("labels"),
                  functions.sum(positive).as("pos"),
                  functions
                      .when(functions.min("first").lt(functions.max("last")), 2L)
                      .otherwise(1L)
                      .as("splits"))
              .select(
                  functions.lit(ALL).as(PART),
                  functions.col("n"),
                  functions.col("top"),
                  functions.col("labels"),
                  functions.col("pos"),
                  functions.col("splits"));
    }
    // Read twice (the facts, and the AUC bound) and computed twice: a cached plan keeps its
    // shuffles'
    // 200 partitions (adaptive execution may not coalesce them), which cost 50 s on Ames' 2,930
    // rows
    // on a busy machine, far more than reading the cached rows again.
    return facts(
        perSplit.unionByName(pooled),
        rows,
        regression,
        positiveClass != null,
        splitRule,
        splitOrder);
  }

  /**
   * The per-split and overall facts from the per-group rows ({@code part, n, labels, splits} and
   * {@code top, pos} or {@code m2}).
   */
  private static FeatureRowStats facts(
      Dataset<Row> groups,
      Dataset<Row> rows,
      boolean regression,
      boolean binary,
      String splitRule,
      List<String> splitOrder) {
    Column several = functions.col("labels").gt(1);
    List<Column> aggs =
        new ArrayList<>(
            List.of(
                functions.sum("n").as("rows"),
                functions.count(functions.lit(1)).as("distinct"),
                functions.sum(functions.when(several, 1L).otherwise(0L)).as("several"),
                functions
                    .sum(functions.when(several, functions.col("n")).otherwise(0L))
                    .as("several_rows"),
                functions
                    .sum(functions.when(functions.col("splits").gt(1), 1L).otherwise(0L))
                    .as("straddling"),
                regression ? functions.sum("m2").as("within") : functions.sum("top").as("top")));
    Map<String, Row> facts = new LinkedHashMap<>();
    // Bounded: one row per split, and one for all.
    for (Row r :
        groups
            .groupBy(PART)
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
            .collectAsList()) {
      facts.put(r.getString(0), r);
    }
    Map<String, Double> totals = regression ? sumsOfSquares(rows) : Map.of();
    Map<String, Double> aucs = binary ? bestAuc(groups) : Map.of();

    Map<String, FeatureRowStats.Part> parts = new LinkedHashMap<>();
    long straddling = 0;
    List<String> order = new ArrayList<>(splitOrder);
    order.add(ALL);
    for (String name : order) {
      Row r = facts.get(name);
      if (r == null) {
        parts.put(name, new FeatureRowStats.Part(0, 0, 0, 0, null, null, null));
        continue;
      }
      long n = r.getLong(1);
      if (name.equals(ALL)) {
        straddling = r.getLong(5);
      }
      Double accuracy = regression ? null : round((double) r.getLong(6) / n);
      Double r2 = null;
      if (regression) {
        double total = totals.getOrDefault(name, 0.0);
        r2 = total > 0 ? round(1 - r.getDouble(6) / total) : null;
      }
      parts.put(
          name,
          new FeatureRowStats.Part(
              n, r.getLong(2), r.getLong(3), r.getLong(4), accuracy, aucs.get(name), r2));
    }
    return new FeatureRowStats(splitRule, straddling, parts, warnings(parts.get(Columns.TEST)));
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

  /** Total sum of squares of the target per split and over all: the denominator of R². */
  private static Map<String, Double> sumsOfSquares(Dataset<Row> rows) {
    Column y = functions.col(Columns.TARGET);
    Column ss = functions.var_pop(y).multiply(functions.count(functions.lit(1)));
    Map<String, Double> out = new LinkedHashMap<>();
    // The rollup's grand total (split null) is the sum of squares over all rows.
    for (Row r : rows.rollup(Columns.SPLIT).agg(ss).collectAsList()) {
      out.put(r.isNullAt(0) ? ALL : r.getString(0), r.isNullAt(1) ? 0.0 : r.getDouble(1));
    }
    return out;
  }

  /**
   * The highest ROC AUC any score of the features can reach: each feature row scored by its own
   * positive rate, rows of equal rate tied. The groups are summed by rate first, so the ordered
   * window runs over distinct rates, not rows.
   */
  private static Map<String, Double> bestAuc(Dataset<Row> groups) {
    Column rate = functions.col("pos").divide(functions.col("n"));
    Dataset<Row> byRate =
        groups
            .groupBy(functions.col(PART), rate.as("rate"))
            .agg(
                functions.sum("pos").as("p"),
                functions.sum(functions.col("n").minus(functions.col("pos"))).as("q"));
    Column negativesBelow =
        functions.coalesce(
            functions
                .sum("q")
                .over(
                    Window.partitionBy(PART)
                        .orderBy("rate")
                        .rowsBetween(Window.unboundedPreceding(), -1)),
            functions.lit(0L));
    Dataset<Row> auc =
        byRate
            .withColumn("below", negativesBelow)
            .groupBy(PART)
            .agg(
                functions
                    .sum(
                        functions
                            .col("p")
                            .multiply(
                                functions.col("below").plus(functions.col("q").multiply(0.5))))
                    .as("wins"),
                functions.sum("p").as("p"),
                functions.sum("q").as("q"));
    Map<String, Double> out = new LinkedHashMap<>();
    for (Row r : auc.collectAsList()) {
      double pairs = (double) r.getLong(2) * r.getLong(3);
      if (pairs > 0) {
        out.put(r.getString(0), round(r.getDouble(1) / pairs));
      }
    }
    return out;
  }

  private static double round(double d) {
    return Math.round(d * 1e6) / 1e6;
  }
}
