package io.dlpipe.train;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * dlpipe's file format for one exported minibatch: a 20-byte header (magic, version, rows,
 * features, label width; big-endian ints), then the features and the labels as row-major
 * little-endian float32.
 *
 * <p>Why not DL4J's own {@code DataSet.save}: its reader pulls every float through a {@code
 * DataInputStream} one call at a time, and a profile of the trainer on 2 cores found the prefetch
 * threads loading minibatches that way using more CPU than the workers fitting them (BENCHMARKS.md,
 * "Trainer"). Here a minibatch is one bulk read and one bulk copy into ND4J.
 */
public final class MinibatchFile {
  /** "DLMB". */
  static final int MAGIC = 0x444C4D42;

  static final int VERSION = 1;
  static final int HEADER_BYTES = 20;

  private MinibatchFile() {}

  /** Bytes of a file holding {@code rows} rows. */
  static int size(int rows, int featureCount, int labelWidth) {
    return HEADER_BYTES + Float.BYTES * rows * (featureCount + labelWidth);
  }

  /**
   * Encodes the first {@code rows} rows of {@code features} and {@code labels} into {@code buffer}
   * (at least {@link #size} bytes, reused across minibatches) and writes them to {@code out}.
   */
  static void write(
      OutputStream out,
      byte[] buffer,
      float[] features,
      float[] labels,
      int rows,
      int featureCount,
      int labelWidth)
      throws IOException {
    int size = size(rows, featureCount, labelWidth);
    ByteBuffer b = ByteBuffer.wrap(buffer, 0, size);
    b.putInt(MAGIC).putInt(VERSION).putInt(rows).putInt(featureCount).putInt(labelWidth);
    b.order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .put(features, 0, rows * featureCount)
        .put(labels, 0, rows * labelWidth);
    out.write(buffer, 0, size);
  }

  /** Reads one minibatch written by {@link #write}; {@code path} only names the file in errors. */
  static DataSet read(InputStream in, String path) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[HEADER_BYTES];
    readFully(data, header, path);
    ByteBuffer h = ByteBuffer.wrap(header);
    int magic = h.getInt();
    int version = h.getInt();
    if (magic != MAGIC || version != VERSION) {
      throw new IOException(
          path
              + " is not a dlpipe minibatch file of version "
              + VERSION
              + " (magic "
              + Integer.toHexString(magic)
              + ", version "
              + version
              + ")");
    }
    int rows = h.getInt();
    int featureCount = h.getInt();
    int labelWidth = h.getInt();
    if (rows < 1 || featureCount < 1 || labelWidth < 1) {
      throw new IOException(
          path
              + " declares "
              + rows
              + " rows, "
              + featureCount
              + " features and label width "
              + labelWidth);
    }
    byte[] body = new byte[size(rows, featureCount, labelWidth) - HEADER_BYTES];
    readFully(data, body, path);
    FloatBuffer floats = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] features = new float[rows * featureCount];
    float[] labels = new float[rows * labelWidth];
    floats.get(features).get(labels);
    return new DataSet(
        Nd4j.create(features, new long[] {rows, featureCount}, 'c'),
        Nd4j.create(labels, new long[] {rows, labelWidth}, 'c'));
  }

  private static void readFully(DataInputStream in, byte[] into, String path) throws IOException {
    try {
      in.readFully(into);
    } catch (EOFException e) {
      throw new IOException(path + " ends early: a truncated minibatch file", e);
    }
  }
}
