package io.dlpipe.train;

import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import io.dlpipe.spark.StageTimer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a training fit that stops making progress ({@code train.master.stall-timeout}). DL4J's
 * training masters run each epoch as Spark jobs whose tasks block on each other (gradient sharing's
 * workers wait for data and for the Aeron mesh; every task of an averaging round must finish before
 * the driver averages): when one of them waits for something that never comes, the job sits idle
 * with its executors' CPUs at zero, and nothing in Spark or DL4J ever ends it.
 *
 * <p>The fit's jobs carry a Spark job tag of their own (set on the driver thread, so the jobs DL4J
 * starts from it carry it too; the stage's job group, which names it in the Spark UI and feeds the
 * progress lines, stays as it is). A {@link SparkListener} notes every task of those jobs that
 * ends, and every job and stage they start. When none of that happened for the timeout, the
 * watchdog cancels the tagged jobs, with their task threads interrupted so the executors are freed,
 * and the fit fails with one line that names the setting, what stalled, the tasks done and the idle
 * time. A fit stuck on the driver outside any job (no job to cancel) is interrupted after {@link
 * #INTERRUPT_GRACE}.
 */
final class StallWatchdog extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(StallWatchdog.class);

  /** Spark's local property for the tags of the jobs a thread starts ({@code SPARK_JOB_TAGS}). */
  static final String JOB_TAGS_PROPERTY = "spark.job.tags";

  /** Spark's local property for whether cancelling a job interrupts its task threads. */
  static final String INTERRUPT_PROPERTY = "spark.job.interruptOnCancel";

  /**
   * After cancelling, how long the fit has to return before the watchdog interrupts its thread: a
   * fit waiting on the driver (not in a Spark job) does not notice a cancellation.
   */
  static final Duration INTERRUPT_GRACE = Duration.ofSeconds(30);

  private static final AtomicLong IDS = new AtomicLong();
  private static final ScheduledExecutorService CHECKER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dlpipe-stall-watchdog");
            t.setDaemon(true);
            return t;
          });

  private final SparkContext sc;
  private final Duration timeout;
  private final Duration grace;
  private final String what;
  private final String tag = "dlpipe-fit-" + IDS.incrementAndGet();
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
  private final Set<Integer> jobs = ConcurrentHashMap.newKeySet();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger total = new AtomicInteger();
  private final Thread fitThread = Thread.currentThread();
  private volatile long lastProgressNanos = System.nanoTime();
  private volatile String failure;
  private long cancelledNanos;
  private boolean interruptSent;
  private boolean closed;

  private StallWatchdog(SparkContext sc, Duration timeout, Duration grace, String what) {
    this.sc = sc;
    this.timeout = timeout;
    this.grace = grace;
    this.what = what;
  }

  /**
   * Runs {@code fit} on this thread, cancelling its Spark jobs and failing with exit 1 when none of
   * their tasks finished for {@code timeout}.
   *
   * @param what what is fitted, for the message: {@code training epoch 3}
   */
  static void run(SparkContext sc, Duration timeout, String what, Runnable fit) {
    run(sc, timeout, INTERRUPT_GRACE, what, fit);
  }

  static void run(SparkContext sc, Duration timeout, Duration grace, String what, Runnable fit) {
    new StallWatchdog(sc, timeout, grace, what).watch(fit);
  }

  private void watch(Runnable fit) {
    String interruptBefore = sc.getLocalProperty(INTERRUPT_PROPERTY);
    sc.addSparkListener(this);
    sc.addJobTag(tag);
    // A stalled task is usually blocked in a wait; interrupting it frees the executor's slot.
    sc.setInterruptOnCancel(true);
    long period = Math.max(10, Math.min(1000, timeout.toMillis() / 10));
    ScheduledFuture<?> checks =
        CHECKER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    try {
      fit.run();
      close();
    } catch (Exception e) {
      // Spark's own exceptions are checked ones that Scala throws undeclared.
      close();
      if (failure != null) {
        throw new DlpipeException(ExitCodes.FAILURE, failure, e);
      }
      throw e;
    } finally {
      close();
      checks.cancel(false);
      sc.removeJobTag(tag);
      sc.setLocalProperty(INTERRUPT_PROPERTY, interruptBefore);
      sc.removeSparkListener(this);
    }
    if (failure != null) {
      // The fit swallowed the cancellation: it still did not train what it was given.
      throw new DlpipeException(ExitCodes.FAILURE, failure);
    }
  }

  /** Ends the checks; clears the interrupt this watchdog sent, which must not outlive the fit. */
  private synchronized void close() {
    if (!closed) {
      closed = true;
      if (interruptSent) {
        Thread.interrupted();
      }
    }
  }

  private synchronized void check() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (failure != null) {
      if (!interruptSent && now - cancelledNanos >= grace.toNanos()) {
        interruptSent = true;
        LOG.warn(
            "{}: still running {} after its jobs were cancelled; interrupting it", what, grace);
        fitThread.interrupt();
      }
      return;
    }
    long idle = now - lastProgressNanos;
    if (idle < timeout.toNanos()) {
      return;
    }
    failure = message(what, timeout, Duration.ofNanos(idle), done.get(), total.get());
    cancelledNanos = now;
    LOG.error(failure);
    sc.cancelJobsWithTag(tag);
  }

  /** The one line a stalled fit fails with. */
  static String message(String what, Duration timeout, Duration idle, int done, int total) {
    return String.format(
        Locale.ROOT,
        "%s stalled: none of its Spark tasks finished for %s (train.master.stall-timeout = %s), %d"
            + " of %d tasks done; its Spark jobs were cancelled. The executors' logs say what their tasks"
            + " waited for; raise train.master.stall-timeout only if a single task can take longer",
        Character.toUpperCase(what.charAt(0)) + what.substring(1),
        StageTimer.duration(idle.toMillis() / 1000.0),
        StageTimer.duration(timeout.toMillis() / 1000.0),
        done,
        total);
  }

  private boolean tagged(Properties p) {
    String tags = p == null ? null : p.getProperty(JOB_TAGS_PROPERTY);
    return tags != null && Arrays.asList(tags.split(",")).contains(tag);
  }

  private void progress() {
    lastProgressNanos = System.nanoTime();
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    if (tagged(e.properties())) {
      jobs.add(e.jobId());
      progress();
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    if (jobs.remove(e.jobId())) {
      progress();
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    if (tagged(e.properties())) {
      stages.add(e.stageInfo().stageId());
      total.addAndGet(e.stageInfo().numTasks());
      progress();
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    if (stages.contains(e.stageId())) {
      if (e.taskInfo().successful()) {
        done.incrementAndGet();
      }
      progress();
    }
  }
}
