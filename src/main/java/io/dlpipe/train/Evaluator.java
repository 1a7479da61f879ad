package io.dlpipe.train;

import io.dlpipe.DataException;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.HeadStats;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.BatchedOutput;
import io.dlpipe.net.Network;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Evaluates a network on a prepared split where the data lives: the network is broadcast once, each
 * partition streams its rows through it in minibatches and returns fixed-size {@link HeadStats}
 * that the output head fills, and the driver merges those. One pass gives the loss and the task's
 * metrics; no row reaches the driver.
 */
public final class Evaluator {
  private Evaluator() {}

  /** The merged statistics of {@code net} on {@code split} (columns features, label). */
  public static HeadStats stats(
      Dataset<Row> split, Network net, OutputHead head, int featureCount, int batchSize) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(split.sparkSession().sparkContext());
    Broadcast<byte[]> model = jsc.broadcast(net.bytes(false));
    try {
      JavaRDD<InternalRow> rows = split.queryExecution().toRdd().toJavaRDD();
      if (rows.getNumPartitions() == 0) {
        return head.newStats();
      }
      FlatMapFunction<Iterator<InternalRow>, HeadStats> perPartition =
          it ->
              List.of(evaluatePartition(it, model.value(), head, featureCount, batchSize))
                  .iterator();
      return rows.mapPartitions(perPartition).treeReduce(HeadStats::merge);
    } finally {
      model.destroy();
    }
  }

  /**
   * Two networks' losses on the same rows, paired: each row's loss under {@code a} and {@code b}
   * (the head's training loss), and the mean of their difference with its standard error.
   *
   * @param meanDifference mean of (b's loss - a's loss) per row; below 0 when b fits better
   * @param standardError the standard error of that mean (sample deviation / sqrt(rows))
   */
  public record Paired(
      long rows, double lossA, double lossB, double meanDifference, double standardError) {}

  /** {@code a} and {@code b} scored on {@code split} row by row ({@link Paired}). */
  public static Paired paired(
      Dataset<Row> split, Network a, Network b, OutputHead head, int featureCount, int batchSize) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(split.sparkSession().sparkContext());
    Broadcast<byte[]> first = jsc.broadcast(a.bytes(false));
    Broadcast<byte[]> second = jsc.broadcast(b.bytes(false));
    try {
      JavaRDD<InternalRow> rows = split.queryExecution().toRdd().toJavaRDD();
      FlatMapFunction<Iterator<InternalRow>, double[]> perPartition =
          it ->
              List.of(
                      pairedRows(
                          it,
                          Network.fromBytes(first.value(), false),
                          Network.fromBytes(second.value(), false),
                          head,
                          featureCount,
                          batchSize))
                  .iterator();
      // n, sum of a's loss, of b's, of the difference, of its square: merged in a fixed tree.
      double[] sums =
          rows.getNumPartitions() == 0
              ? new double[5]
              : rows.mapPartitions(perPartition)
                  .treeReduce(
                      (x, y) -> {
                        double[] z = new double[5];
                        for (int i = 0; i < 5; i++) {
                          z[i] = x[i] + y[i];
                        }
                        return z;
                      });
      long n = (long) sums[0];
      if (n == 0) {
        return new Paired(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      double[] difference = meanAndStandardError(n, sums[3], sums[4]);
      return new Paired(n, sums[1] / n, sums[2] / n, difference[0], difference[1]);
    } finally {
      first.destroy();
      second.destroy();
    }
  }

  /**
   * The mean of {@code n} values given their sum and sum of squares, and its standard error (sample
   * deviation / sqrt(n)); 0 for both when {@code n} is 0.
   */
  static double[] meanAndStandardError(long n, double sum, double sumOfSquares) {
    if (n == 0) {
      return new double[] {0, 0};
    }
    double mean = sum / n;
    double variance = n > 1 ? Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0;
    return new double[] {mean, Math.sqrt(variance / n)};
  }

  /** One partition's paired sums ({@link #paired}), a minibatch at a time. */
  static double[] pairedRows(
      Iterator<InternalRow> rows,
      Network a,
      Network b,
      OutputHead head,
      int featureCount,
      int batchSize) {
    double[] sums = new double[5];
    forEachBatch(
        rows,
        featureCount,
        batchSize,
        (batch, labels) -> {
          float[][] outA = a.output(batch);
          float[][] outB = b.output(batch);
          for (int i = 0; i < batch.length; i++) {
            double la = head.outputLoss(outA[i], labels[i]);
            double lb = head.outputLoss(outB[i], labels[i]);
            double d = lb - la;
            sums[0]++;
            sums[1] += la;
            sums[2] += lb;
            sums[3] += d;
            sums[4] += d * d;
          }
        });
    return sums;
  }

  /**
   * Each row's squared error in the target's units under {@code head} (its prediction, with any
   * back-transform and smearing, against the label), in the rows' order: what a paired comparison
   * of two regression models on the same rows needs.
   */
  static double[] squaredErrors(
      Iterator<InternalRow> rows, Network net, OutputHead head, int featureCount, int batchSize) {
    java.util.ArrayList<Double> out = new java.util.ArrayList<>();
    forEachBatch(
        rows,
        featureCount,
        batchSize,
        (batch, labels) -> {
          float[][] outputs = net.output(batch);
          for (int i = 0; i < batch.length; i++) {
            double err = head.prediction(outputs[i]) - labels[i];
            out.add(err * err);
          }
        });
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Hands {@code rows} to {@code batch} as minibatches of features and labels, in order. */
  private static void forEachBatch(
      Iterator<InternalRow> rows,
      int featureCount,
      int batchSize,
      java.util.function.BiConsumer<float[][], double[]> batch) {
    List<float[]> x = new java.util.ArrayList<>(batchSize);
    double[] labels = new double[batchSize];
    while (rows.hasNext() || !x.isEmpty()) {
      if (rows.hasNext() && x.size() < batchSize) {
        InternalRow r = rows.next();
        labels[x.size()] = r.getDouble(1);
        x.add(features(r, featureCount));
        continue;
      }
      batch.accept(x.toArray(new float[0][]), java.util.Arrays.copyOf(labels, x.size()));
      x.clear();
    }
  }

  /** Loss and metrics of {@code net} on {@code split}. */
  public static EvalMetrics evaluate(
      Dataset<Row> split, Network net, OutputHead head, int featureCount, int batchSize) {
    return head.summary(stats(split, net, head, featureCount, batchSize));
  }

  static HeadStats evaluatePartition(
      Iterator<InternalRow> rows, byte[] model, OutputHead head, int featureCount, int batchSize) {
    return evaluateRows(rows, () -> Network.fromBytes(model, false), head, featureCount, batchSize);
  }

  /** The statistics of {@code net} on prepared rows (features at 0, label at 1), on this JVM. */
  static HeadStats evaluateRows(
      Iterator<InternalRow> rows, Network net, OutputHead head, int featureCount, int batchSize) {
    return evaluateRows(rows, () -> net, head, featureCount, batchSize);
  }

  private static HeadStats evaluateRows(
      Iterator<InternalRow> rows,
      java.util.function.Supplier<Network> net,
      OutputHead head,
      int featureCount,
      int batchSize) {
    HeadStats s = head.newStats();
    // Copies: the source reuses its row objects, and a minibatch is read ahead.
    Iterator<InternalRow> copies =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return rows.hasNext();
          }

          @Override
          public InternalRow next() {
            return rows.next().copy();
          }
        };
    BatchedOutput<InternalRow> scored =
        new BatchedOutput<>(copies, r -> features(r, featureCount), net, batchSize);
    while (scored.hasNext()) {
      // Labels are read as prepared, not as encoded targets: the head decodes outputs itself.
      BatchedOutput.Scored<InternalRow> r = scored.next();
      head.addOutput(s, r.output(), r.row().getDouble(1));
    }
    return s;
  }

  private static float[] features(InternalRow r, int featureCount) {
    if (r.isNullAt(0) || r.isNullAt(1)) {
      throw new DataException(
          "A prepared row has a null "
              + (r.isNullAt(0) ? "features" : "label")
              + " value; the prepared data is damaged, rerun etl");
    }
    float[] x = r.getArray(0).toFloatArray();
    if (x.length != featureCount) {
      throw new DataException(
          "A prepared feature vector has "
              + x.length
              + " values, but transform.json declares "
              + featureCount
              + "; the prepared data and transform disagree, rerun etl");
    }
    return x;
  }

  /**
   * The head as calibrated on a validation pass ({@link OutputHead#calibrate}: log1p's smearing
   * factor) with the statistics it scores, kept only when it scores at least as well on the main
   * metric as the head before; otherwise the head as it was. One pass for heads with nothing to
   * calibrate, two for the others.
   *
   * @param score statistics of one pass over validation with the given head
   */
  static Calibrated calibrated(
      OutputHead head, java.util.function.Function<OutputHead, HeadStats> score) {
    HeadStats plain = score.apply(head);
    OutputHead c = head.calibrate(plain);
    if (c == head) {
      return new Calibrated(head, plain, null);
    }
    HeadStats smeared = score.apply(c);
    double before = head.summary(plain).value(head.mainMetric());
    double after = c.summary(smeared).value(head.mainMetric());
    boolean keep = after >= before;
    String note =
        String.format(
            java.util.Locale.ROOT,
            "log1p back-transform: Duan's smearing factor %.4f from validation; validation %s %.4f without it, %.4f with it; %s",
            c.spec().targetSmearing(),
            head.mainMetric().key(),
            before,
            after,
            keep ? "kept" : "not kept");
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
}
