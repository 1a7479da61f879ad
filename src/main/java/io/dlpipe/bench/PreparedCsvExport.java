package io.dlpipe.bench;

import io.dlpipe.io.PreparedLayout;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Writes the prepared train, validation and test splits as headerless CSV ({@code label, f0, f1,
 * ...}), one file per split, so that peers outside the JVM (scikit-learn, XGBoost in
 * {@code jobs/peers}) train and score on exactly the rows and features dlpipe's network sees.
 * Debian ships no Parquet reader for Python, hence CSV.
 *
 * <p>A benchmark tool: the peers load a split into one process's memory by design, so this is
 * for data that fits one machine. Each split is written by Spark as a single part file.
 *
 * <pre>java -cp ... io.dlpipe.bench.PreparedCsvExport PREPARED_DIR OUT_DIR</pre>
 */
public final class PreparedCsvExport {
  private static final List<String> SPLITS = List.of("train", "validation", "test");

  private PreparedCsvExport() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: PreparedCsvExport PREPARED_DIR OUT_DIR");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().master("local[*]").appName("dlpipe-prepared-csv-export")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      export(spark, new PreparedLayout(args[0]), args[1]);
    } finally {
      spark.stop();
    }
  }

  /** Writes OUT_DIR/&lt;split&gt;/part-*.csv for every split; returns nothing, reads nothing to the driver. */
  public static void export(SparkSession spark, PreparedLayout prepared, String outDir) {
    for (String split : SPLITS) {
      Dataset<Row> rows = spark.read().parquet(prepared.split(split));
      int width = rows.select(functions.size(functions.col(Columns.FEATURES))).head().getInt(0);
      List<Column> cols = new ArrayList<>();
      cols.add(functions.col(Columns.LABEL));
      for (int i = 0; i < width; i++) {
        cols.add(functions.col(Columns.FEATURES).getItem(i).alias("f" + i));
      }
      rows.select(cols.toArray(new Column[0])).coalesce(1).write().mode(SaveMode.ErrorIfExists)
          .option("header", "false").csv(outDir + "/" + split);
    }
  }
}
