package io.dlpipe.etl;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The rows each task of one write job committed, by the partition it wrote, from the tasks' own
 * output metrics: what the writing pass wrote, counted by the pass itself rather than by reading
 * the files back (a second job per split, each listing and opening every file's footer). Only a
 * task that ended in success counts (a task whose commit was denied, or that failed, does not), and
 * a partition written again (a retried task) counts once, its last success.
 */
final class WrittenRows extends SparkListener implements AutoCloseable {
  private static final String PROPERTY = "dlpipe.etl.write-id";

  private final SparkContext sc;
  private final String id = UUID.randomUUID().toString();
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Long> byPartition = new ConcurrentHashMap<>();

  /** Starts listening: the jobs this thread runs until {@link #close} are counted. */
  WrittenRows(SparkContext sc) {
    this.sc = sc;
    sc.addSparkListener(this);
    sc.setLocalProperty(PROPERTY, id);
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    if (job.properties() != null && id.equals(job.properties().getProperty(PROPERTY))) {
      for (Object stage : scala.collection.JavaConverters.seqAsJavaList(job.stageIds())) {
        stages.add((Integer) stage);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd task) {
    if (stages.contains(task.stageId())
        && task.reason() == Success$.MODULE$
        && task.taskMetrics() != null
        && task.taskMetrics().outputMetrics().recordsWritten() > 0) {
      byPartition.put(
          task.taskInfo().partitionId(), task.taskMetrics().outputMetrics().recordsWritten());
    }
  }

  /**
   * The rows written per partition of the jobs run since this was made: waits until the listener
   * bus has delivered their events (it delivers them asynchronously).
   */
  Map<Integer, Long> byPartition() {
    try {
      sc.listenerBus().waitUntilEmpty();
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not deliver the write's events", e);
    }
    return Map.copyOf(byPartition);
  }

  @Override
  public void close() {
    sc.setLocalProperty(PROPERTY, null);
    sc.removeSparkListener(this);
  }
}
