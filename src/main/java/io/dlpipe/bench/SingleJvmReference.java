package io.dlpipe.bench;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.train.Evaluator;
import io.dlpipe.train.LearningRates;
import io.dlpipe.train.PreparedInput;
import io.dlpipe.train.TrainPlan;
import io.dlpipe.train.WorkerThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The floor the Spark trainer is measured against ({@code train_vs_single_jvm}): the same network,
 * updater, learning rate and minibatch size as {@code dlpipe train}, fitted with plain DL4J ({@link
 * Network#fit}, one minibatch at a time) in one JVM on minibatches held in memory. Only the fit is
 * timed; loading and the validation pass after each epoch (on Spark, as the trainer does it) are
 * not.
 *
 * <p>This is a benchmark tool: it loads the whole {@code prepared/train} split into the driver's
 * memory by design (features × rows × 4 bytes, off-heap), which is exactly what the Spark trainer
 * exists to avoid. Rows stream to the driver with {@code toLocalIterator}, one partition at a time.
 *
 * <p>API for harnesses: {@link #load}, then {@link #fit} once per measured run; or {@code main}:
 * {@code SingleJvmReference --conf FILE [--set k=v]... [--epochs N] [--threads T] [--master URL]}
 * prints one JSON object per line, one line per epoch.
 */
public final class SingleJvmReference {
  private final TrainConfig train;
  private final PreparedInput in;
  private final OutputHead head;
  private final List<DataSet> batches;
  private final long rows;
  private final double loadSeconds;

  private SingleJvmReference(
      TrainConfig train,
      PreparedInput in,
      OutputHead head,
      List<DataSet> batches,
      long rows,
      double loadSeconds) {
    this.head = head;
    this.train = train;
    this.in = in;
    this.batches = batches;
    this.rows = rows;
    this.loadSeconds = loadSeconds;
  }

  /**
   * One measured epoch.
   *
   * @param epoch 1-based
   * @param fitSeconds wall time of the single-JVM fit over the epoch's minibatches
   * @param samplesPerS train rows over {@code fitSeconds}
   * @param metricName r2, auc or accuracy
   * @param metric the validation metric after the epoch
   * @param valLoss the validation loss after the epoch
   */
  public record Epoch(
      int epoch,
      double fitSeconds,
      double samplesPerS,
      String metricName,
      double metric,
      double valLoss) {
    String json() {
      return String.format(
          Locale.ROOT,
          "{\"trainer\":\"single-jvm\",\"epoch\":%d,\"fit_seconds\":%.3f,\"samples_per_s\":%.1f,\"val_%s\":%.5f,\"val_loss\":%.5f}",
          epoch,
          fitSeconds,
          samplesPerS,
          metricName,
          metric,
          valLoss);
    }
  }

  /**
   * Reads {@code <output.dir>/prepared/train} into minibatches of {@code
   * train.batch-size-per-worker} rows (resolved as the Spark trainer resolves it for Spark's
   * default parallelism), in the order etl wrote them (a seeded shuffle), on the driver.
   */
  public static SingleJvmReference load(SparkSession spark, DlpipeConfig cfg) {
    long start = System.nanoTime();
    PreparedInput in =
        PreparedInput.open(new HadoopFiles(spark.sparkContext().hadoopConfiguration()), cfg);
    int featureCount = in.transform().featureCount();
    OutputHead codec =
        OutputHeads.forTraining(
            in.transform(), cfg.train(), in.read(spark, Columns.TRAIN), in.layout().transform());
    TrainConfig train =
        TrainPlan.resolve(
                cfg.train(), spark.sparkContext().defaultParallelism(), in.rows(Columns.TRAIN))
            .train();
    List<DataSet> batches =
        minibatches(
            in.read(spark, Columns.TRAIN).toLocalIterator(),
            Long.MAX_VALUE,
            featureCount,
            train.master().batchSizePerWorker(),
            codec);
    long rows = batches.stream().mapToLong(DataSet::numExamples).sum();
    return new SingleJvmReference(
        train, in, codec, batches, rows, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Packs up to {@code maxRows} prepared rows ({@code features}, {@code label}) into in-memory
   * minibatches of {@code batch} rows, the last one shorter: the input of both single-JVM
   * references, so that they train on exactly what the Spark trainer's workers would.
   */
  static List<DataSet> minibatches(
      Iterator<Row> it, long maxRows, int featureCount, int batch, OutputHead codec) {
    int width = codec.width();
    List<DataSet> out = new ArrayList<>();
    float[] features = new float[batch * featureCount];
    float[] labels = new float[batch * width];
    int n = 0;
    long rows = 0;
    while (it.hasNext() && rows < maxRows) {
      Row row = it.next();
      List<Float> vector = row.getList(0);
      for (int i = 0; i < featureCount; i++) {
        features[n * featureCount + i] = vector.get(i);
      }
      codec.encode(row.getDouble(1), labels, n * width);
      n++;
      rows++;
      if (n == batch) {
        out.add(batch(features, labels, n, featureCount, width));
        n = 0;
      }
    }
    if (n > 0) {
      out.add(batch(features, labels, n, featureCount, width));
    }
    return out;
  }

  private static DataSet batch(float[] f, float[] l, int n, int featureCount, int width) {
    float[] fs = java.util.Arrays.copyOf(f, n * featureCount);
    float[] ls = java.util.Arrays.copyOf(l, n * width);
    return new DataSet(
        Nd4j.create(fs, new long[] {n, featureCount}, 'c'),
        Nd4j.create(ls, new long[] {n, width}, 'c'));
  }

  /** Rows loaded. */
  public long rows() {
    return rows;
  }

  /** Seconds {@link #load} took (reading Parquet through Spark to the driver). */
  public double loadSeconds() {
    return loadSeconds;
  }

  /**
   * Fits a fresh network for {@code epochs} passes and evaluates on validation after each.
   *
   * @param threads caps ND4J's native threads in this JVM first (process-wide and not undone; 0
   *     leaves ND4J's default)
   */
  public List<Epoch> fit(SparkSession spark, int epochs, int threads) {
    WorkerThreads.apply(threads);
    int featureCount = in.transform().featureCount();
    Network net = Network.create(train, featureCount, head);
    Dataset<Row> validation = in.read(spark, Columns.VALIDATION).cache();
    List<Epoch> out = new ArrayList<>();
    try {
      for (int e = 1; e <= epochs; e++) {
        net.setLearningRate(LearningRates.schedule(train, e - 1));
        long start = System.nanoTime();
        for (DataSet b : batches) {
          net.fit(b);
        }
        double s = (System.nanoTime() - start) / 1e9;
        EvalMetrics val =
            Evaluator.evaluate(validation, net, head, featureCount, train.evalBatchSize());
        out.add(
            new Epoch(
                e, s, rows / s, head.mainMetric().key(), val.value(head.mainMetric()), val.loss()));
      }
    } finally {
      validation.unpersist();
    }
    return out;
  }

  /** Prints one JSON line per epoch to stdout. */
  public static void main(String[] args) {
    Path conf = null;
    List<String> sets = new ArrayList<>();
    int epochs = 3;
    int threads = 0;
    String master = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = Path.of(args[++i]);
        case "--set" -> sets.add(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--master" -> master = args[++i];
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; usage: SingleJvmReference --conf FILE [--set k=v]... [--epochs N] [--threads T] [--master URL]");
      }
    }
    DlpipeConfig cfg = ConfigLoader.load(conf, sets);
    String m = SparkSessions.resolveMaster(master, cfg.spark());
    SparkSession spark = SparkSessions.getOrCreate(m, cfg.spark());
    try {
      SingleJvmReference ref = load(spark, cfg);
      System.err.printf(
          Locale.ROOT,
          "single-jvm reference: %,d rows in %d minibatches of %d, loaded in %.1f s%n",
          ref.rows(),
          ref.batches.size(),
          ref.train.master().batchSizePerWorker(),
          ref.loadSeconds());
      for (Epoch e : ref.fit(spark, epochs, threads)) {
        System.out.println(e.json());
      }
    } finally {
      spark.stop();
    }
  }
}
