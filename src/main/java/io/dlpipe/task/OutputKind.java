package io.dlpipe.task;

/** The network's output layer and loss, as model.json records it. */
public enum OutputKind {
  /** One identity unit, mean squared error. */
  LINEAR_MSE,
  /** One unit per class, softmax, (weighted) multi-class cross-entropy. */
  SOFTMAX_MCXENT,
  /** One sigmoid unit, the probability of the last class, binary cross-entropy. */
  SIGMOID_XENT
}
