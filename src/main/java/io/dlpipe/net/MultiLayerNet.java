package io.dlpipe.net;

import java.util.Collection;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A {@link Network} that is a stack of layers: DL4J's {@code MultiLayerNetwork} ({@link MlpSpec}).
 */
public final class MultiLayerNet implements Network {
  private final MultiLayerNetwork net;

  /** Wraps an initialized network. */
  public MultiLayerNet(MultiLayerNetwork net) {
    this.net = net;
  }

  @Override
  public int inputWidth() {
    return (int) net.layerInputSize(0);
  }

  @Override
  public int outputWidth() {
    return (int) net.layerSize(net.getnLayers() - 1);
  }

  @Override
  public long numParams() {
    return net.numParams();
  }

  @Override
  public float[][] output(float[][] features) {
    return net.output(Nd4j.create(features), false).toFloatMatrix();
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
    return net.getnLayers() == 1; // else the output layer reads the last hidden layer
  }

  @Override
  public boolean startAsLinear(double[][] weights, double[] intercepts) {
    if (!hasLinearPath()) {
      return false;
    }
    org.deeplearning4j.nn.api.Layer out = net.getLayer(0);
    LinearPath.set(out.getParam("W"), out.getParam("b"), 0, weights, intercepts);
    return true;
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
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(jsc, net, master);
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
        return MultiLayerNet.this;
      }
    };
  }

  @Override
  public byte[] bytes(boolean withUpdater) {
    return NetworkBytes.write(net, withUpdater);
  }
}
