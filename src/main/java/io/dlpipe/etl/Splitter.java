package io.dlpipe.etl;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Assigns each row to train, validation or test by a seeded 64-bit hash of its id column, or of
 * its whole raw content. The assignment depends on the row alone: the same on any cluster size
 * and partitioning, and a row keeps its split when new rows arrive. Identical rows land in the
 * same split, so duplicates cannot leak from train into test.
 */
public final class Splitter {
  /** Resolution of the hash-to-fraction mapping: shares are honoured to one part in 2^24. */
  private static final long BUCKETS = 1L << 24;

  private Splitter() {}

  /** The position of a row in [0, 1), uniform over rows. */
  public static Column unitHash(long seed, List<String> hashedColumns) {
    List<Column> cols = new ArrayList<>();
    // The seed goes in as a value, so two seeds give unrelated splits.
    cols.add(functions.lit(seed));
    for (String c : hashedColumns) {
      cols.add(Columns.col(c));
    }
    return functions.pmod(functions.xxhash64(cols.toArray(new Column[0])), functions.lit(BUCKETS)).divide((double) BUCKETS);
  }

  /** Adds {@link Columns#SPLIT}. */
  public static Dataset<Row> split(Dataset<Row> rows, EtlConfig.Split cfg, List<String> inputColumns) {
    List<String> hashed = cfg.idColumn().isEmpty() ? inputColumns : List.of(cfg.idColumn());
    Column u = unitHash(cfg.seed(), hashed);
    Column split =
        functions.when(u.lt(cfg.train()), Columns.TRAIN)
            .when(u.lt(cfg.train() + cfg.validation()), Columns.VALIDATION)
            .otherwise(Columns.TEST);
    return rows.withColumn(Columns.SPLIT, split);
  }
}
