package io.dlpipe.eval;

import io.dlpipe.spark.Columns;
import io.dlpipe.train.Evaluator;
import io.dlpipe.head.OutputHead;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

  /** {@code df} with {@link #PREDICTION} and, for classification, {@link #PROBABILITIES} appended. */
  public static Dataset<Row> score(Dataset<Row> df, Broadcast<byte[]> network, OutputHead codec, int batchSize) {
    StructType schema = df.schema().add(PREDICTION, DataTypes.DoubleType, false);
    if (codec.hasProbabilities()) {
      schema = schema.add(PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }
    int featuresAt = df.schema().fieldIndex(Columns.FEATURES);
    MapPartitionsFunction<Row, Row> f = rows -> new Scored(rows, network.value(), codec, batchSize, featuresAt);
    return df.mapPartitions(f, Encoders.row(schema));
  }

  /** Reads a minibatch of rows ahead, scores it, then hands the rows out with their scores. */
  private static final class Scored implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final byte[] model;
    private final OutputHead codec;
    private final int batchSize;
    private final int featuresAt;
    private MultiLayerNetwork net;
    private final List<Row> batch = new ArrayList<>();
    private float[][] outputs;
    private int next;

    Scored(Iterator<Row> rows, byte[] model, OutputHead codec, int batchSize, int featuresAt) {
      this.rows = rows;
      this.model = model;
      this.codec = codec;
      this.batchSize = batchSize;
      this.featuresAt = featuresAt;
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
      if (net == null) {
        net = Evaluator.fromBytes(model);
      }
      int width = batch.get(0).<Float>getList(featuresAt).size();
      float[][] x = new float[batch.size()][];
      for (int i = 0; i < x.length; i++) {
        List<Float> v = batch.get(i).getList(featuresAt);
        float[] row = new float[width];
        for (int j = 0; j < width; j++) {
          row[j] = v.get(j);
        }
        x[i] = row;
      }
      INDArray out = net.output(Nd4j.create(x), false);
      outputs = out.toFloatMatrix();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row in = batch.get(next);
      float[] out = outputs[next];
      next++;
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
  }

  /**
   * One row of network output as a prediction: the value in the target's units, or the class
   * index; for classification {@code probabilities} (one slot per class) is filled. The batch path
   * above and the SQL function ({@code io.dlpipe.ml.DlpipeFunctions}) decode here.
   */
  public static double decode(OutputHead head, float[] out, double[] probabilities) {
    double[] p = head.probabilities(out);
    if (p != null && probabilities != null) {
      System.arraycopy(p, 0, probabilities, 0, p.length);
    }
    return head.prediction(out);
  }

}
