package io.dlpipe.head;

/** The network's output layer and loss, as model.json records it. */
public enum OutputLoss {
  /** One identity unit, mean squared error. */
  LINEAR_MSE,
  /**
   * One softplus unit (a positive mean), Poisson deviance: a count target. Softplus, not exp: DL4J
   * 1.0.0-M2's activations have no exponential, and softplus cannot overflow.
   */
  SOFTPLUS_POISSON,
  /** One unit per class, softmax, (weighted) multi-class cross-entropy. */
  SOFTMAX_MCXENT,
  /** One sigmoid unit, the probability of the last class, binary cross-entropy. */
  SIGMOID_XENT
}
