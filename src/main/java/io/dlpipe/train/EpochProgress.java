package io.dlpipe.train;

import io.dlpipe.spark.StageTimer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress within one training epoch: every {@link #INTERVAL_SECONDS} a line with the rows trained
 * so far, the current samples/s and an ETA for the rest of the epoch. An epoch over tens of
 * millions of rows runs for an hour; the per-epoch line alone would leave a scheduler's log silent
 * all that time.
 *
 * <p>The rows come from the accumulator the workers' loss listener adds to, which Spark merges on
 * the driver as each training task ends (every averaging round). The rate is taken over the last
 * few intervals, not the whole epoch, so the ETA follows the steady training rate rather than the
 * first epoch's export or the JIT warm-up: by mid-epoch it is the time the remaining rows take at
 * the rate of the last two minutes.
 */
final class EpochProgress implements AutoCloseable {
  static final long INTERVAL_SECONDS = 30;

  /** Samples the rate is measured over: the epoch's start and the last four ticks (two minutes). */
  static final int WINDOW = 5;

  private static final Logger LOG = LoggerFactory.getLogger("dlpipe.progress");
  private static final ScheduledExecutorService TICKER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dlpipe-epoch-progress");
            t.setDaemon(true);
            return t;
          });

  private final String label;
  private final long totalRows;
  private final LongSupplier rowsDone;
  private final LongSupplier fitStartNanos;
  private final long startNanos;
  private final Deque<long[]> samples = new ArrayDeque<>();
  private ScheduledFuture<?> tick;

  /**
   * @param label names the epoch in each line, e.g. {@code train epoch 3/100}
   * @param totalRows the rows one epoch trains on
   * @param rowsDone rows trained so far in this epoch
   * @param startNanos {@link System#nanoTime} when the epoch started
   */
  EpochProgress(String label, long totalRows, LongSupplier rowsDone, long startNanos) {
    this(label, totalRows, rowsDone, () -> 0L, startNanos);
  }

  /**
   * @param fitStartNanos when the fit itself began ({@link System#nanoTime}), or 0 while the epoch
   *     is still preparing (the first epoch writes the minibatch files before any row trains); the
   *     rate is never measured over that preparation
   */
  EpochProgress(
      String label,
      long totalRows,
      LongSupplier rowsDone,
      LongSupplier fitStartNanos,
      long startNanos) {
    this.label = label;
    this.totalRows = totalRows;
    this.rowsDone = rowsDone;
    this.fitStartNanos = fitStartNanos;
    this.startNanos = startNanos;
    samples.add(new long[] {startNanos, 0});
  }

  /** Starts printing a line every {@link #INTERVAL_SECONDS}; close it when the epoch's fit ends. */
  static EpochProgress start(
      String label, long totalRows, LongSupplier rowsDone, LongSupplier fitStartNanos) {
    EpochProgress p =
        new EpochProgress(label, totalRows, rowsDone, fitStartNanos, System.nanoTime());
    p.tick =
        TICKER.scheduleAtFixedRate(
            () -> LOG.info(p.line(System.nanoTime())),
            INTERVAL_SECONDS,
            INTERVAL_SECONDS,
            TimeUnit.SECONDS);
    return p;
  }

  /** Records the rows done at {@code nowNanos} and says where the epoch stands. */
  synchronized String line(long nowNanos) {
    long done = Math.min(rowsDone.getAsLong(), totalRows);
    samples.addLast(new long[] {nowNanos, done});
    long fitStart = fitStartNanos.getAsLong();
    if (fitStart > 0 && samples.peekFirst()[0] < fitStart) {
      // Samples from before the fit began (0 rows, the minibatch export) would count the
      // preparation as slow training; the window starts at the fit instead.
      samples.removeIf(sample -> sample[0] < fitStart);
      samples.addFirst(new long[] {fitStart, 0});
    }
    while (samples.size() > WINDOW) {
      samples.removeFirst();
    }
    long[] first = samples.peekFirst();
    double windowSeconds = (nowNanos - first[0]) / 1e9;
    double rate = windowSeconds <= 0 ? 0 : (done - first[1]) / windowSeconds;
    double elapsed = (nowNanos - startNanos) / 1e9;
    String eta = rate <= 0 ? "unknown" : StageTimer.duration((totalRows - done) / rate);
    return String.format(
        Locale.ROOT,
        "%s: %,d of %,d rows (%.1f%%) in %s, %,.0f samples/s, ETA %s for this epoch",
        label,
        done,
        totalRows,
        100.0 * done / Math.max(totalRows, 1),
        StageTimer.duration(elapsed),
        rate,
        eta);
  }

  @Override
  public void close() {
    if (tick != null) {
      tick.cancel(false);
    }
  }
}
