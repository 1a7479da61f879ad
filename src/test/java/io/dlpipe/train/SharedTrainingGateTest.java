package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.testing.TestSpark;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of DL4J's gradient-sharing wrapper, on the shared local Spark (two task slots
 * in one JVM, as on a two-core executor): DL4J's split is kept, only one task at a time is past the
 * gate, and a task that fails gives its permit back.
 */
class SharedTrainingGateTest {
  /** Tasks past the gate right now, and the most there ever were at once. */
  private static final AtomicInteger INSIDE = new AtomicInteger();

  private static final AtomicInteger MOST = new AtomicInteger();

  private final JavaSparkContext jsc =
      JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());

  private static JavaRDD<Integer> gated(JavaRDD<Integer> rdd) {
    // As DL4J calls it for gradient sharing: one minibatch per partition at least.
    return new SharedTrainingGate().repartition(rdd, 1, 2);
  }

  @Test
  void oneTaskAtATimeIsPastTheGateAndDl4jsSplitIsKept() {
    INSIDE.set(0);
    MOST.set(0);
    JavaRDD<Integer> gated = gated(jsc.parallelize(IntStream.range(0, 8).boxed().toList(), 2));
    // DL4J's DefaultRepartitioner: one partition per object when each holds at least one.
    assertEquals(8, gated.getNumPartitions());
    List<Integer> seen =
        gated
            .mapPartitions(
                it -> {
                  MOST.accumulateAndGet(INSIDE.incrementAndGet(), Math::max);
                  // Long enough for the other slot's task to arrive while this one is inside.
                  Thread.sleep(200);
                  List<Integer> out = new java.util.ArrayList<>();
                  it.forEachRemaining(out::add);
                  INSIDE.decrementAndGet();
                  return out.iterator();
                })
            .collect();
    assertEquals(IntStream.range(0, 8).boxed().toList(), seen.stream().sorted().toList());
    assertEquals(1, MOST.get(), "tasks past the gate at once");
    assertEquals(1, SharedTrainingGate.available());
  }

  @Test
  void aFailedTaskGivesItsPermitBack() {
    SparkException e =
        assertThrows(
            SparkException.class,
            () ->
                gated(jsc.parallelize(List.of(1), 1))
                    .foreach(
                        i -> {
                          throw new IllegalStateException("task " + i + " failed");
                        }));
    assertTrue(e.getMessage().contains("failed"), e.getMessage());
    assertEquals(1, SharedTrainingGate.available());
    // And the next job passes the gate.
    assertEquals(3L, gated(jsc.parallelize(List.of(1, 2, 3), 3)).count());
  }
}
