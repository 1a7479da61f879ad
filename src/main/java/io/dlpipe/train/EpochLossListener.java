package io.dlpipe.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums every worker minibatch's loss into Spark accumulators, so the driver knows the epoch's mean
 * training loss. DL4J itself keeps only the last minibatch's score ({@code getScore()}), which is
 * too noisy to log. The training master ships this listener to every worker inside the task, and
 * Spark merges the accumulators of successful tasks back on the driver.
 *
 * <p>The loss is what the optimizer minimized on each minibatch: with dropout active and the L2
 * penalty included, as Keras reports its training loss.
 *
 * <p>Gradient sharing keeps one network per executor JVM for the whole run, with the listener the
 * first task shipped: that copy's accumulators belong to a task long finished, and what is added to
 * them never reaches the driver (every epoch after the first logged train_loss NaN). So each copy
 * adds to the copy the running task itself deserialized, whose accumulators Spark reports with it.
 */
final class EpochLossListener implements TrainingListener, Serializable {
  private static final long serialVersionUID = 1L;

  /** The copy each running task deserialized, by task attempt id; removed when the task ends. */
  private static final Map<Long, EpochLossListener> BY_TASK = new ConcurrentHashMap<>();

  private final DoubleAccumulator lossSum;
  private final LongAccumulator examples;

  EpochLossListener(DoubleAccumulator lossSum, LongAccumulator examples) {
    this.lossSum = lossSum;
    this.examples = examples;
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    TaskContext task = TaskContext.get();
    if (task != null) {
      long id = task.taskAttemptId();
      BY_TASK.put(id, this);
      task.addTaskCompletionListener((TaskCompletionListener) t -> BY_TASK.remove(id));
    }
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    int n = model.batchSize();
    if (n > 0 && Double.isFinite(model.score())) {
      TaskContext task = TaskContext.get();
      EpochLossListener current =
          task == null ? this : BY_TASK.getOrDefault(task.taskAttemptId(), this);
      current.lossSum.add(model.score() * n);
      current.examples.add(n);
    }
  }

  @Override
  public void onEpochStart(Model model) {}

  @Override
  public void onEpochEnd(Model model) {}

  @Override
  public void onForwardPass(Model model, List<INDArray> activations) {}

  @Override
  public void onForwardPass(Model model, Map<String, INDArray> activations) {}

  @Override
  public void onGradientCalculation(Model model) {}

  @Override
  public void onBackwardPass(Model model) {}
}
