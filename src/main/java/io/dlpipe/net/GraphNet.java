package io.dlpipe.net;

import java.util.Collection;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A {@link Network} that is a DL4J {@code ComputationGraph} with one input (the feature vector) and
 * one output layer (the head's), whatever lies between ({@link WideDeepSpec}). A graph family is
 * then only its spec: this class trains, scores and serializes any such graph.
 */
public final class GraphNet implements Network {
  private final ComputationGraph net;

  /** Wraps an initialized graph with one input and one output. */
  public GraphNet(ComputationGraph net) {
    if (net.getConfiguration().getNetworkInputs().size() != 1
        || net.getConfiguration().getNetworkOutputs().size() != 1) {
      throw new IllegalArgumentException(
          "a network graph must have one input and one output, not "
              + net.getConfiguration().getNetworkInputs()
              + " and "
              + net.getConfiguration().getNetworkOutputs());
    }
    this.net = net;
  }

  @Override
  public int inputWidth() {
    // The input vertex has no size of its own: any layer reading it directly does.
    ComputationGraphConfiguration c = net.getConfiguration();
    String input = c.getNetworkInputs().get(0);
    for (var e : c.getVertexInputs().entrySet()) {
      if (e.getValue().contains(input) && net.getLayer(e.getKey()) != null) {
        return (int) net.layerInputSize(e.getKey());
      }
    }
    throw new IllegalStateException("no layer of the network graph reads its input " + input);
  }

  @Override
  public int outputWidth() {
    return (int) net.layerSize(net.getConfiguration().getNetworkOutputs().get(0));
  }

  @Override
  public long numParams() {
    return net.numParams();
  }

  @Override
  public float[][] output(float[][] features) {
    return net.outputSingle(false, Nd4j.create(features)).toFloatMatrix();
  }

  @Override
  public INDArray params() {
    return net.params();
  }

  @Override
  public void setParams(INDArray flat) {
    net.setParams(flat);
  }

  @Override
  public boolean hasLinearPath() {
    return linearOffset() >= 0;
  }

  @Override
  public boolean startAsLinear(double[][] weights, double[] intercepts) {
    int offset = linearOffset();
    if (offset < 0) {
      return false;
    }
    org.deeplearning4j.nn.api.Layer out =
        net.getLayer(net.getConfiguration().getNetworkOutputs().get(0));
    LinearPath.set(out.getParam("W"), out.getParam("b"), offset, weights, intercepts);
    return true;
  }

  /**
   * The first row of the output layer's weights that multiplies a raw feature, when it reads them:
   * 0 when it reads only the features, after the other inputs' rows when it reads a merge whose
   * last input is the features (wide and deep); -1 otherwise.
   */
  private int linearOffset() {
    ComputationGraphConfiguration c = net.getConfiguration();
    String input = c.getNetworkInputs().get(0);
    String output = c.getNetworkOutputs().get(0);
    List<String> read = c.getVertexInputs().get(output);
    if (read.size() != 1) {
      return -1;
    }
    if (read.get(0).equals(input)) {
      return 0;
    }
    List<String> merged = c.getVertexInputs().get(read.get(0));
    if (!(c.getVertices().get(read.get(0)) instanceof MergeVertex)
        || merged == null
        || !merged.get(merged.size() - 1).equals(input)) {
      return -1;
    }
    return (int) (net.layerInputSize(output) - inputWidth());
  }

  @Override
  public void setLearningRate(ISchedule schedule) {
    net.setLearningRate(schedule);
  }

  @Override
  public void resetUpdaterState() {
    if (net.getUpdater() != null && net.getUpdater().getStateViewArray() != null) {
      net.getUpdater().getStateViewArray().assign(0);
    }
  }

  @Override
  public void fit(DataSet minibatch) {
    net.fit(minibatch);
  }

  @Override
  public SparkNetwork distributed(JavaSparkContext jsc, TrainingMaster<?, ?> master) {
    SparkComputationGraph spark = new SparkComputationGraph(jsc, net, master);
    return new SparkNetwork() {
      @Override
      public void fit(JavaRDD<DataSet> minibatches) {
        spark.fit(minibatches);
      }

      @Override
      public void fitPaths(JavaRDD<String> paths, DataSetLoader loader) {
        spark.fitPaths(paths, loader);
      }

      @Override
      public void setListeners(Collection<TrainingListener> listeners) {
        spark.setListeners(listeners);
      }

      @Override
      public SparkTrainingStats trainingStats() {
        return spark.getSparkTrainingStats();
      }

      @Override
      public Network network() {
        return GraphNet.this;
      }
    };
  }

  @Override
  public byte[] bytes(boolean withUpdater) {
    return NetworkBytes.write(net, withUpdater);
  }
}
