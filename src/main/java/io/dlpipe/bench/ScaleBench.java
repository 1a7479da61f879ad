package io.dlpipe.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.EtlResult;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.train.TrainJob;
import io.dlpipe.train.TrainResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scale run at one row count: Ames-shaped rows through {@code dlpipe etl}, then one training
 * epoch with the defaults, with the time per row of each and the driver's peak memory. One row
 * count per JVM, so each peak is that size's own; {@code jobs/bench --suite scale} calls it once
 * per size and the entries are merged into one file, keyed by row count.
 */
public final class ScaleBench {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleBench.class);

  private ScaleBench() {}

  /**
   * One completed (or partly completed) size.
   *
   * @param etlSeconds the ETL's wall clock
   * @param etlMicrosPerRow per row read
   * @param trainRows rows of the train split; 0 when training was skipped
   * @param epochSeconds the epoch's wall clock (fit and validation), null when skipped
   * @param epochMicrosPerRow per train row, null when skipped
   * @param samplesPerS the epoch's fit rate, null when skipped
   * @param etlPeaks the driver's peaks over the ETL alone (null in entries written before they were
   *     measured apart)
   * @param peaks the driver's peaks over the epoch (over the whole run in entries without {@code
   *     etlPeaks})
   * @param settings the memory settings the run had (driver heap, ND4J caps, Spark settings)
   * @param completed what finished: etl, or etl+epoch
   */
  public record Entry(
      long rows,
      String finished,
      Machine machine,
      double etlSeconds,
      double etlMicrosPerRow,
      long trainRows,
      Double epochSeconds,
      Double epochMicrosPerRow,
      Double samplesPerS,
      PeakMemory.Peaks etlPeaks,
      PeakMemory.Peaks peaks,
      Map<String, String> settings,
      String completed) {}

  public static Entry run(
      SparkSession spark,
      String work,
      long rows,
      boolean train,
      List<String> extraSettings,
      int files) {
    BenchWorkspace ws = BenchWorkspace.under(work, BenchShape.AMES, rows, 0, extraSettings);
    LOG.info("bench scale: generating {} rows", rows);
    ws.generate(spark, files);
    long start = System.nanoTime();
    EtlResult etl;
    PeakMemory.Peaks etlPeaks;
    try (PeakMemory memory = new PeakMemory()) {
      etl = new EtlJob(spark, ws.config()).run();
      etlPeaks = memory.peaks();
    }
    double etlSeconds = Timing.since(start);
    long read = etl.summary().rowsRead();
    LOG.info("bench scale: etl of {} rows in {} s, peaks {}", read, etlSeconds, etlPeaks);
    Double epochSeconds = null;
    Double samples = null;
    long trainRows = 0;
    try (PeakMemory memory = new PeakMemory()) {
      if (train) {
        TrainResult r =
            new TrainJob(spark, ws.config("train.epochs=1", "train.early-stopping.patience=0"))
                .run(true);
        epochSeconds = r.history().history().get(0).seconds();
        samples = r.history().history().get(0).samplesPerS();
        trainRows = etl.summary().rowsWritten().get(Columns.TRAIN);
      }
      return new Entry(
          read,
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
          Machine.current(spark.sparkContext().master()),
          etlSeconds,
          etlSeconds * 1e6 / read,
          trainRows,
          epochSeconds,
          epochSeconds == null ? null : epochSeconds * 1e6 / trainRows,
          samples,
          etlPeaks,
          train ? memory.peaks() : null,
          settings(spark),
          train ? "etl+epoch" : "etl");
    }
  }

  /**
   * The memory settings in force: in local mode the driver's heap holds the executors' work too.
   */
  static Map<String, String> settings(SparkSession spark) {
    Map<String, String> s = new TreeMap<>();
    s.put("jvm.max-heap-mib", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
    for (String key :
        List.of("org.bytedeco.javacpp.maxbytes", "org.bytedeco.javacpp.maxphysicalbytes")) {
      String v = System.getProperty(key);
      s.put(key, v == null ? "unset" : v);
    }
    for (String key :
        List.of(
            "spark.master",
            "spark.driver.memory",
            "spark.executor.memory",
            "spark.memory.fraction",
            "spark.sql.shuffle.partitions",
            "spark.default.parallelism")) {
      s.put(key, spark.conf().contains(key) ? spark.conf().get(key) : "default");
    }
    return s;
  }

  /** Adds or replaces {@code entry} in the scale file at {@code path}, ordered by rows. */
  public static List<Entry> merge(HadoopFiles files, String path, Entry entry) {
    List<Entry> all = new ArrayList<>();
    if (files.exists(path)) {
      try {
        all.addAll(
            Json.MAPPER.readValue(files.readText(path), new TypeReference<List<Entry>>() {}));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
    all.removeIf(e -> e.rows() == entry.rows());
    all.add(entry);
    all.sort(Comparator.comparingLong(Entry::rows));
    files.writeText(path, Json.write(all));
    return all;
  }

  public static String render(List<Entry> entries) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%12s %10s %12s %12s %12s %12s %12s %12s %12s  %s%n",
                "rows",
                "etl s",
                "etl us/row",
                "etl live MiB",
                "epoch s",
                "epoch us/row",
                "epoch heap",
                "epoch offheap",
                "epoch RSS",
                "completed"));
    for (Entry e : entries) {
      b.append(
          String.format(
              Locale.ROOT,
              "%,12d %10.1f %12.2f %12s %12s %12s %12s %12s %12s  %s%n",
              e.rows(),
              e.etlSeconds(),
              e.etlMicrosPerRow(),
              e.etlPeaks() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.0f", e.etlPeaks().liveHeapMib()),
              e.epochSeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f", e.epochSeconds()),
              e.epochMicrosPerRow() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f", e.epochMicrosPerRow()),
              mib(e.peaks() == null ? null : e.peaks().heapUsedMib()),
              mib(e.peaks() == null ? null : e.peaks().offHeapMib()),
              mib(e.peaks() == null ? null : e.peaks().residentMib()),
              e.completed()));
    }
    return b.toString();
  }

  private static String mib(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }
}
