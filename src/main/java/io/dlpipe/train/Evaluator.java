package io.dlpipe.train;

import io.dlpipe.DataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.HeadStats;
import io.dlpipe.head.OutputHead;
import java.util.ArrayList;
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
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluates a network on a prepared split where the data lives: the network is broadcast once,
 * each partition streams its rows through it in minibatches and returns fixed-size {@link
 * HeadStats} that the output head fills, and the driver merges those. One pass gives the loss and
 * the task's metrics; no row reaches the driver.
 */
public final class Evaluator {
  private Evaluator() {}

  /** The merged statistics of {@code net} on {@code split} (columns features, label). */
  public static HeadStats stats(Dataset<Row> split, MultiLayerNetwork net, OutputHead head, int featureCount, int batchSize) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(split.sparkSession().sparkContext());
    Broadcast<byte[]> model = jsc.broadcast(toBytes(net));
    try {
      JavaRDD<InternalRow> rows = split.queryExecution().toRdd().toJavaRDD();
      if (rows.getNumPartitions() == 0) {
        return head.newStats();
      }
      FlatMapFunction<Iterator<InternalRow>, HeadStats> perPartition = it -> List.of(evaluatePartition(it, model.value(), head, featureCount, batchSize)).iterator();
      return rows.mapPartitions(perPartition).treeReduce(HeadStats::merge);
    } finally {
      model.destroy();
    }
  }

  /** Loss and metrics of {@code net} on {@code split}. */
  public static EvalMetrics evaluate(Dataset<Row> split, MultiLayerNetwork net, OutputHead head, int featureCount, int batchSize) {
    return head.summary(stats(split, net, head, featureCount, batchSize));
  }

  static HeadStats evaluatePartition(Iterator<InternalRow> rows, byte[] model, OutputHead head, int featureCount, int batchSize) {
    return rows.hasNext() ? evaluateRows(rows, fromBytes(model), head, featureCount, batchSize) : head.newStats();
  }

  /** The statistics of {@code net} on prepared rows (features at 0, label at 1), on this JVM. */
  static HeadStats evaluateRows(Iterator<InternalRow> rows, MultiLayerNetwork net, OutputHead head, int featureCount, int batchSize) {
    HeadStats s = head.newStats();
    while (rows.hasNext()) {
      // Labels are read as prepared, not as encoded targets: the head decodes outputs itself.
      List<InternalRow> batch = new ArrayList<>(batchSize);
      while (batch.size() < batchSize && rows.hasNext()) {
        batch.add(rows.next().copy());
      }
      float[][] x = new float[batch.size()][];
      for (int i = 0; i < x.length; i++) {
        InternalRow r = batch.get(i);
        if (r.isNullAt(0) || r.isNullAt(1)) {
          throw new DataException("A prepared row has a null " + (r.isNullAt(0) ? "features" : "label") + " value; the prepared data is damaged, rerun etl");
        }
        x[i] = r.getArray(0).toFloatArray();
        if (x[i].length != featureCount) {
          throw new DataException("A prepared feature vector has " + x[i].length + " values, but transform.json declares "
              + featureCount + "; the prepared data and transform disagree, rerun etl");
        }
      }
      float[][] out = net.output(Nd4j.create(x), false).toFloatMatrix();
      for (int i = 0; i < out.length; i++) {
        head.addOutput(s, out[i], batch.get(i).getDouble(1));
      }
    }
    return s;
  }

  /**
   * The head as calibrated on a validation pass ({@link OutputHead#calibrate}: log1p's smearing
   * factor) with the statistics it scores, kept only when it scores at least as well on the main
   * metric as the head before; otherwise the head as it was. One pass for heads with nothing to
   * calibrate, two for the others.
   *
   * @param score statistics of one pass over validation with the given head
   */
  static Calibrated calibrated(OutputHead head, java.util.function.Function<OutputHead, HeadStats> score) {
    HeadStats plain = score.apply(head);
    OutputHead c = head.calibrate(plain);
    if (c == head) {
      return new Calibrated(head, plain, null);
    }
    HeadStats smeared = score.apply(c);
    double before = head.summary(plain).value(head.mainMetric());
    double after = c.summary(smeared).value(head.mainMetric());
    boolean keep = after >= before;
    String note = String.format(java.util.Locale.ROOT, "log1p back-transform: Duan's smearing factor %.4f from validation; validation %s %.4f without it, %.4f with it; %s",
        c.spec().targetSmearing(), head.mainMetric().key(), before, after, keep ? "kept" : "not kept");
    return keep ? new Calibrated(c, smeared, note) : new Calibrated(head, plain, note);
  }

  /**
   * A head and its validation statistics.
   *
   * @param note what calibration measured, for the log; null when there was nothing to calibrate
   */
  record Calibrated(OutputHead head, HeadStats stats, String note) {
    EvalMetrics metrics() {
      return head.summary(stats);
    }
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
