package io.dlpipe.net;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;

/**
 * One network family: builds a fresh network from the settings for a given input width and output
 * head. The output layer and its loss come from the head; the spec owns what lies between, so a
 * second family is one new implementation plus a constant in {@link TrainConfig.ModelType}.
 */
public interface NetworkSpec {
  /**
   * A freshly initialized network, seeded by {@code train.seed}: the same settings give the same
   * network.
   */
  Network create(TrainConfig train, int featureCount, OutputHead head);

  /** The family {@code train.model.type} names. */
  static NetworkSpec of(TrainConfig train) {
    return switch (train.model().type()) {
      case MLP -> new MlpSpec();
      case WIDE_DEEP -> new WideDeepSpec();
    };
  }
}
