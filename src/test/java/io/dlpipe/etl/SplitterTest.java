package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.Frames;
import io.dlpipe.testing.TestSpark;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class SplitterTest {
  private static final EtlConfig.Split SPLIT = new EtlConfig.Split(0.8, 0.1, 0.1, 42, "");
  private static final List<String> NULLS = List.of("", "NaN", "NA");

  /** k numeric, v categorical, y the target. */
  private static final List<ColumnSpec> SPECS =
      List.of(
          new ColumnSpec("k", "numeric", "declared", "test"),
          new ColumnSpec("v", "categorical", "declared", "test"),
          new ColumnSpec("y", ColumnSpec.TARGET, "declared", "test"));

  private static Dataset<Row> rows(long from, long to, int partitions) {
    return TestSpark.get()
        .range(from, to, 1, partitions)
        .select(
            functions.col("id").cast("string").as("k"),
            functions.concat(functions.lit("v"), functions.col("id")).as("v"),
            functions.col("id").mod(2).cast("string").as("y"));
  }

  private static Map<String, String> assignment(Dataset<Row> df, EtlConfig.Split cfg) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : Splitter.split(df, cfg, SPECS, NULLS).select("k", Columns.SPLIT).collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  private static List<String> splits(Dataset<Row> df, EtlConfig.Split cfg) {
    return Splitter.split(df, cfg, SPECS, NULLS).select(Columns.SPLIT).collectAsList().stream()
        .map(r -> r.getString(0))
        .toList();
  }

  @Test
  void sameRowsSameSplitOnAnyPartitioning() {
    assertEquals(
        assignment(rows(0, 5000, 1), SPLIT), assignment(rows(0, 5000, 7).repartition(3), SPLIT));
  }

  @Test
  void rowsKeepTheirSplitWhenTheInputGrows() {
    Map<String, String> before = assignment(rows(0, 3000, 2), SPLIT);
    Map<String, String> after = assignment(rows(0, 6000, 5), SPLIT);
    before.forEach((k, split) -> assertEquals(split, after.get(k), k));
  }

  @Test
  void sharesAreHonouredAndTheSeedMatters() {
    Map<String, Long> counts = new TreeMap<>();
    for (String s : assignment(rows(0, 20_000, 4), SPLIT).values()) {
      counts.merge(s, 1L, Long::sum);
    }
    // Binomial standard deviation at n = 20000, p = 0.1 is 42 rows; allow 5 of them.
    assertTrue(Math.abs(counts.get("train") - 16_000) < 300, counts.toString());
    assertTrue(Math.abs(counts.get("validation") - 2_000) < 210, counts.toString());
    assertTrue(Math.abs(counts.get("test") - 2_000) < 210, counts.toString());
    Map<String, String> other =
        assignment(rows(0, 20_000, 4), new EtlConfig.Split(0.8, 0.1, 0.1, 43, ""));
    long moved =
        assignment(rows(0, 20_000, 4), SPLIT).entrySet().stream()
            .filter(e -> !e.getValue().equals(other.get(e.getKey())))
            .count();
    assertTrue(moved > 5_000, "another seed gives another split: " + moved);
  }

  @Test
  void theTargetNeverDecides() {
    // 2,000 feature rows, each with both labels: every pair must land in one split, whatever its
    // label.
    Dataset<Row> base = rows(0, 2000, 3);
    Dataset<Row> flipped =
        base.withColumn(
            "y", functions.lit("1").minus(functions.col("y")).cast("int").cast("string"));
    Dataset<Row> both = base.unionByName(flipped);
    Dataset<Row> assigned = Splitter.split(both, SPLIT, SPECS, NULLS);
    assertEquals(4000, assigned.count());
    assertEquals(2000, assigned.select("k", "v", Columns.SPLIT).distinct().count());
    assertEquals(2, assigned.select("y").distinct().count());
    assertEquals(assignment(base, SPLIT), assignment(flipped, SPLIT));
  }

  @Test
  void numbersCompareAsNumbersAndEveryNullValueIsOneMissing() {
    String[] cols = {"k", "v", "y"};
    // 1, 1.0, 1e0 and " 1 " are one number; "", NaN and NA are one missing cell.
    List<String> same =
        splits(
            Frames.raw(
                cols,
                new String[] {"1", "", "0"},
                new String[] {"1.0", "NaN", "1"},
                new String[] {"1e0", "NA", "1"},
                new String[] {" 1 ", null, "0"}),
            SPLIT);
    assertEquals(4, same.size());
    assertEquals(1, same.stream().distinct().count(), same.toString());
  }

  @Test
  void aMissingCellKeepsItsPosition() {
    // Spark's hash skips nulls: a key with plain nulls would make these two rows one feature row.
    Dataset<Row> h =
        FeatureRows.fingerprint(
            Frames.raw(
                new String[] {"a", "b", "y"},
                new String[] {"", "x", "0"},
                new String[] {"x", "", "0"}),
            List.of(
                new ColumnSpec("a", "categorical", "declared", "test"),
                new ColumnSpec("b", "categorical", "declared", "test"),
                new ColumnSpec("y", ColumnSpec.TARGET, "declared", "test")),
            NULLS);
    List<Row> fp = h.select(Columns.FEATURE_HASH64).collectAsList();
    assertNotEquals(fp.get(0).getLong(0), fp.get(1).getLong(0));
  }

  @Test
  void ignoredColumnsAreNoFeatures() {
    // An id-like column the network never sees must not separate rows it cannot tell apart.
    List<ColumnSpec> specs =
        List.of(
            new ColumnSpec("id", "ignore", "inferred", "id-like"),
            new ColumnSpec("k", "numeric", "declared", "test"),
            new ColumnSpec("y", ColumnSpec.TARGET, "declared", "test"));
    Dataset<Row> df =
        TestSpark.get()
            .range(0, 3000, 1, 2)
            .select(
                functions.col("id").cast("string").as("id"),
                functions.col("id").mod(7).cast("string").as("k"),
                functions.lit("1").as("y"));
    assertEquals(
        7, Splitter.split(df, SPLIT, specs, NULLS).select("k", Columns.SPLIT).distinct().count());
  }

  @Test
  void idColumnDecidesAlone() {
    Dataset<Row> a =
        TestSpark.get()
            .createDataFrame(
                List.of(
                    org.apache.spark.sql.RowFactory.create("1", "x", "0"),
                    org.apache.spark.sql.RowFactory.create("1", "y", "1")),
                new org.apache.spark.sql.types.StructType()
                    .add("k", "string")
                    .add("v", "string")
                    .add("y", "string"));
    List<Row> out =
        Splitter.split(a, new EtlConfig.Split(0.5, 0.25, 0.25, 42, "k"), SPECS, NULLS)
            .select(Columns.SPLIT)
            .collectAsList();
    assertEquals(out.get(0).getString(0), out.get(1).getString(0));
    assertEquals(
        Splitter.ID_COLUMN_RULE, Splitter.rule(new EtlConfig.Split(0.5, 0.25, 0.25, 42, "k")));
    assertEquals(Splitter.FEATURES_RULE, Splitter.rule(SPLIT));
  }
}
