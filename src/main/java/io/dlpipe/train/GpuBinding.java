package io.dlpipe.train;

import java.util.Locale;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each training task to the GPU Spark's resource scheduling assigned it ({@code
 * spark.task.resource.gpu.amount = 1}), so that N GPUs give N training workers on N distinct
 * devices. Runs inside DL4J's worker, once per task, at its first minibatch. On the CPU backend it
 * only logs the assignment, which is how the scheduling path is tested without GPUs.
 *
 * <p>With one GPU per executor (the layout YARN and Kubernetes give, where the assigned GPU is the
 * only one the container sees) the binding changes nothing; it matters on standalone hosts where
 * one executor sees several GPUs.
 */
public final class GpuBinding implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);

  /** The task attempt this thread last bound; tasks reuse executor threads. */
  private static final ThreadLocal<Long> BOUND = new ThreadLocal<>();

  /**
   * Binds the current task's thread to its assigned GPU, once per task attempt; returns the address
   * or null.
   */
  public static String bindCurrentTask() {
    TaskContext task = TaskContext.get();
    if (task == null || Long.valueOf(task.taskAttemptId()).equals(BOUND.get())) {
      return null;
    }
    BOUND.set(task.taskAttemptId());
    if (!task.resources().contains("gpu")) {
      return null;
    }
    ResourceInformation gpu = task.resources().apply("gpu");
    if (gpu.addresses().length == 0) {
      return null;
    }
    String address = gpu.addresses()[0];
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    boolean cuda =
        backend.toLowerCase(Locale.ROOT).contains("cuda")
            || backend.toLowerCase(Locale.ROOT).contains("jcublas");
    if (cuda) {
      Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(address));
    }
    LOG.info(
        "task {} (partition {}, stage {}) on executor {} bound to GPU {}{}",
        task.taskAttemptId(),
        task.partitionId(),
        task.stageId(),
        SparkEnv.get().executorId(),
        address,
        cuda ? "" : " (ND4J backend " + backend + ": CPU computes, the GPU is only reserved)");
    return address;
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    bindCurrentTask();
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    bindCurrentTask();
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
