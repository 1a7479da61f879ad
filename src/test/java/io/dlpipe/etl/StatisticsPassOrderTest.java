package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The statistics pass's partials are merged in partition order whatever order the tasks finish in,
 * so that transform.json is byte-identical across reruns (floating-point sums and quantile sketches
 * depend on the order they are merged in).
 */
class StatisticsPassOrderTest {
  private static final int PARTITIONS = 4;

  /** One partition's statistics: 5,000 seeded values of one numeric column. */
  private static FitStatistics partial(int partition) {
    FitStatistics s = new FitStatistics(1, 0, 0.01, 10);
    Random r = new Random(partition);
    for (int k = 0; k < 5000; k++) {
      s.measure(
          new Double[] {r.nextGaussian() * 1000 + partition * 7.3},
          new LocalDateTime[0],
          new boolean[0],
          null);
    }
    return s;
  }

  /** The driver's merge of task results arriving in {@code order}. */
  private static FitStatistics arriving(List<Integer> order) {
    StatisticsPass.Accumulator driver = new StatisticsPass.Accumulator();
    for (int p : order) {
      StatisticsPass.Accumulator task = new StatisticsPass.Accumulator();
      task.offer(p, partial(p));
      driver.merge(task);
    }
    return driver.complete();
  }

  private static double[] summary(FitStatistics s) {
    return new double[] {
      s.numeric[0].mean,
      s.numeric[0].m2,
      s.numeric[0].m3,
      s.quantile(0, 0.1),
      s.quantile(0, 0.5),
      s.quantile(0, 0.9),
      s.countAtMost(0, 500.0)
    };
  }

  @Test
  void tasksFinishingInAnyOrderGiveTheStatisticsOfThePartitionOrder() {
    FitStatistics inOrder = partial(0);
    for (int p = 1; p < PARTITIONS; p++) {
      inOrder.merge(partial(p));
    }
    double[] expected = summary(inOrder);
    for (List<Integer> order :
        List.of(
            List.of(0, 1, 2, 3), List.of(3, 2, 1, 0), List.of(2, 0, 3, 1), List.of(1, 3, 0, 2))) {
      FitStatistics merged = arriving(order);
      assertEquals(20000, merged.trainRows, "rows of " + order);
      assertEquals(
          java.util.Arrays.toString(expected),
          java.util.Arrays.toString(summary(merged)),
          "arrival order " + order);
    }
  }

  @Test
  void mergingInArrivalOrderWouldChangeTheStatistics() {
    // What the pass did before: each task's partial merged as it arrived. The same four partials,
    // arriving in another order, give other last digits: the reason the order is fixed.
    FitStatistics inOrder = partial(0);
    FitStatistics reversed = partial(3);
    for (int p = 1; p < PARTITIONS; p++) {
      inOrder.merge(partial(p));
      reversed.merge(partial(PARTITIONS - 1 - p));
    }
    assertNotEquals(
        java.util.Arrays.toString(summary(inOrder)), java.util.Arrays.toString(summary(reversed)));
  }

  @Test
  void aPartitionReportedAgainIsCountedOnceAndAMissingOneIsNamed() {
    StatisticsPass.Accumulator driver = new StatisticsPass.Accumulator();
    for (int p : List.of(0, 1, 0, 3, 1)) {
      StatisticsPass.Accumulator task = new StatisticsPass.Accumulator();
      task.offer(p, partial(p));
      driver.merge(task);
    }
    assertEquals(
        10000, driver.value().trainRows, "what Spark's UI reads mid-job: partitions 0 and 1");
    IllegalStateException e = assertThrows(IllegalStateException.class, driver::complete);
    assertEquals(
        "the statistics of partition 2 never arrived, though those of partitions [3] did",
        e.getMessage());
    StatisticsPass.Accumulator two = new StatisticsPass.Accumulator();
    two.offer(2, partial(2));
    driver.merge(two);
    assertEquals(20000, driver.complete().trainRows);
  }
}
