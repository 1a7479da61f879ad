package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.Frames;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  private static final String[] COLS = {"k", "v"};
  private static final List<String> ALL = List.of("k", "v");

  private static Dataset<Row> frame() {
    return Frames.raw(
        COLS,
        new String[] {"1", "a"},
        new String[] {"1", "a"},
        new String[] {"1", "a"},
        new String[] {"1", "b"},
        new String[] {"2", "a"});
  }

  @Test
  void reportCountsAndKeepsEverything() {
    EtlConfig.Dedup report = new EtlConfig.Dedup(EtlConfig.DedupMode.REPORT, List.of());
    assertEquals(2, Deduplicator.countDuplicates(frame(), Deduplicator.identity(report, ALL)));
    assertEquals(5, Deduplicator.remove(frame(), report, ALL).count());
  }

  @Test
  void aMissingCellIsNoWildcard() {
    // Two different rows whose cells differ only in where the missing one is; and one repeat of a
    // row with a missing cell.
    Dataset<Row> rows =
        Frames.raw(
            COLS, new String[] {null, "a"}, new String[] {"a", null}, new String[] {"a", null});
    assertEquals(1, Deduplicator.countDuplicates(rows, ALL));
  }

  @Test
  void theSameFeaturesWithAnotherLabelAreNoDuplicate() {
    // k is the feature and v the label here: (1, a) and (1, b) disagree, they do not repeat.
    assertEquals(
        2,
        Deduplicator.countDuplicates(
            frame(),
            Deduplicator.identity(new EtlConfig.Dedup(EtlConfig.DedupMode.EXACT, List.of()), ALL)));
  }

  @Test
  void exactRemovesIdenticalRows() {
    EtlConfig.Dedup exact = new EtlConfig.Dedup(EtlConfig.DedupMode.EXACT, List.of());
    assertEquals(3, Deduplicator.remove(frame(), exact, ALL).count());
  }

  @Test
  void keysRemoveRowsRepeatingTheKey() {
    EtlConfig.Dedup keys = new EtlConfig.Dedup(EtlConfig.DedupMode.KEYS, List.of("k"));
    assertEquals(3, Deduplicator.countDuplicates(frame(), Deduplicator.identity(keys, ALL)));
    assertEquals(
        List.of("1", "2"),
        Deduplicator.remove(frame(), keys, ALL).select("k").orderBy("k").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList());
  }

  @Test
  void theFeatureRowPassCountsWhatTheGroupByCounts() {
    // k is numeric, v categorical, y the label; duplicates are identical raw rows.
    String[] cols = {"k", "v", "y"};
    Dataset<Row> raw =
        Frames.raw(
            cols,
            new String[] {"1", "a", "p"},
            new String[] {"1", "a", "p"},
            new String[] {"1", "a", "p"},
            // The same feature row with another label: no duplicate.
            new String[] {"1", "a", "q"},
            // The same number written otherwise: one feature row, but not the same raw row.
            new String[] {"1.0", "a", "p"},
            // Where the missing cell is matters; a repeat of a row with a missing cell is one.
            new String[] {null, "a", "p"},
            new String[] {"a", null, "p"},
            new String[] {"a", null, "p"},
            new String[] {"2", "b", "q"},
            new String[] {"2", "b", "q"});
    List<String> all = List.of("k", "v", "y");
    List<ColumnSpec> specs =
        List.of(
            new ColumnSpec("k", "numeric", "declared", "test"),
            new ColumnSpec("v", "categorical", "declared", "test"),
            new ColumnSpec("y", ColumnSpec.TARGET, "declared", "test"));
    Column[] rowHash = Deduplicator.fingerprint(all);
    Dataset<Row> facts =
        FeatureRows.fingerprint(raw, specs, List.of(""))
            .withColumn(Columns.SPLIT, functions.lit(Columns.TRAIN))
            .withColumn(Columns.TARGET, functions.col("y"))
            .withColumn("rh64", rowHash[0])
            .withColumn("rh32", rowHash[1])
            .repartition(
                3, functions.col(Columns.FEATURE_HASH64), functions.col(Columns.FEATURE_HASH32));
    java.util.function.BiFunction<String, String, FeatureRows.Measured> measure =
        (h64, h32) ->
            FeatureRows.measure(
                facts,
                Task.CLASSIFICATION,
                "p",
                "test",
                List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST),
                h64,
                h32);
    FeatureRows.Measured m = measure.apply("rh64", "rh32");
    assertEquals(4, Deduplicator.countDuplicates(raw, all));
    assertEquals(4, m.duplicates());
    // Feature rows: (1, a) with 5 rows, 4 p and 1 q; (missing, a); (missing, missing) twice ("a" is
    // no number); (2, b) twice. Best accuracy 9 / 10; best AUC 19 / 21 (rates 0, 0.8 and 1).
    FeatureRowStats.Part train = m.facts().bySplit().get(Columns.TRAIN);
    assertEquals(new FeatureRowStats.Part(10, 4, 1, 5, 0.9, 0.904762, null), train);
    // Without row fingerprints no duplicate is counted, and the facts are the same.
    FeatureRows.Measured without = measure.apply(null, null);
    assertEquals(0, without.duplicates());
    assertEquals(m.facts(), without.facts());
  }
}
