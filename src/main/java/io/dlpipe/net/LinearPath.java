package io.dlpipe.net;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Writes a linear model into an output layer's parameters ({@link Network#startAsLinear}). */
final class LinearPath {
  private LinearPath() {}

  /**
   * Sets {@code W}'s rows from {@code offset} on (the features' rows, {@code [nIn, nOut]} as DL4J
   * lays a dense layer out) to the transposed {@code weights}, every row before them to zero, and
   * {@code b} to the intercepts.
   */
  static void set(INDArray w, INDArray b, int offset, double[][] weights, double[] intercepts) {
    long nIn = w.size(0);
    long nOut = w.size(1);
    if (weights.length != nOut || intercepts.length != nOut) {
      throw new IllegalArgumentException(
          "a linear model of " + weights.length + " outputs for an output layer of " + nOut);
    }
    for (double[] row : weights) {
      if (offset + row.length != nIn) {
        throw new IllegalArgumentException(
            "a linear model of "
                + row.length
                + " features for an output layer reading "
                + (nIn - offset)
                + " features");
      }
    }
    INDArray values = Nd4j.zeros(w.dataType(), nIn, nOut);
    for (int k = 0; k < nOut; k++) {
      for (int j = 0; j < weights[k].length; j++) {
        values.putScalar(offset + j, k, weights[k][j]);
      }
    }
    w.assign(values);
    b.assign(Nd4j.create(intercepts).castTo(b.dataType()).reshape(b.shape()));
  }
}
