package io.dlpipe.head;

/** The three output heads. */
public enum TaskKind {
  /** One linear unit on a transformed target. */
  REGRESSION,
  /** Two classes: the last one is the positive class of AUC, PR AUC, KS and the threshold. */
  BINARY,
  /** Three or more classes, softmax. */
  MULTICLASS
}
