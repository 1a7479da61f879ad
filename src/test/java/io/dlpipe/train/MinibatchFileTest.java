package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The exported minibatch format: exact round trip of a partial minibatch, and refusals. No Spark.
 */
class MinibatchFileTest {
  private static byte[] write(
      float[] features, float[] labels, int rows, int featureCount, int width) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer =
        new byte[MinibatchFile.size(4, featureCount, width)]; // sized for a full minibatch of 4
    MinibatchFile.write(out, buffer, features, labels, rows, featureCount, width);
    return out.toByteArray();
  }

  @Test
  void roundTripsTheFirstRowsOfTheBuffersExactly() throws IOException {
    // Buffers of a 4-row minibatch holding 3 rows: the 4th row's stale values must not be written.
    float[] features = {1f, -2.5f, 3e-8f, Float.MAX_VALUE, 0f, -0f, 7f, 8f, 99f, 99f};
    float[] labels = {0f, 1f, 1f, 0f, 0.25f, 0.75f, 99f, 99f};
    byte[] bytes = write(features, labels, 3, 2, 2);
    assertEquals(20 + 4 * 3 * (2 + 2), bytes.length);
    DataSet ds = MinibatchFile.read(new ByteArrayInputStream(bytes), "mem");
    assertArrayEquals(new long[] {3, 2}, ds.getFeatures().shape());
    assertArrayEquals(new long[] {3, 2}, ds.getLabels().shape());
    assertArrayEquals(Arrays.copyOf(features, 6), ds.getFeatures().data().asFloat());
    assertArrayEquals(Arrays.copyOf(labels, 6), ds.getLabels().data().asFloat());
  }

  @Test
  void refusesATruncatedFileAndAForeignOneNamingThePath() throws IOException {
    byte[] bytes = write(new float[] {1f, 2f}, new float[] {3f}, 1, 2, 1);
    IOException cut =
        assertThrows(
            IOException.class,
            () ->
                MinibatchFile.read(
                    new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 1)),
                    "/x/part-00000-0000001.mb"));
    assertEquals(
        "/x/part-00000-0000001.mb ends early: a truncated minibatch file", cut.getMessage());
    byte[] foreign = bytes.clone();
    foreign[0] = 'P';
    IOException other =
        assertThrows(
            IOException.class,
            () -> MinibatchFile.read(new ByteArrayInputStream(foreign), "/x/a.bin"));
    assertEquals(
        "/x/a.bin is not a dlpipe minibatch file of version 1 (magic 504c4d42, version 1)",
        other.getMessage());
  }
}
