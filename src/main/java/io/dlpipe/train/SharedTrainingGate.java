package io.dlpipe.train;

import java.util.concurrent.Semaphore;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.spark.api.Repartitioner;
import org.deeplearning4j.spark.impl.repartitioner.DefaultRepartitioner;

/**
 * Lets one gradient-sharing training task at a time into DL4J's {@code SharedTrainingWrapper} in
 * each executor JVM, working around a race in DL4J 1.0.0-M2 that hangs an epoch (issue 16).
 *
 * <p>The wrapper is one object per JVM. The first task to enter becomes its "master" and trains on
 * every partition iterator attached to it; a task that enters while a master runs attaches its
 * iterator and polls until the master has consumed it ("feeder"). When the master finds no iterator
 * left it replaces the list of iterators with a new empty one and only then marks itself done. A
 * task that attaches in between is lost: attached to the old list, which nobody reads any more, its
 * task waits forever (or, entering just after, becomes master of the new empty list and returns
 * without training its partition). DL4J gives gradient sharing one partition per minibatch, so an
 * executor with two cores runs hundreds of such overlapping entries per epoch: in the IT on credit
 * (112 minibatches an epoch, two 2-core executors) one executor ran 216 masters and 114 feeders in
 * 3 epochs, and the full suite once hung in epoch 3 with its CPUs idle.
 *
 * <p>The gate is DL4J's own {@link DefaultRepartitioner} (the split is unchanged) followed by a
 * step in the same Spark stage that takes a JVM-wide permit before DL4J's training function sees
 * the partition, and gives it back when the task ends (success, failure or kill). Every task is
 * then a master over its own partition: no feeder exists, so nothing can be lost. This costs no
 * parallelism: with one trainer per JVM (DL4J's default below 8 cores) a feeder only ever waited.
 * Tasks waiting for the permit hold a task slot; they are interruptible, so a cancelled job frees
 * them.
 */
final class SharedTrainingGate implements Repartitioner {
  private static final long serialVersionUID = 1L;

  /** One permit per executor JVM (this class is loaded once per JVM). */
  private static final Semaphore PERMIT = new Semaphore(1, true);

  @Override
  public <T> JavaRDD<T> repartition(JavaRDD<T> input, int minObjectsPerPartition, int executors) {
    return new DefaultRepartitioner()
        .repartition(input, minObjectsPerPartition, executors)
        .mapPartitions(SharedTrainingGate::enter, true);
  }

  /** Waits for the permit in the task's own thread, before DL4J attaches the partition. */
  static <T> java.util.Iterator<T> enter(java.util.Iterator<T> partition)
      throws InterruptedException {
    PERMIT.acquire();
    TaskContext task = TaskContext.get();
    if (task == null) {
      // Not in a Spark task (a direct call): nobody would give the permit back.
      PERMIT.release();
      throw new IllegalStateException("SharedTrainingGate.enter must run inside a Spark task");
    }
    task.addTaskCompletionListener((TaskCompletionListener) ctx -> PERMIT.release());
    return partition;
  }

  /** Permits free now: 1 when no training task holds the gate in this JVM. */
  static int available() {
    return PERMIT.availablePermits();
  }
}
