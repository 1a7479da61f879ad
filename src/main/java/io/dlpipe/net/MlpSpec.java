package io.dlpipe.net;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The multilayer perceptron a {@link TrainConfig} describes, for a given input width and output
 * head. Each hidden layer is dense with the configured activation, or dense (linear, no bias) then
 * batch normalization then the activation when batch normalization is on. Dropout applies to each
 * hidden layer's output, never to the raw features. The output layer and loss come from the head.
 */
public final class MlpSpec implements NetworkSpec {
  @Override
  public Network create(TrainConfig train, int featureCount, OutputHead head) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(train, featureCount, head));
    net.init();
    return new MultiLayerNet(net);
  }

  /** The network configuration: hidden layers in a list, then the head's output layer. */
  public MultiLayerConfiguration configuration(
      TrainConfig train, int featureCount, OutputHead head) {
    NeuralNetConfiguration.ListBuilder list = base(train).list();
    List<Layer> hidden = hidden(train.model(), featureCount);
    hidden.forEach(list::layer);
    list.layer(
        output(
                train.model(),
                head,
                hidden.isEmpty() ? featureCount : lastWidth(train.model()),
                !hidden.isEmpty())
            .build());
    return list.build();
  }

  /** The settings every layer shares: seed, updater, weight initialization and the penalties. */
  static NeuralNetConfiguration.Builder base(TrainConfig train) {
    TrainConfig.Model m = train.model();
    NeuralNetConfiguration.Builder builder =
        new NeuralNetConfiguration.Builder()
            .seed(train.seed())
            .updater(updater(train.updater(), train.updater().learningRate(0)))
            .weightInit(weightInit(m.weightInit()))
            .l2(m.l2());
    if (m.weightDecay() > 0) {
      // DL4J's WeightDecay scales by the learning rate (AdamW); weights only, like l2, which the
      // config keeps at 0 beside it.
      builder.weightDecay(m.weightDecay());
    }
    return builder;
  }

  /**
   * The hidden layers, input side first: per width a dense layer with the activation, or dense
   * (linear, no bias), batch normalization and the activation. Dropout is on the inputs of every
   * dense layer but the first, so it drops hidden outputs and never raw features.
   */
  static List<Layer> hidden(TrainConfig.Model m, int featureCount) {
    List<Layer> layers = new ArrayList<>();
    Activation act = activation(m.activation());
    double retain = 1.0 - m.dropout();
    int nIn = featureCount;
    boolean first = true;
    for (int width : m.hiddenLayers()) {
      DenseLayer.Builder dense = new DenseLayer.Builder().nIn(nIn).nOut(width);
      if (!first && m.dropout() > 0) {
        dense.dropOut(retain); // DL4J takes the retain probability
      }
      if (m.batchNormalization()) {
        layers.add(dense.activation(Activation.IDENTITY).hasBias(false).build());
        layers.add(new BatchNormalization.Builder().nIn(width).nOut(width).build());
        layers.add(new ActivationLayer.Builder().activation(act).build());
      } else {
        layers.add(dense.activation(act).build());
      }
      nIn = width;
      first = false;
    }
    return layers;
  }

  /** The width of the last hidden layer. */
  static int lastWidth(TrainConfig.Model m) {
    return m.hiddenLayers().get(m.hiddenLayers().size() - 1);
  }

  /**
   * The head's output layer over {@code nIn} inputs; with dropout on those inputs when they are a
   * hidden layer's ({@code dropHidden}) and dropout is on.
   */
  static OutputLayer.Builder output(
      TrainConfig.Model m, OutputHead head, int nIn, boolean dropHidden) {
    OutputLayer.Builder out = head.outputLayer();
    out.nIn(nIn).weightInit(WeightInit.XAVIER);
    if (dropHidden && m.dropout() > 0) {
      out.dropOut(1.0 - m.dropout());
    }
    return out;
  }

  /** The DL4J updater at a given learning rate. */
  static IUpdater updater(TrainConfig.Updater u, double learningRate) {
    return switch (u.type()) {
      case ADAM -> new Adam(learningRate);
      case SGD -> new Sgd(learningRate);
      case NESTEROVS -> new Nesterovs(learningRate, u.momentum());
      case RMSPROP -> new RmsProp(learningRate, u.rmsDecay(), RmsProp.DEFAULT_RMSPROP_EPSILON);
    };
  }

  static Activation activation(TrainConfig.Activation a) {
    return switch (a) {
      case RELU -> Activation.RELU;
      case LEAKY_RELU -> Activation.LEAKYRELU;
      case ELU -> Activation.ELU;
      case SELU -> Activation.SELU;
      case GELU -> Activation.GELU;
      case SWISH -> Activation.SWISH;
      case TANH -> Activation.TANH;
      case SIGMOID -> Activation.SIGMOID;
      case IDENTITY -> Activation.IDENTITY;
    };
  }

  static WeightInit weightInit(TrainConfig.WeightInit w) {
    return switch (w) {
      case RELU -> WeightInit.RELU;
      case RELU_UNIFORM -> WeightInit.RELU_UNIFORM;
      case XAVIER -> WeightInit.XAVIER;
      case XAVIER_UNIFORM -> WeightInit.XAVIER_UNIFORM;
      case LECUN_NORMAL -> WeightInit.LECUN_NORMAL;
    };
  }
}
