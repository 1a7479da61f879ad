package io.dlpipe.submit;

import io.dlpipe.config.SparkSettings;
import java.util.Locale;
import org.apache.spark.network.util.JavaUtils;

/**
 * The memory arithmetic of one executor. ND4J keeps its arrays off the JVM heap, where Spark does
 * not look: with Spark's default overhead (10% of the heap) a training executor is killed by its
 * container for using memory nobody budgeted. dlpipe budgets it: the container gets heap + ND4J
 * off-heap + JVM native overhead, and ND4J is capped to its share so that it fails with an
 * out-of-memory error it can report instead of being killed.
 *
 * @param heapMb {@code spark.executor.memory}
 * @param offHeapMb ND4J's budget ({@code spark.executor-offheap}, default the heap)
 * @param jvmOverheadMb native memory of the JVM itself: thread stacks, metaspace, Netty buffers
 * @param memoryOverheadMb what dlpipe sets as {@code spark.executor.memoryOverhead}, unless the
 *     user set it
 * @param userOverheadMb the user's own {@code spark.executor.memoryOverhead}, or -1
 */
public record ExecutorMemory(
    long heapMb, long offHeapMb, long jvmOverheadMb, long memoryOverheadMb, long userOverheadMb) {
  /** Spark's default executor heap when spark.executor.memory is not set. */
  static final String SPARK_DEFAULT_HEAP = "1g";

  /** Spark's own minimum overhead, which also covers the JVM's native needs. */
  static final long JVM_OVERHEAD_MB = 384;

  /** The arithmetic for the executors a config describes. */
  public static ExecutorMemory of(SparkSettings spark) {
    long heap =
        JavaUtils.byteStringAsMb(
            spark.conf().getOrDefault("spark.executor.memory", SPARK_DEFAULT_HEAP));
    long offHeap =
        spark.executorOffHeap().isEmpty()
            ? heap
            : JavaUtils.byteStringAsMb(spark.executorOffHeap());
    String user = spark.conf().get("spark.executor.memoryOverhead");
    long userOverhead = user == null ? -1 : JavaUtils.byteStringAsMb(user);
    return new ExecutorMemory(
        heap, offHeap, JVM_OVERHEAD_MB, offHeap + JVM_OVERHEAD_MB, userOverhead);
  }

  /** The overhead actually in force: the user's, else dlpipe's. */
  public long effectiveOverheadMb() {
    return userOverheadMb >= 0 ? userOverheadMb : memoryOverheadMb;
  }

  /** What the cluster manager grants the executor's container. */
  public long containerMb() {
    return heapMb + effectiveOverheadMb();
  }

  /** True when the ND4J budget plus the JVM's own needs fit in the overhead in force. */
  public boolean fits() {
    return offHeapMb + jvmOverheadMb <= effectiveOverheadMb();
  }

  /**
   * JVM options that cap ND4J (JavaCPP) at its budget and the whole process at the container size.
   */
  public String javacppOptions() {
    return String.format(
        Locale.ROOT,
        "-Dorg.bytedeco.javacpp.maxbytes=%dm -Dorg.bytedeco.javacpp.maxphysicalbytes=%dm",
        offHeapMb,
        containerMb());
  }

  /** One line for logs and doctor. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "executor heap %d MiB + ND4J off-heap %d MiB + JVM native %d MiB = %d MiB needed; memoryOverhead %d MiB%s, container %d MiB",
        heapMb,
        offHeapMb,
        jvmOverheadMb,
        heapMb + offHeapMb + jvmOverheadMb,
        effectiveOverheadMb(),
        userOverheadMb >= 0 ? " (set by the user)" : " (set by dlpipe)",
        containerMb());
  }
}
