package io.dlpipe.doctor;

import java.io.Serializable;
import java.util.List;

/**
 * What one task saw on its executor: the ND4J backend that actually loaded, its memory caps, and
 * the GPU addresses Spark assigned the task. A plain class, not a record: it travels back to the
 * driver through Kryo, which cannot build records.
 */
public final class ExecutorReport implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String executorId;
  private final String host;
  private final long pid;
  private final String backend;
  private final String blasVendor;
  private final long heapMb;
  private final long nd4jMaxBytesMb;
  private final long nd4jMaxPhysicalMb;
  private final List<String> gpus;

  /**
   * @param executorId Spark's executor id ("driver" in local mode)
   * @param host the executor's host
   * @param pid the executor JVM's process id
   * @param backend the ND4J backend class
   * @param blasVendor the BLAS library ND4J uses
   * @param heapMb the JVM's maximum heap
   * @param nd4jMaxBytesMb ND4J's (JavaCPP's) off-heap cap
   * @param nd4jMaxPhysicalMb JavaCPP's cap on the process's physical memory
   * @param gpus the GPU addresses of the task, empty without GPU scheduling
   */
  public ExecutorReport(
      String executorId,
      String host,
      long pid,
      String backend,
      String blasVendor,
      long heapMb,
      long nd4jMaxBytesMb,
      long nd4jMaxPhysicalMb,
      List<String> gpus) {
    this.executorId = executorId;
    this.host = host;
    this.pid = pid;
    this.backend = backend;
    this.blasVendor = blasVendor;
    this.heapMb = heapMb;
    this.nd4jMaxBytesMb = nd4jMaxBytesMb;
    this.nd4jMaxPhysicalMb = nd4jMaxPhysicalMb;
    this.gpus = new java.util.ArrayList<>(gpus);
  }

  public String executorId() {
    return executorId;
  }

  public String host() {
    return host;
  }

  public long pid() {
    return pid;
  }

  public String backend() {
    return backend;
  }

  public String blasVendor() {
    return blasVendor;
  }

  public long heapMb() {
    return heapMb;
  }

  public long nd4jMaxBytesMb() {
    return nd4jMaxBytesMb;
  }

  public long nd4jMaxPhysicalMb() {
    return nd4jMaxPhysicalMb;
  }

  public List<String> gpus() {
    return List.copyOf(gpus);
  }
}
