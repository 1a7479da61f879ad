package io.dlpipe.train;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
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
 */
final class EpochLossListener implements TrainingListener, Serializable {
  private final DoubleAccumulator lossSum;
  private final LongAccumulator examples;

  EpochLossListener(DoubleAccumulator lossSum, LongAccumulator examples) {
    this.lossSum = lossSum;
    this.examples = examples;
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    int n = model.batchSize();
    if (n > 0 && Double.isFinite(model.score())) {
      lossSum.add(model.score() * n);
      examples.add(n);
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
