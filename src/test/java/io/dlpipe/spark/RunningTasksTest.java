package io.dlpipe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.testing.TestSpark;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * A failed job's other tasks outlive its exception: on the shared local Spark, one task fails at
 * once while its sibling keeps working, and {@link RunningTasks#awaitNone} returns only after the
 * sibling ended.
 */
class RunningTasksTest {
  /** Counted down by the slow task once it started, so the fast one fails while it runs. */
  private static volatile CountDownLatch slowStarted;

  /** Set by the slow task as its very last act. */
  private static final AtomicBoolean slowEnded = new AtomicBoolean();

  private final SparkContext sc = TestSpark.get().sparkContext();

  @Test
  void aFailedJobsStillRunningTaskIsWaitedFor() {
    slowStarted = new CountDownLatch(1);
    slowEnded.set(false);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    assertThrows(
        Exception.class,
        () ->
            jsc.parallelize(List.of(0, 1), 2)
                .foreach(
                    i -> {
                      if (i == 0) {
                        slowStarted.countDown();
                        // Ignores interruption, like a writer flushing a file: ends on its own.
                        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                        while (System.nanoTime() < until) {
                          Thread.onSpinWait();
                        }
                        slowEnded.set(true);
                      } else {
                        slowStarted.await();
                        throw new IllegalStateException("fails while its sibling runs");
                      }
                    }));
    assertFalse(slowEnded.get(), "the job failed before the slow task ended");
    // The form StagedOutput.failed calls: this JVM's Spark, found from its default session.
    assertTrue(RunningTasks.awaitNone(Duration.ofSeconds(30)));
    assertTrue(slowEnded.get(), "awaitNone returned only after the slow task ended");
    assertEquals(0, RunningTasks.running(sc));
  }

  @Test
  void anIdleClusterReturnsAtOnce() {
    RunningTasks.awaitNone(sc, Duration.ofSeconds(30));
    long started = System.nanoTime();
    assertTrue(RunningTasks.awaitNone(sc, Duration.ofSeconds(30)));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1));
  }
}
