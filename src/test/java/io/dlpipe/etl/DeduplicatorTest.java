package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.testing.Frames;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
}
