package io.dlpipe.eval;

import io.dlpipe.head.OutputHead;
import io.dlpipe.net.BatchedOutput;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a frame that has a {@code features} column with a trained network, on the executors, in
 * minibatches, streaming: each partition restores the broadcast network once and never holds more
 * than one minibatch. Evaluate and predict both score through here, so they cannot disagree.
 */
public final class Scoring {
  /** The prediction: the value in the target's original units, or the class index. */
  public static final String PREDICTION = "prediction";

  /** Classification: the probability of each class, in class-index order. */
  public static final String PROBABILITIES = "probabilities";

  private Scoring() {}

  /**
   * {@code df} with {@link #PREDICTION} and, for classification, {@link #PROBABILITIES} appended.
   */
  public static Dataset<Row> score(
      Dataset<Row> df, Broadcast<byte[]> network, OutputHead codec, int batchSize) {
    StructType schema = df.schema().add(PREDICTION, DataTypes.DoubleType, false);
    if (codec.hasProbabilities()) {
      schema =
          schema.add(PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }
    int featuresAt = df.schema().fieldIndex(Columns.FEATURES);
    MapPartitionsFunction<Row, Row> f =
        rows -> scored(rows, network.value(), codec, batchSize, featuresAt);
    return df.mapPartitions(f, Encoders.row(schema));
  }

  /**
   * The rows with their predictions appended, streamed through the network ({@link BatchedOutput}).
   */
  private static Iterator<Row> scored(
      Iterator<Row> rows, byte[] model, OutputHead codec, int batchSize, int featuresAt) {
    BatchedOutput<Row> out =
        new BatchedOutput<>(
            rows, r -> features(r, featuresAt), () -> Network.fromBytes(model, false), batchSize);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return out.hasNext();
      }

      @Override
      public Row next() {
        BatchedOutput.Scored<Row> s = out.next();
        return withPrediction(s.row(), s.output(), codec);
      }
    };
  }

  private static float[] features(Row r, int featuresAt) {
    List<Float> v = r.getList(featuresAt);
    float[] x = new float[v.size()];
    for (int j = 0; j < x.length; j++) {
      x[j] = v.get(j);
    }
    return x;
  }

  private static Row withPrediction(Row in, float[] out, OutputHead codec) {
    double[] probabilities = codec.probabilities(out);
    Object[] values = new Object[in.size() + (probabilities == null ? 1 : 2)];
    for (int i = 0; i < in.size(); i++) {
      values[i] = in.get(i);
    }
    values[in.size()] = codec.prediction(out);
    if (probabilities != null) {
      values[in.size() + 1] = probabilities;
    }
    return RowFactory.create(values);
  }

  /**
   * One row of network output as a prediction: the value in the target's units, or the class index;
   * for classification {@code probabilities} (one slot per class) is filled. The batch path above
   * and the SQL function ({@code io.dlpipe.ml.DlpipeFunctions}) decode here.
   */
  public static double decode(OutputHead head, float[] out, double[] probabilities) {
    double[] p = head.probabilities(out);
    if (p != null && probabilities != null) {
      System.arraycopy(p, 0, probabilities, 0, p.length);
    }
    return head.prediction(out);
  }
}
