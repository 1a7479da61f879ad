package io.dlpipe.bench;

import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The ETL floor: plain Spark reading the raw CSV (header, every column as text, no inference pass)
 * and writing it as Parquet. No ETL can do less with the same input and output formats.
 */
public final class FloorJob {
  private FloorJob() {}

  /** Runs the job and returns its wall-clock seconds. */
  public static double run(SparkSession spark, String rawDir, String outDir) {
    spark
        .sparkContext()
        .setJobGroup("bench-floor", "bench: floor, CSV to Parquet with plain Spark", false);
    long start = System.nanoTime();
    spark
        .read()
        .option("header", "true")
        .csv(rawDir)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(outDir);
    double seconds = Timing.since(start);
    spark.sparkContext().clearJobGroup();
    return seconds;
  }
}
