package io.dlpipe.workspace;

import io.dlpipe.io.HadoopFiles;
import java.time.LocalDate;

/**
 * The per-day folders of {@code run --date} inside the workspace. Each is a {@code dt=<date>}
 * partition, so {@code <output.dir>/predictions/} reads as one Parquet table partitioned by {@code
 * dt} (or {@code predict.table.partition-column}); staging folders beside a partition start with an
 * underscore, which Spark's partition discovery skips. A rerun of a date replaces that date's
 * folders only.
 */
public final class ScheduleLayout {
  public static final String PREDICTIONS = "predictions";
  public static final String PREDICTIONS_QUARANTINE = "predictions-quarantine";
  public static final String DRIFT = "drift";
  public static final String RUNS = "runs";
  public static final String MODEL_CANDIDATES = "model-candidates";

  /** The promotion gate's decision, in a candidate's folder. */
  public static final String PROMOTION_JSON = "promotion.json";

  public static final String DRIFT_JSON = "drift.json";
  public static final String DRIFT_HTML = "drift.html";
  public static final String RUN_SUMMARY = "run-summary.json";

  private final String dir;
  private final String partition;

  /**
   * @param partitionColumn the partition column of every per-day folder: {@code
   *     predict.table.partition-column} ({@code dt} by default), the same name predict's tables
   *     use; an input column of that name would read back as the run's date, so such an input is
   *     refused
   */
  public ScheduleLayout(String outputDir, String partitionColumn, LocalDate date) {
    this.dir = outputDir;
    this.partition = partitionColumn + "=" + date;
  }

  /** The scored Parquet of the day. */
  public String predictions() {
    return HadoopFiles.join(HadoopFiles.join(dir, PREDICTIONS), partition);
  }

  /** The day's rows that could not be scored, with their reasons. */
  public String quarantine() {
    return HadoopFiles.join(HadoopFiles.join(dir, PREDICTIONS_QUARANTINE), partition);
  }

  /** The folder of the day's drift.json and drift.html. */
  public String driftDir() {
    return HadoopFiles.join(HadoopFiles.join(dir, DRIFT), partition);
  }

  public String driftJson() {
    return HadoopFiles.join(driftDir(), DRIFT_JSON);
  }

  /**
   * The day's retrained model before the promotion gate: a workspace of its own (prepared/,
   * checkpoints/, model/, evaluation/). Promoted, its folders replace the workspace's and it is
   * removed; kept back, it stays for inspection with its promotion.json.
   */
  public String candidateDir() {
    return HadoopFiles.join(HadoopFiles.join(dir, MODEL_CANDIDATES), partition);
  }

  /** The folder of the day's run-summary.json. */
  public String runDir() {
    return HadoopFiles.join(HadoopFiles.join(dir, RUNS), partition);
  }
}
