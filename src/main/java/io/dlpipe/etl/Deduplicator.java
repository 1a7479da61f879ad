package io.dlpipe.etl;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Counts duplicate rows and removes them only when configured: in low-cardinality data identical
 * rows are legitimate observations, so the default only reports them.
 */
public final class Deduplicator {
  private Deduplicator() {}

  /**
   * The columns that define "the same row" for a mode: all input columns, the target included, or
   * the key columns. A duplicate is one observation recorded twice; a feature row repeated with
   * another label is two observations that disagree, label noise that the split keeps together
   * ({@link Splitter}) and {@link FeatureRows} reports, never removes.
   */
  public static List<String> identity(EtlConfig.Dedup dedup, List<String> inputColumns) {
    return dedup.mode() == EtlConfig.DedupMode.KEYS ? dedup.keyColumns() : inputColumns;
  }

  /**
   * Rows beyond the first of each group of identical {@code identity} values, counted by a hash
   * aggregation on a 96-bit fingerprint of the values (xxHash64 and Murmur3, two unrelated
   * functions): the shuffle moves 12 bytes and a partial count per distinct row, never the rows.
   * Two different rows share a fingerprint with probability about n^2 / 2^97 (below 1e-13 at 50
   * million rows); such a collision would add one to the count. Removal ({@link #remove}) compares
   * the values themselves. etl's report mode counts the same in its feature-row pass ({@link
   * FeatureRows#measure}, without this shuffle); this is the reference it is tested against.
   */
  public static long countDuplicates(Dataset<Row> rows, List<String> identity) {
    Column[] fp = fingerprint(identity);
    return countDuplicates(rows.select(fp[0].as("h64"), fp[1].as("h32")), "h64", "h32");
  }

  /**
   * The 96-bit fingerprint of {@code identity}'s values that {@link #countDuplicates} groups by:
   * xxHash64 and Murmur3. Spark's hashes skip nulls, so (missing, "a") and ("a", missing) would
   * share a fingerprint: a missing cell hashes as NUL, which a good row's cell cannot hold (it is
   * quarantined).
   */
  static Column[] fingerprint(List<String> identity) {
    Column[] cols =
        identity.stream()
            .map(n -> functions.coalesce(Columns.col(n), functions.lit("\u0000")))
            .toArray(Column[]::new);
    return new Column[] {functions.xxhash64(cols), functions.hash(cols)};
  }

  /**
   * Rows beyond the first of each group of equal fingerprints, given as two columns of {@code
   * rows}.
   */
  static long countDuplicates(Dataset<Row> rows, String h64, String h32) {
    Row r =
        rows.groupBy(h64, h32).count().agg(functions.sum(functions.col("count").minus(1))).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  /**
   * Keeps one row of each identity group. With key columns the kept row is the one with the
   * smallest hash of its full content, so the choice does not depend on partitioning.
   */
  public static Dataset<Row> remove(
      Dataset<Row> rows, EtlConfig.Dedup dedup, List<String> inputColumns) {
    if (dedup.mode() == EtlConfig.DedupMode.REPORT) {
      return rows;
    }
    if (dedup.mode() == EtlConfig.DedupMode.EXACT) {
      return rows.dropDuplicates(inputColumns.toArray(new String[0]));
    }
    String rank = Columns.INTERNAL_PREFIX + "rank";
    Column contentHash = functions.xxhash64(refs(inputColumns));
    Column source = functions.col(Columns.SOURCE);
    return rows.withColumn(
            rank,
            functions
                .row_number()
                .over(Window.partitionBy(refs(dedup.keyColumns())).orderBy(contentHash, source)))
        .where(functions.col(rank).equalTo(1))
        .drop(rank);
  }

  private static Column[] refs(List<String> names) {
    List<Column> cols = new ArrayList<>();
    for (String n : names) {
      cols.add(Columns.col(n));
    }
    return cols.toArray(new Column[0]);
  }
}
