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
 * Assigns each row to train, validation or test by a seeded 64-bit hash of its id column, or of its
 * feature values ({@link FeatureRows#fingerprint}), never of its target. The assignment depends on
 * the row alone: the same on any cluster size and partitioning, and a row keeps its split when new
 * rows arrive. Rows with the same features land in the same split, so a feature row cannot leak
 * from train into test. Hashing the target as well, as the rule before {@value #FEATURES_RULE} did,
 * sent the two labels of a repeated feature row to different splits, which made the test set
 * adversarial on data whose feature rows repeat.
 */
public final class Splitter {
  /** Resolution of the hash-to-fraction mapping: shares are honoured to one part in 2^24. */
  private static final long BUCKETS = 1L << 24;

  /**
   * The rule without an id column, recorded in transform.json: a seeded hash of the feature
   * fingerprint.
   */
  public static final String FEATURES_RULE = "features-v2";

  /**
   * The rule with etl.split.id-column: a seeded hash of that column, as before {@value
   * #FEATURES_RULE}.
   */
  public static final String ID_COLUMN_RULE = "id-column-v2";

  private Splitter() {}

  /** The rule a split configuration assigns rows by. */
  public static String rule(EtlConfig.Split cfg) {
    return cfg.idColumn().isEmpty() ? FEATURES_RULE : ID_COLUMN_RULE;
  }

  /** The position of a row in [0, 1), uniform over rows. */
  public static Column unitHash(long seed, List<String> hashedColumns) {
    List<Column> cols = new ArrayList<>();
    for (String c : hashedColumns) {
      cols.add(Columns.col(c));
    }
    return unit(seed, cols);
  }

  private static Column unit(long seed, List<Column> hashed) {
    List<Column> cols = new ArrayList<>();
    // The seed goes in as a value, so two seeds give unrelated splits.
    cols.add(functions.lit(seed));
    cols.addAll(hashed);
    return functions
        .pmod(functions.xxhash64(cols.toArray(new Column[0])), functions.lit(BUCKETS))
        .divide((double) BUCKETS);
  }

  /**
   * Adds {@link Columns#SPLIT} to rows that carry the feature fingerprint ({@link
   * FeatureRows#fingerprint}) or, with an id column, that column.
   */
  public static Dataset<Row> split(Dataset<Row> rows, EtlConfig.Split cfg) {
    Column u =
        cfg.idColumn().isEmpty()
            ? unit(
                cfg.seed(),
                List.of(
                    functions.col(Columns.FEATURE_HASH64), functions.col(Columns.FEATURE_HASH32)))
            : unitHash(cfg.seed(), List.of(cfg.idColumn()));
    Column split =
        functions
            .when(u.lt(cfg.train()), Columns.TRAIN)
            .when(u.lt(cfg.train() + cfg.validation()), Columns.VALIDATION)
            .otherwise(Columns.TEST);
    return rows.withColumn(Columns.SPLIT, split);
  }

  /**
   * Adds the feature fingerprint of {@code specs} and {@link Columns#SPLIT} to raw rows: etl's
   * split of them.
   */
  public static Dataset<Row> split(
      Dataset<Row> raw, EtlConfig.Split cfg, List<ColumnSpec> specs, List<String> nullValues) {
    return split(FeatureRows.fingerprint(raw, specs, nullValues), cfg);
  }
}
