package io.dlpipe.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names each stage of a command in the Spark UI (job group and description) and prints one progress
 * line per stage with its row rate, plus, for long stages, periodic lines with the tasks done and
 * an ETA ({@link TaskProgress}). Lines are plain text so they read the same in a terminal and in a
 * scheduler's log file.
 */
public final class StageTimer {
  private static final Logger LOG = LoggerFactory.getLogger("dlpipe.progress");

  private final SparkSession spark;
  private final String command;
  private final int totalStages;
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private int index;

  public StageTimer(SparkSession spark, String command, int totalStages) {
    this.spark = spark;
    this.command = command;
    this.totalStages = totalStages;
  }

  /** Starts a stage; close it (try-with-resources) after its Spark actions have run. */
  public Stage start(String name, String description) {
    index++;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String group = "dlpipe-" + command + "-" + name;
    jsc.setJobGroup(group, "dlpipe " + command + ": " + description, false);
    jsc.setJobDescription(
        "dlpipe " + command + " [" + index + "/" + totalStages + "] " + description);
    String label = String.format(Locale.ROOT, "%s [%d/%d] %s", command, index, totalStages, name);
    LOG.info(label + ": started");
    return new Stage(name, index, new TaskProgress(jsc.statusTracker(), group, label, LOG));
  }

  /** A duration for progress lines and ETAs: {@code 42s}, {@code 2m05s}, {@code 1h01m}. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }

  /** Seconds per finished stage, in the order they ran. */
  public Map<String, Double> seconds() {
    return Collections.unmodifiableMap(seconds);
  }

  /** One running stage. */
  public final class Stage implements AutoCloseable {
    private final String name;
    private final int number;
    private final long startNanos = System.nanoTime();
    private final TaskProgress progress;
    private long rows = -1;

    private Stage(String name, int number, TaskProgress progress) {
      this.name = name;
      this.number = number;
      this.progress = progress;
    }

    /** The rows this stage processed, for the rate in its progress line. */
    public void rows(long count) {
      this.rows = count;
    }

    @Override
    public void close() {
      progress.close();
      double s = (System.nanoTime() - startNanos) / 1e9;
      seconds.put(name, Math.round(s * 1000) / 1000.0);
      String rate =
          rows < 0
              ? ""
              : String.format(
                  Locale.ROOT, ", %,d rows (%,.0f rows/s)", rows, rows / Math.max(s, 1e-3));
      LOG.info(
          String.format(
              Locale.ROOT,
              "%s [%d/%d] %s: done in %.1f s%s",
              command,
              number,
              totalStages,
              name,
              s,
              rate));
      spark.sparkContext().clearJobGroup();
    }
  }
}
