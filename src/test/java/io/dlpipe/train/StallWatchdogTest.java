package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DlpipeException;
import io.dlpipe.testing.TestSpark;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stall watchdog on the shared local Spark: a job whose last task blocks forever is cancelled
 * (its task thread interrupted) and the fit fails with the one line; a fit stuck outside any job is
 * interrupted; a fit that finishes, or fails by itself, is left as it is.
 */
class StallWatchdogTest {
  /** Never counted down while a test runs: what a stalled task waits for. */
  private static volatile CountDownLatch never;

  /**
   * Counted down by a blocked task when its thread is interrupted (the cancellation reached it).
   */
  private static volatile CountDownLatch interrupted;

  /**
   * Long enough for a warm local Spark to report the finished tasks (milliseconds), short enough
   * for a unit test.
   */
  private static final Duration TINY = Duration.ofSeconds(2);

  private final SparkContext sc = TestSpark.get().sparkContext();
  private final JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);

  @BeforeAll
  static void warmUp() {
    // The first job of a JVM spends seconds starting up before its first task ends: not a stall.
    JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext())
        .parallelize(List.of(0, 1, 2), 3)
        .foreach(i -> {});
  }

  @BeforeEach
  void latches() {
    never = new CountDownLatch(1);
    interrupted = new CountDownLatch(1);
  }

  @AfterEach
  void release() {
    never.countDown();
  }

  /** The message with its idle time captured (it is at least the timeout, by how much varies). */
  private static Matcher stalled(String message, int done, int total) {
    Matcher m =
        Pattern.compile(
                Pattern.quote("Training epoch 3 stalled: none of its Spark tasks finished for ")
                    + "(\\d+)s"
                    + Pattern.quote(
                        " (train.master.stall-timeout = 2s), "
                            + done
                            + " of "
                            + total
                            + " tasks done; its Spark jobs were cancelled. The executors' logs say"
                            + " what their tasks waited for; raise train.master.stall-timeout only if"
                            + " a single task can take longer"))
            .matcher(message);
    assertTrue(m.matches(), message);
    assertTrue(Integer.parseInt(m.group(1)) >= 2, message);
    return m;
  }

  @Test
  void aJobWhoseLastTaskNeverFinishesIsCancelledAndTheFitFailsWithOneLine() throws Exception {
    DlpipeException e =
        assertThrows(
            DlpipeException.class,
            () ->
                StallWatchdog.run(
                    sc,
                    TINY,
                    "training epoch 3",
                    // Three tasks on two cores: the first two finish, the third blocks.
                    () ->
                        jsc.parallelize(List.of(0, 1, 2), 3)
                            .foreach(
                                i -> {
                                  if (i == 2) {
                                    try {
                                      never.await();
                                    } catch (InterruptedException x) {
                                      interrupted.countDown();
                                      Thread.currentThread().interrupt();
                                    }
                                  }
                                })));
    assertEquals(1, e.exitCode());
    stalled(e.getMessage(), 2, 3);
    // The job failed because the watchdog cancelled it, and its blocked task was interrupted.
    SparkException cause = assertInstanceOf(SparkException.class, e.getCause());
    assertTrue(
        cause.getMessage().matches("Job \\d+ cancelled part of cancelled job tag dlpipe-fit-\\d+"),
        cause.getMessage());
    assertTrue(interrupted.await(60, TimeUnit.SECONDS), "the blocked task was interrupted");
    // Nothing of the watch is left on the thread.
    assertTrue(jsc.getJobTags().isEmpty(), jsc.getJobTags().toString());
    assertNull(sc.getLocalProperty(StallWatchdog.INTERRUPT_PROPERTY));
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aFitStuckOutsideAnyJobIsInterruptedAfterTheGrace() {
    DlpipeException e =
        assertThrows(
            DlpipeException.class,
            () ->
                StallWatchdog.run(
                    sc,
                    TINY,
                    Duration.ZERO,
                    "training epoch 3",
                    () -> {
                      try {
                        never.await();
                      } catch (InterruptedException x) {
                        throw new IllegalStateException("interrupted while waiting", x);
                      }
                    }));
    stalled(e.getMessage(), 0, 0);
    assertEquals("interrupted while waiting", e.getCause().getMessage());
    // The interrupt was for the fit only: the thread carries on uninterrupted.
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aFitThatFinishesOrFailsByItselfIsLeftAsItIs() {
    sc.setLocalProperty(StallWatchdog.INTERRUPT_PROPERTY, "false");
    try {
      long[] counted = new long[1];
      StallWatchdog.run(
          sc,
          TINY,
          "training epoch 1",
          () -> counted[0] = jsc.parallelize(List.of(1, 2, 3, 4), 4).count());
      assertEquals(4, counted[0]);
      assertEquals("false", sc.getLocalProperty(StallWatchdog.INTERRUPT_PROPERTY));
      assertTrue(jsc.getJobTags().isEmpty(), jsc.getJobTags().toString());

      IllegalArgumentException own = new IllegalArgumentException("the fit's own failure");
      assertSame(
          own,
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  StallWatchdog.run(
                      sc,
                      TINY,
                      "training epoch 2",
                      () -> {
                        throw own;
                      })));
    } finally {
      sc.setLocalProperty(StallWatchdog.INTERRUPT_PROPERTY, null);
    }
  }
}
