package io.dlpipe.net;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one forward pass over rows: reads up to {@code batchSize} rows ahead, runs them through the
 * network together, then hands each row out with its output row. It never holds more than one
 * minibatch, and it restores the network only when there is a row to score (an empty partition
 * costs nothing). Validation, evaluate, predict, cross-validation, permutation importance and the
 * SQL function all score through here.
 *
 * @param <T> a row of whatever the caller reads; {@code features} gives its feature vector
 */
public final class BatchedOutput<T> implements Iterator<BatchedOutput.Scored<T>> {
  /** A row with the network's output for it. */
  public record Scored<T>(T row, float[] output) {}

  private final Iterator<T> rows;
  private final Function<? super T, float[]> features;
  private final Supplier<Network> restore;
  private final int batchSize;
  private final List<T> batch = new ArrayList<>();
  private Network network;
  private float[][] outputs;
  private int next;

  /**
   * @param rows the rows, each read once; a source that reuses row objects must copy them first
   * @param features the feature vector of a row, as wide as the network's input
   * @param network the network, asked for once, at the first row
   */
  public BatchedOutput(
      Iterator<T> rows,
      Function<? super T, float[]> features,
      Supplier<Network> network,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " is below 1");
    }
    this.rows = rows;
    this.features = features;
    this.restore = network;
    this.batchSize = batchSize;
  }

  /** The outputs of {@code x} in minibatches of {@code batchSize} rows, in order. */
  public static float[][] outputs(Network network, float[][] x, int batchSize) {
    float[][] out = new float[x.length][];
    BatchedOutput<float[]> scored =
        new BatchedOutput<>(
            java.util.Arrays.asList(x).iterator(), v -> v, () -> network, batchSize);
    for (int i = 0; scored.hasNext(); i++) {
      out[i] = scored.next().output();
    }
    return out;
  }

  @Override
  public boolean hasNext() {
    if (next < batch.size()) {
      return true;
    }
    if (!rows.hasNext()) {
      return false;
    }
    fill();
    return true;
  }

  private void fill() {
    batch.clear();
    next = 0;
    while (batch.size() < batchSize && rows.hasNext()) {
      batch.add(rows.next());
    }
    float[][] x = new float[batch.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = features.apply(batch.get(i));
    }
    if (network == null) {
      network = restore.get();
    }
    outputs = network.output(x);
  }

  @Override
  public Scored<T> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Scored<T> s = new Scored<>(batch.get(next), outputs[next]);
    next++;
    return s;
  }
}
