package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Builds a network from the config for a given input width and output head. The output layer and
 * its loss come from the head; the spec owns the hidden architecture, so a second architecture is
 * one new implementation plus a constant in {@link TrainConfig.Architecture}.
 */
public interface NetworkSpec {
  /** The network configuration: hidden layers from the spec, the output layer from the head. */
  MultiLayerConfiguration configuration(TrainConfig train, int featureCount, OutputHead head);

  /** A freshly initialized network. */
  default MultiLayerNetwork create(TrainConfig train, int featureCount, OutputHead head) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(train, featureCount, head));
    net.init();
    return net;
  }

  /** The spec {@code train.model.architecture} names. */
  static NetworkSpec of(TrainConfig train) {
    return switch (train.model().architecture()) {
      case MLP -> new MlpSpec();
    };
  }
}
