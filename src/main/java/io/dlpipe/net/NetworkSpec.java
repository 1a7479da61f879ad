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

  /**
   * The family {@code train.model.type} names; {@code auto}: wide and deep for regression and two
   * classes, where its linear start keeps an untuned run from losing to the linear baseline, and
   * the MLP over more classes, where the linear path did not help (satellite) and the graph trained
   * far slower from a random start (letter: test accuracy 0.8695 after 100 epochs, the MLP's
   * 0.9454; docs/QUALITY.md).
   */
  static NetworkSpec of(TrainConfig train, OutputHead head) {
    return switch (train.model().type()) {
      case AUTO -> head.classes().size() > 2 ? new MlpSpec() : new WideDeepSpec();
      case MLP -> new MlpSpec();
      case WIDE_DEEP -> new WideDeepSpec();
    };
  }
}
