package io.dlpipe.train;

import io.dlpipe.DataException;
import io.dlpipe.head.OutputHead;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Streams one partition of prepared rows ({@code features} array&lt;float&gt;, {@code label}
 * double) into DL4J minibatches of {@code batchSize} rows, the last one smaller. It holds one
 * minibatch at a time, so a partition larger than executor memory still trains.
 *
 * <p>This conversion is the classic bottleneck of DL4J on Spark: going through {@code Row} boxes
 * every float of every feature vector and copies each vector twice. Here rows come from Spark's
 * {@link InternalRow}s (the Parquet reader's own buffers, no boxing), floats are copied straight
 * into one reused primitive buffer per minibatch, and each minibatch crosses into ND4J's off-heap
 * memory in a single bulk copy. The time spent here, Parquet decoding included, is added to {@code
 * nanos} and the rows to {@code rows} when those accumulators are given.
 */
public final class MinibatchIterator implements Iterator<DataSet> {
  private final Iterator<InternalRow> rows;
  private final int featureCount;
  private final int batchSize;
  private final OutputHead codec;
  private final LongAccumulator nanos;
  private final LongAccumulator rowCount;
  private final float[] features;
  private final float[] labels;

  /**
   * @param rows one partition of the prepared Parquet as Spark's internal rows: features at 0,
   *     label at 1
   * @param nanos accumulates the conversion time, or null
   * @param rowCount accumulates the rows converted, or null
   */
  public MinibatchIterator(
      Iterator<InternalRow> rows,
      int featureCount,
      int batchSize,
      OutputHead codec,
      LongAccumulator nanos,
      LongAccumulator rowCount) {
    if (batchSize < 1 || featureCount < 1) {
      throw new IllegalArgumentException(
          "batchSize and featureCount must be >= 1, found " + batchSize + ", " + featureCount);
    }
    this.rows = rows;
    this.featureCount = featureCount;
    this.batchSize = batchSize;
    this.codec = codec;
    this.nanos = nanos;
    this.rowCount = rowCount;
    this.features = new float[batchSize * featureCount];
    this.labels = new float[batchSize * codec.width()];
    // Where this iterator feeds a training or evaluation task directly, bind the task to its
    // GPU before the network is restored on it.
    GpuBinding.bindCurrentTask();
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public DataSet next() {
    long start = System.nanoTime();
    int n = fill();
    float[] f = n == batchSize ? features : Arrays.copyOf(features, n * featureCount);
    float[] l = n == batchSize ? labels : Arrays.copyOf(labels, n * codec.width());
    // Nd4j.create copies into off-heap memory, so the buffers are free for the next minibatch.
    DataSet ds =
        new DataSet(
            Nd4j.create(f, new long[] {n, featureCount}, 'c'),
            Nd4j.create(l, new long[] {n, codec.width()}, 'c'));
    count(start, n);
    return ds;
  }

  /**
   * Fills the next minibatch into {@link #features()} and {@link #labels()} (row-major, the first
   * {@code n} rows valid) without creating ND4J arrays, for writers that only need the floats.
   *
   * @return n, the rows filled: {@code batchSize}, or fewer for the partition's last minibatch
   */
  public int fillNext() {
    long start = System.nanoTime();
    int n = fill();
    count(start, n);
    return n;
  }

  /** The reused feature buffer: {@code batchSize × featureCount} floats, row-major. */
  public float[] features() {
    return features;
  }

  /** The reused label buffer: {@code batchSize × codec.width()} floats, row-major. */
  public float[] labels() {
    return labels;
  }

  private int fill() {
    if (!rows.hasNext()) {
      throw new NoSuchElementException();
    }
    int width = codec.width();
    int n = 0;
    while (n < batchSize && rows.hasNext()) {
      InternalRow row = rows.next();
      if (row.isNullAt(0) || row.isNullAt(1)) {
        throw new DataException(
            "A prepared row has a null "
                + (row.isNullAt(0) ? "features" : "label")
                + " value; the prepared data is damaged, rerun etl");
      }
      ArrayData vector = row.getArray(0);
      if (vector.numElements() != featureCount) {
        throw new DataException(
            "A prepared feature vector has "
                + vector.numElements()
                + " values, but transform.json declares "
                + featureCount
                + "; the prepared data and transform disagree, rerun etl");
      }
      int base = n * featureCount;
      for (int i = 0; i < featureCount; i++) {
        features[base + i] = vector.getFloat(i);
      }
      codec.encode(row.getDouble(1), labels, n * width);
      n++;
    }
    return n;
  }

  private void count(long start, int n) {
    if (nanos != null) {
      nanos.add(System.nanoTime() - start);
    }
    if (rowCount != null) {
      rowCount.add(n);
    }
  }
}
