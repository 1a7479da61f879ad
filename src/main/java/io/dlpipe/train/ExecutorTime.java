package io.dlpipe.train;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Sums the run time of every task that ends while it is registered: the executor-seconds a stage
 * cost, across all executors. Spark delivers listener events asynchronously, so a read right after
 * a job may miss its last few tasks; per epoch that error is a few milliseconds.
 */
final class ExecutorTime extends SparkListener {
  private final AtomicLong millis = new AtomicLong();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.taskMetrics() != null) {
      millis.addAndGet(taskEnd.taskMetrics().executorRunTime());
    }
  }

  long millis() {
    return millis.get();
  }
}
