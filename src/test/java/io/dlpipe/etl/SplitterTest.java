package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.spark.Columns;
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

  private static Dataset<Row> rows(long from, long to, int partitions) {
    return TestSpark.get().range(from, to, 1, partitions).select(functions.col("id").cast("string").as("k"), functions.concat(functions.lit("v"), functions.col("id")).as("v"));
  }

  private static Map<String, String> assignment(Dataset<Row> df, EtlConfig.Split cfg) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : Splitter.split(df, cfg, List.of("k", "v")).select("k", Columns.SPLIT).collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  @Test
  void sameRowsSameSplitOnAnyPartitioning() {
    assertEquals(assignment(rows(0, 5000, 1), SPLIT), assignment(rows(0, 5000, 7).repartition(3), SPLIT));
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
    Map<String, String> other = assignment(rows(0, 20_000, 4), new EtlConfig.Split(0.8, 0.1, 0.1, 43, ""));
    long moved = assignment(rows(0, 20_000, 4), SPLIT).entrySet().stream().filter(e -> !e.getValue().equals(other.get(e.getKey()))).count();
    assertTrue(moved > 5_000, "another seed gives another split: " + moved);
  }

  @Test
  void idColumnDecidesAlone() {
    Dataset<Row> a = TestSpark.get().createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("1", "x"), org.apache.spark.sql.RowFactory.create("1", "y")),
        new org.apache.spark.sql.types.StructType().add("k", "string").add("v", "string"));
    List<Row> out = Splitter.split(a, new EtlConfig.Split(0.5, 0.25, 0.25, 42, "k"), List.of("k", "v")).select(Columns.SPLIT).collectAsList();
    assertEquals(out.get(0).getString(0), out.get(1).getString(0));
  }
}
