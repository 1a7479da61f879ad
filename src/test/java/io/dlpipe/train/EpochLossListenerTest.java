package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.testing.TestSpark;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The training loss reaches the driver from a network that outlives the task that shipped its
 * listener, as DL4J's gradient-sharing wrapper keeps the first task's network in each executor for
 * the whole run.
 */
class EpochLossListenerTest {
  /** The listener copy the first task deserialized, kept past its task as DL4J keeps it. */
  private static volatile EpochLossListener kept;

  @Test
  void aListenerKeptFromAnEarlierTaskReportsThroughTheRunningTasksAccumulators() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    DoubleAccumulator lossSum = jsc.sc().doubleAccumulator("loss-sum");
    LongAccumulator rows = jsc.sc().longAccumulator("loss-rows");
    EpochLossListener listener = new EpochLossListener(lossSum, rows);

    jsc.parallelize(List.of(1), 1).foreach(i -> kept = listener);
    assertEquals(0, rows.value());

    // A later task ships its own copy (the closure) and trains the kept network, whose listener is
    // the first task's copy: one minibatch of 4 rows.
    jsc.parallelize(List.of(1), 1)
        .foreach(
            i -> {
              EpochLossListener shipped = listener;
              MultiLayerNetwork net =
                  new MultiLayerNetwork(
                      new NeuralNetConfiguration.Builder()
                          .seed(1)
                          .list()
                          .layer(
                              new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                  .nIn(2)
                                  .nOut(1)
                                  .activation(Activation.IDENTITY)
                                  .build())
                          .build());
              net.init();
              net.setListeners(kept);
              net.fit(new DataSet(Nd4j.ones(4, 2), Nd4j.zeros(4, 1)));
              if (shipped == kept) {
                throw new IllegalStateException("the second task must have a copy of its own");
              }
            });
    assertEquals(4, rows.value());
    assertEquals(1, Double.compare(lossSum.value(), 0.0), "a positive loss: " + lossSum.value());
  }
}
