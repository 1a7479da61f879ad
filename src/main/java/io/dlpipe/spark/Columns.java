package io.dlpipe.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Column names dlpipe adds to frames, declared once, and safe references to the user's columns.
 * Internal names start with {@value #INTERNAL_PREFIX}; an input column with that prefix is refused.
 */
public final class Columns {
  public static final String INTERNAL_PREFIX = "_dlp_";

  /** The raw line of a row the reader could not parse (malformed for the format). */
  public static final String CORRUPT = "_dlp_corrupt";

  /** The file a row came from. */
  public static final String SOURCE = "_dlp_source";

  /** The quarantine reason code of a row, null for a good row. */
  public static final String REASON = "_dlp_reason";

  /** The human-readable detail of the quarantine reason. */
  public static final String DETAIL = "_dlp_detail";

  /** The parsed label: a double for regression, the label text for classification. */
  public static final String TARGET = "_dlp_target";

  /**
   * The physical lines a record spans in its file: 1, more for quoted newlines (or a stray quote's
   * fold).
   */
  public static final String LINES = "_dlp_lines";

  /** train | validation | test. */
  public static final String SPLIT = "_dlp_split";

  /**
   * A 96-bit fingerprint of a row's feature cells (never its target), in two columns: xxHash64 and
   * Murmur3 of the same key. Rows with the same feature values share it; etl splits by it.
   */
  public static final String FEATURE_HASH64 = "_dlp_feature_h64";

  public static final String FEATURE_HASH32 = "_dlp_feature_h32";

  /** Output columns of the prepared Parquet, read by the trainer. */
  public static final String FEATURES = "features";

  public static final String LABEL = "label";

  /** Output columns of the quarantine Parquet. */
  public static final String Q_RAW = "raw";

  public static final String Q_REASON = "reason";
  public static final String Q_DETAIL = "detail";
  public static final String Q_SOURCE = "source_file";

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  private Columns() {}

  /** A reference to a user column by its exact name, even with dots, spaces or backticks in it. */
  public static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }
}
