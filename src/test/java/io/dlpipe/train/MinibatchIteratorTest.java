package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.DataException;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.BinaryHead;
import io.dlpipe.head.MulticlassHead;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.RegressionHead;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** Rows to DL4J minibatches: shapes, values, label encodings, streaming, and refusals. No Spark. */
class MinibatchIteratorTest {
  private static InternalRow row(double label, float... features) {
    return new GenericInternalRow(
        new Object[] {UnsafeArrayData.fromPrimitiveArray(features), label});
  }

  /** An endless source of rows that counts what was taken from it. */
  private static final class Counting implements Iterator<InternalRow> {
    int taken;

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public InternalRow next() {
      taken++;
      return row(taken, taken, -taken);
    }
  }

  @Test
  void batchesStandardizeRegressionTargetsAndKeepTheLastPartialBatch() {
    RegressionHead codec = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 10, 2);
    List<InternalRow> rows = List.of(row(10, 1, 2), row(12, 3, 4), row(6, 5, 6));
    MinibatchIterator it = new MinibatchIterator(rows.iterator(), 2, 2, codec, null, null);
    DataSet first = it.next();
    DataSet second = it.next();
    assertFalse(it.hasNext());
    assertArrayEquals(new float[][] {{1, 2}, {3, 4}}, first.getFeatures().toFloatMatrix());
    assertArrayEquals(new float[][] {{0}, {1}}, first.getLabels().toFloatMatrix());
    assertArrayEquals(
        new float[][] {{5, 6}},
        second.getFeatures().toFloatMatrix(),
        "the reused buffer did not leak into the first batch");
    assertArrayEquals(new float[][] {{-2}}, second.getLabels().toFloatMatrix());
    assertEquals(26.0, codec.inverse(8.0));
  }

  @Test
  void classesBecomeOneHotForSoftmaxAndZeroOneForSigmoid() {
    List<InternalRow> rows = List.of(row(2, 0), row(0, 1));
    OutputHead softmax = new MulticlassHead(List.of("a", "b", "c"), new double[] {1, 1, 1});
    assertArrayEquals(
        new float[][] {{0, 0, 1}, {1, 0, 0}},
        new MinibatchIterator(rows.iterator(), 1, 8, softmax, null, null)
            .next()
            .getLabels()
            .toFloatMatrix());
    OutputHead sigmoid = new BinaryHead(List.of("a", "b"), new double[] {1, 1}, true, 0.5, null);
    assertArrayEquals(
        new float[][] {{1}, {0}},
        new MinibatchIterator(List.of(row(1, 0), row(0, 1)).iterator(), 1, 8, sigmoid, null, null)
            .next()
            .getLabels()
            .toFloatMatrix());
  }

  @Test
  void streamsOneMinibatchAtATimeFromAnEndlessPartition() {
    Counting source = new Counting();
    MinibatchIterator it =
        new MinibatchIterator(
            source, 2, 64, new RegressionHead(TrainConfig.TargetTransform.NONE, 0, 1), null, null);
    it.next();
    assertEquals(64, source.taken);
    DataSet second = it.next();
    assertEquals(128, source.taken);
    assertEquals(65f, second.getFeatures().getFloat(0, 0));
  }

  @Test
  void refusesVectorsOfTheWrongLengthAndUnknownClasses() {
    OutputHead codec = new BinaryHead(List.of("a", "b"), new double[] {1, 1}, false, 0.5, null);
    assertEquals(
        "A prepared feature vector has 1 values, but transform.json declares 2; the prepared data and transform disagree, rerun etl",
        assertThrows(
                DataException.class,
                () ->
                    new MinibatchIterator(List.of(row(0, 1)).iterator(), 2, 4, codec, null, null)
                        .next())
            .getMessage());
    assertEquals(
        "Prepared label 2.0 is not a class index in [0, 1] of transform.json; the prepared data and transform disagree, rerun etl",
        assertThrows(
                DataException.class,
                () ->
                    new MinibatchIterator(List.of(row(2, 1, 1)).iterator(), 2, 4, codec, null, null)
                        .next())
            .getMessage());
  }
}
