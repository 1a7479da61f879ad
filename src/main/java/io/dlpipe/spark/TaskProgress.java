package io.dlpipe.spark;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.slf4j.Logger;

/**
 * While a long stage runs, prints a line every {@link #INTERVAL_SECONDS} with the tasks done of the
 * Spark jobs running in its job group and an ETA for them, read from Spark's public status tracker.
 * Short stages print nothing extra; the lines are plain text (no carriage returns or escape codes),
 * so they read the same in a terminal and in a scheduler's log.
 */
final class TaskProgress implements AutoCloseable {
  static final long INTERVAL_SECONDS = 30;
  private static final ScheduledExecutorService TICKER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dlpipe-progress");
            t.setDaemon(true);
            return t;
          });

  private final ScheduledFuture<?> tick;

  TaskProgress(JavaSparkStatusTracker tracker, String group, String label, Logger log) {
    long start = System.nanoTime();
    this.tick =
        TICKER.scheduleAtFixedRate(
            () -> report(tracker, group, label, log, start),
            INTERVAL_SECONDS,
            INTERVAL_SECONDS,
            TimeUnit.SECONDS);
  }

  private static void report(
      JavaSparkStatusTracker tracker, String group, String label, Logger log, long start) {
    long total = 0;
    long done = 0;
    int running = 0;
    for (int jobId : tracker.getJobIdsForGroup(group)) {
      SparkJobInfo job = tracker.getJobInfo(jobId);
      if (job == null || job.status() != org.apache.spark.JobExecutionStatus.RUNNING) {
        continue;
      }
      running++;
      for (int stageId : job.stageIds()) {
        SparkStageInfo stage = tracker.getStageInfo(stageId);
        if (stage != null) {
          total += stage.numTasks();
          done += stage.numCompletedTasks();
        }
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (running == 0 || total == 0) {
      log.info(String.format(Locale.ROOT, "%s: running for %.0f s", label, elapsed));
      return;
    }
    String eta = done == 0 ? "unknown" : StageTimer.duration(elapsed * (total - done) / done);
    log.info(
        String.format(
            Locale.ROOT,
            "%s: running for %.0f s; %d of %d tasks of the current Spark job(s) done (%.0f%%), ETA %s",
            label,
            elapsed,
            done,
            total,
            100.0 * done / total,
            eta));
  }

  @Override
  public void close() {
    tick.cancel(false);
  }
}
