package io.dlpipe.spark;

import java.time.Duration;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Waits for the tasks a failed job leaves behind. When a Spark job fails, the driver marks its
 * stage done and kills the stage's other tasks asynchronously: they can keep writing for a moment
 * after the job's exception reached us. A stage that deletes its staging folder on failure must
 * wait for them first, or a late task recreates part of the folder (and holds on to the space a
 * full disk needs back); {@link io.dlpipe.workspace.StagedOutput#failed} does, for every stage.
 */
public final class RunningTasks {
  private static final Logger LOG = LoggerFactory.getLogger(RunningTasks.class);

  /** How long a failed stage waits for killed tasks; a task that ignores the kill is left. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private static final long POLL_MILLIS = 50;

  private RunningTasks() {}

  /**
   * {@link #awaitNone(SparkContext, Duration)} on this JVM's Spark (the thread's active session,
   * else the default one); returns true at once when none runs.
   */
  public static boolean awaitNone(Duration timeout) {
    Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isEmpty()) {
      session = SparkSession.getDefaultSession();
    }
    return session.isEmpty() || awaitNone(session.get().sparkContext(), timeout);
  }

  /**
   * Blocks until no executor of {@code sc} runs a task, or {@code timeout} has passed. Returns
   * whether the cluster drained. Safe on a stopped context (returns at once).
   */
  public static boolean awaitNone(SparkContext sc, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!sc.isStopped()) {
      int running = running(sc);
      if (running == 0) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        LOG.warn(
            "{} Spark task(s) of a failed job still running after {} s; cleaning up anyway",
            running,
            timeout.toSeconds());
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Tasks running on all executors (the driver's own in local mode included), as the task scheduler
   * knows them: a task counts until its executor reported its end. The status tracker's counts
   * would not do: they come through the asynchronous listener bus and are refreshed at most every
   * {@code spark.ui.liveUpdate.period}, so they can show none while a task still writes.
   */
  static int running(SparkContext sc) {
    if (sc.taskScheduler() instanceof TaskSchedulerImpl scheduler) {
      int n = 0;
      scala.collection.Iterator<Object> counts =
          scheduler.runningTasksByExecutors().values().iterator();
      while (counts.hasNext()) {
        n += (Integer) counts.next();
      }
      return n;
    }
    int n = 0;
    for (SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
      n += e.numRunningTasks();
    }
    return n;
  }
}
