package io.dlpipe.train;

import io.dlpipe.DataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Evaluates a network on a prepared split where the data lives: the network is broadcast once,
 * each partition streams its rows through it in minibatches and returns a fixed-size {@link
 * EvalStats}, and the driver merges those. One pass gives the loss and the task's metrics; no row
 * reaches the driver.
 */
public final class Evaluator {
  /** Probabilities are clipped this far from 0 and 1 in the cross-entropy, as DL4J's losses do. */
  private static final double EPS = 1e-7;

  private Evaluator() {}

  /** Loss and metrics of {@code net} on {@code split} (columns features, label). */
  public static EvalMetrics evaluate(Dataset<Row> split, MultiLayerNetwork net, LabelCodec codec, int featureCount, int batchSize) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(split.sparkSession().sparkContext());
    Broadcast<byte[]> model = jsc.broadcast(toBytes(net));
    try {
      JavaRDD<InternalRow> rows = split.queryExecution().toRdd().toJavaRDD();
      if (rows.getNumPartitions() == 0) {
        return new EvalStats(codec.binary()).metrics(codec);
      }
      FlatMapFunction<Iterator<InternalRow>, EvalStats> perPartition = it -> List.of(evaluatePartition(it, model.value(), codec, featureCount, batchSize)).iterator();
      return rows.mapPartitions(perPartition).treeReduce(EvalStats::merge).metrics(codec);
    } finally {
      model.destroy();
    }
  }

  static EvalStats evaluatePartition(Iterator<InternalRow> rows, byte[] model, LabelCodec codec, int featureCount, int batchSize) {
    EvalStats s = new EvalStats(codec.binary());
    if (!rows.hasNext()) {
      return s;
    }
    MultiLayerNetwork net = fromBytes(model);
    MinibatchIterator batches = new MinibatchIterator(rows, featureCount, batchSize, codec, null, null);
    while (batches.hasNext()) {
      DataSet ds = batches.next();
      INDArray out = net.output(ds.getFeatures(), false);
      add(s, codec, out.toFloatMatrix(), ds.getLabels().toFloatMatrix());
    }
    return s;
  }

  /** Adds one minibatch of outputs and encoded labels. */
  static void add(EvalStats s, LabelCodec codec, float[][] out, float[][] labels) {
    for (int i = 0; i < out.length; i++) {
      s.rows++;
      switch (codec.kind()) {
        case REGRESSION -> {
          double d = out[i][0] - labels[i][0];
          s.lossSum += d * d;
          double y = codec.decode(labels[i][0]);
          double err = codec.decode(out[i][0]) - y;
          s.sumY += y;
          s.sumY2 += y * y;
          s.sse += err * err;
          s.sae += Math.abs(err);
        }
        case SIGMOID -> {
          double p = out[i][0];
          boolean positive = labels[i][0] > 0.5f;
          s.lossSum += -Math.log(clip(positive ? p : 1 - p));
          if ((p >= 0.5) == positive) {
            s.correct++;
          }
          s.addScore(p, positive);
        }
        case SOFTMAX -> {
          int label = 0;
          int best = 0;
          for (int k = 1; k < out[i].length; k++) {
            if (labels[i][k] > labels[i][label]) {
              label = k;
            }
            if (out[i][k] > out[i][best]) {
              best = k;
            }
          }
          s.lossSum += -Math.log(clip(out[i][label]));
          if (best == label) {
            s.correct++;
          }
          if (s.positives != null) {
            s.addScore(out[i][1], label == 1);
          }
        }
      }
    }
  }

  private static double clip(double p) {
    return Math.min(1 - EPS, Math.max(EPS, p));
  }

  /** The network (parameters only) as ModelSerializer bytes, for broadcasting. */
  public static byte[] toBytes(MultiLayerNetwork net) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(net, bytes, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the network", e);
    }
    return bytes.toByteArray();
  }

  public static MultiLayerNetwork fromBytes(byte[] model) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model), false);
    } catch (IOException e) {
      throw new DataException("cannot restore the broadcast network: " + e.getMessage(), e);
    }
  }
}
