package io.dlpipe.config;

/** What the network predicts: a number, or one of a fixed set of classes. */
public enum Task {
  REGRESSION,
  CLASSIFICATION
}
