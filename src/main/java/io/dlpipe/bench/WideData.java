package io.dlpipe.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.SparkSession;

/**
 * A seeded wide CSV for the benchmarks: {@code n0..n<k-1>} numeric columns (every 50th with 2%
 * missing cells), ten text columns {@code c0..c9} of 12 levels, a date column {@value #DATE}
 * (yyyy-MM-dd over about eight years) and a numeric {@value #TARGET} that depends on a few of them.
 * Row {@code i} depends only on the seed and {@code i}; files are written by the executors as
 * {@code dlpipe synth} writes its shapes, each with its own header.
 *
 * <p>Kept inside the harness so that the wide and date benchmarks do not wait for {@code synth} to
 * grow such a shape; it has no role in the pipeline.
 */
public final class WideData implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String TARGET = "target";
  public static final String DATE = "sale_date";
  static final int TEXT_COLUMNS = 10;
  private static final long FIRST_DAY = LocalDate.of(2015, 1, 1).toEpochDay();

  private final int numericColumns;
  private final long seed;

  public WideData(int numericColumns, long seed) {
    if (numericColumns < 5) {
      throw new IllegalArgumentException(
          "a wide shape needs at least 5 numeric columns, found " + numericColumns);
    }
    this.numericColumns = numericColumns;
    this.seed = seed;
  }

  /** Columns in file order: numerics, texts, the date, the target. */
  public String[] header() {
    String[] h = new String[numericColumns + TEXT_COLUMNS + 2];
    for (int j = 0; j < numericColumns; j++) {
      h[j] = "n" + j;
    }
    for (int j = 0; j < TEXT_COLUMNS; j++) {
      h[numericColumns + j] = "c" + j;
    }
    h[numericColumns + TEXT_COLUMNS] = DATE;
    h[numericColumns + TEXT_COLUMNS + 1] = TARGET;
    return h;
  }

  /** Row {@code i} as one CSV line, newline included. */
  public String line(long i) {
    SplittableRandom r = new SplittableRandom(mix(seed, i));
    StringBuilder b = new StringBuilder(numericColumns * 8 + 64);
    double[] x = new double[5];
    for (int j = 0; j < numericColumns; j++) {
      double v = Math.round(gaussian(r) * 10_000) / 10_000.0;
      if (j < x.length) {
        x[j] = v;
      }
      boolean missing = j % 50 == 49 && r.nextDouble() < 0.02;
      b.append(missing ? "" : Double.toString(v)).append(',');
    }
    int firstLevel = 0;
    for (int j = 0; j < TEXT_COLUMNS; j++) {
      int level = r.nextInt(12);
      if (j == 0) {
        firstLevel = level;
      }
      b.append('L').append(level).append(',');
    }
    int day = r.nextInt(3000);
    b.append(LocalDate.ofEpochDay(FIRST_DAY + day)).append(',');
    double y =
        3 * x[0]
            - 2 * x[1]
            + x[2] * x[3]
            + Math.sin(2 * x[4])
            + (firstLevel < 3 ? 1.5 : 0)
            + day / 1500.0
            + 0.3 * gaussian(r);
    b.append(Math.round(y * 10_000) / 10_000.0).append('\n');
    return b.toString();
  }

  /**
   * Writes {@code rows} rows as {@code files} CSV files under {@code dir}, in parallel on the
   * executors.
   */
  public void write(SparkSession spark, String dir, long rows, int files) {
    Map<String, String> hadoop = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
    WideData self = this;
    long perFile = (rows + files - 1) / files;
    spark
        .range(0, files, 1, files)
        .foreach(
            (ForeachFunction<Long>)
                f ->
                    self.writeFile(hadoop, dir, f, f * perFile, Math.min(rows, (f + 1) * perFile)));
  }

  void writeFile(Map<String, String> hadoop, String dir, long fileIndex, long from, long to) {
    Configuration conf = new Configuration(false);
    hadoop.forEach(conf::set);
    Path path = new Path(dir, String.format(Locale.ROOT, "part-%05d.csv", fileIndex));
    try {
      FileSystem fs = path.getFileSystem(conf);
      try (OutputStream out = new BufferedOutputStream(fs.create(path, true), 1 << 16)) {
        out.write((String.join(",", header()) + "\n").getBytes(StandardCharsets.UTF_8));
        for (long i = from; i < to; i++) {
          out.write(line(i).getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * SplitMix64 finalizer over (seed, index), as {@code synth} uses: neighbouring rows get unrelated
   * streams.
   */
  private static long mix(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
