package io.dlpipe.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Repeated measurements of one job on one input: every run's seconds, their median, and the
 * median's rate. Ratios are always taken between medians measured in the same suite run.
 *
 * @param items what a rate counts: rows or samples per run
 * @param seconds every run, in the order they ran
 * @param medianSeconds the median of {@code seconds}
 * @param perSecond {@code items / medianSeconds}
 */
public record Timing(long items, List<Double> seconds, double medianSeconds, double perSecond) {

  public Timing {
    seconds = List.copyOf(seconds);
  }

  /** From the runs' seconds; the median of an even count is the mean of the middle two. */
  public static Timing of(long items, List<Double> seconds) {
    if (seconds.isEmpty()) {
      throw new IllegalArgumentException("no run was timed");
    }
    double median = median(seconds);
    return new Timing(items, seconds, median, items / median);
  }

  public static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Seconds since {@code startNanos}. */
  static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
