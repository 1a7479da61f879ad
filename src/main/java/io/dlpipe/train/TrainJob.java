package io.dlpipe.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.config.EnumNames;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.io.ModelLayout;
import io.dlpipe.io.ModelStore;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage: {@code prepared/} to {@code model/}, data-parallel with DL4J's {@code
 * SparkDl4jMultiLayer} and {@code ParameterAveragingTrainingMaster}.
 *
 * <p>Each epoch fits the whole train split, evaluates on validation on the executors, and writes a
 * checkpoint (network with updater state, plus the early-stopping state and history), so a driver
 * killed mid-training loses at most the epoch it was in; the next run resumes from the newest
 * checkpoint unless told {@code --fresh}. The bundle ({@code model.zip} of the best epoch, {@code
 * model.json}, the history, the transform) is written at the end, {@code _SUCCESS} last.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /** DL4J's system property naming the clock its training statistics use. */
  static final String STATS_CLOCK = "org.deeplearning4j.spark.time.TimeSource";

  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final Configuration hadoop;
  private final HadoopFiles files;
  private final ModelLayout layout;

  public TrainJob(SparkSession spark, DlpipeConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.files = new HadoopFiles(hadoop);
    this.layout = new ModelLayout(cfg.output().dir());
  }

  /** Trains, resuming from the newest checkpoint unless {@code fresh}. */
  public TrainResult run(boolean fresh) {
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long startNanos = System.nanoTime();
    TrainConfig train = cfg.train();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    PreparedInput in = PreparedInput.open(files, cfg);
    int featureCount = in.transform().featureCount();
    LabelCodec codec = in.codec();
    String fingerprint = fingerprint(train, in);
    Checkpoints checkpoints = new Checkpoints(hadoop, layout.checkpoints());

    if (fresh) {
      LOG.info("--fresh: removing {} and starting over", layout.root());
      files.deleteRecursively(layout.root());
    }
    Optional<Checkpoints.Checkpoint> last = checkpoints.latest();
    MultiLayerNetwork net;
    TrainState state;
    Integer resumedFrom = null;
    if (last.isPresent()) {
      Checkpoints.Checkpoint c = last.get();
      if (!c.state().fingerprint().equals(fingerprint)) {
        throw new DataException("The checkpoints in " + checkpoints.dir() + " were trained for another network or other prepared data "
            + "(train.model, train.updater.type or transform.json changed since); run train with --fresh to start over, "
            + "or restore the settings they were made with");
      }
      net = checkpoints.network(c.epoch(), true);
      state = c.state();
      resumedFrom = c.epoch();
      LOG.info("resumed from epoch {} ({}); best so far: epoch {}, val_loss {}", c.epoch(), c.path(), state.bestEpoch(), fmt(state.bestValLoss()));
    } else {
      // Nothing to resume: leftovers of a run that never finished an epoch would only mislead.
      files.deleteRecursively(layout.root());
      net = NetworkFactory.create(train, featureCount, codec);
      state = TrainState.initial(fingerprint);
    }
    // Until the bundle is rewritten at the end, it must not look complete.
    files.deleteRecursively(layout.success());
    LOG.info("Network: {} inputs -> hidden {} -> {} ({}), {} parameters; train {} rows, validation {} rows",
        featureCount, train.model().hiddenLayers(), codec.width(), outputName(codec), net.numParams(),
        in.rows(Columns.TRAIN), in.rows(Columns.VALIDATION));

    Dataset<Row> trainRows = in.read(spark, Columns.TRAIN);
    Dataset<Row> validationRows = in.read(spark, Columns.VALIDATION);
    TrainConfig.Master m = train.master();
    if (m.collectStats() && System.getProperty(STATS_CLOCK) == null) {
      // DL4J's stats default to asking pool.ntp.org for the time, and fail training where it cannot be reached.
      System.setProperty(STATS_CLOCK, "org.deeplearning4j.spark.time.SystemClockTimeSource");
    }
    int workers = m.workers() > 0 ? m.workers() : jsc.defaultParallelism();
    train = TrainingMasters.resolveBatchSize(train, workers, in.rows(Columns.TRAIN));
    m = train.master();
    String exportDir = m.exportDir().isEmpty() ? layout.export() : m.exportDir();
    TrainConfig.Approach approach = TrainingMasters.usableApproach(jsc, m.approach(), exportDir);
    TrainingMasters.checkGradientSharing(jsc, m);
    TrainingMaster<?, ?> master = TrainingMasters.create(train, workers, approach, exportDir);
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
    DoubleAccumulator lossSum = jsc.sc().doubleAccumulator("dlpipe.train.loss-sum");
    LongAccumulator lossRows = jsc.sc().longAccumulator("dlpipe.train.loss-rows");
    LongAccumulator conversionNanos = jsc.sc().longAccumulator("dlpipe.train.conversion-nanos");
    LongAccumulator conversionRows = jsc.sc().longAccumulator("dlpipe.train.conversion-rows");
    sparkNet.setListeners(List.of(new EpochLossListener(lossSum, lossRows)));
    JavaRDD<DataSet> minibatches = minibatches(TrainingMasters.onePartitionPerWorker(trainRows, workers, approach), featureCount, m.batchSizePerWorker(), codec, conversionNanos, conversionRows);
    LOG.info("Training master: {}, {} workers, {} rows per worker minibatch, averaging every {} minibatches, "
        + "prefetch {}, approach {}{}, repartition {} ({}), storage level {}, threads per worker {}", EnumNames.kebab(m.type()), workers,
        m.batchSizePerWorker(), m.averagingFrequency(),
        m.workerPrefetchBatches(), EnumNames.kebab(approach), approach == TrainConfig.Approach.EXPORT ? " to " + exportDir : "",
        EnumNames.kebab(m.repartition()), EnumNames.kebab(m.repartitionStrategy()), EnumNames.kebab(m.storageLevel()),
        m.threadsPerWorker() == 0 ? "nd4j-default" : m.threadsPerWorker());

    ExecutorTime executorTime = new ExecutorTime();
    spark.sparkContext().addSparkListener(executorTime);
    int remaining = state.stoppedEarly() ? 0 : Math.max(0, train.epochs() - state.epoch());
    if (resumedFrom != null && remaining == 0) {
      LOG.info("Training was already complete at epoch {} ({}); rewriting the model bundle", state.epoch(),
          state.stoppedEarly() ? "stopped early" : "train.epochs = " + train.epochs());
    }
    StageTimer timer = new StageTimer(spark, "train", remaining + 1);
    double sessionSeconds = 0;
    int sessionEpochs = 0;
    double learningRate = Double.NaN;
    try {
      while (!state.stoppedEarly() && state.epoch() < train.epochs()) {
        int epoch = state.epoch() + 1;
        double lr = LearningRates.rate(train, epoch - 1);
        if (lr != learningRate) {
          // the driver's configuration is broadcast to the workers by every averaging round
          net.setLearningRate(LearningRates.schedule(train, epoch - 1));
          learningRate = lr;
        }
        lossSum.reset();
        lossRows.reset();
        conversionNanos.reset();
        conversionRows.reset();
        long executorMillis = executorTime.millis();
        long epochStart = System.nanoTime();
        EpochRecord record;
        try (StageTimer.Stage s = timer.start("epoch-" + epoch, "epoch " + epoch + " of " + train.epochs() + ": fit, then evaluate on validation")) {
          try (EpochProgress progress = EpochProgress.start("train epoch " + epoch + "/" + train.epochs(), in.rows(Columns.TRAIN), lossRows::value)) {
            sparkNet.fit(minibatches);
          }
          double fitSeconds = seconds(epochStart);
          EvalMetrics val = Evaluator.evaluate(validationRows, net, codec, featureCount, train.evalBatchSize());
          double epochSeconds = seconds(epochStart);
          long trained = in.rows(Columns.TRAIN);
          double trainLoss = lossRows.value() == 0 ? Double.NaN : lossSum.value() / lossRows.value();
          record = new EpochRecord(epoch, trainLoss, val.loss(), EvalMetrics.mainMetricName(codec), val.main(codec),
              trained / Math.max(fitSeconds, 1e-9), epochSeconds, lr, (executorTime.millis() - executorMillis) / 1000.0,
              conversionNanos.value() / 1e9, val);
          s.rows(trained);
        }
        if (!Double.isFinite(record.valLoss())) {
          throw new DataException("Validation loss is " + record.valLoss() + " after epoch " + epoch + ": training diverged. Lower "
              + "train.updater.learning-rate (now " + lr + ") and run train with --fresh");
        }
        state = state.after(record, train.earlyStopping().minDelta(), train.earlyStopping().patience());
        checkpoints.write(net, state);
        files.writeText(layout.history(), historyCsv(state));
        sessionSeconds += record.seconds();
        sessionEpochs++;
        logEpoch(record, state, train, sessionSeconds / sessionEpochs, conversionRows.value());
      }
    } finally {
      spark.sparkContext().removeSparkListener(executorTime);
      master.deleteTempFiles(jsc);
      if (m.exportDir().isEmpty()) {
        files.deleteRecursively(layout.export());
      }
      minibatches.unpersist(false);
    }
    if (state.epoch() == 0) {
      throw new IllegalStateException("no epoch was trained"); // train.epochs >= 1 is validated
    }

    MultiLayerNetwork best = state.bestEpoch() == state.epoch() && sessionEpochs > 0 ? net : checkpoints.network(state.bestEpoch(), true);
    try (StageTimer.Stage s = timer.start("bundle", "write the model bundle")) {
      ModelStore.write(hadoop, layout.model(), best, true);
      files.writeText(layout.transform(), in.transformJson());
      files.writeText(layout.history(), historyCsv(state));
      if (m.collectStats()) {
        writeStats(sparkNet, jsc);
      }
      ModelProvenance provenance = provenance(in, codec, best, state, resumedFrom, workers, approach, started, startNanos);
      files.writeText(layout.provenance(), Json.write(provenance));
      files.writeText(layout.success(), "");
      EpochRecord b = state.best();
      LOG.info("Train done: best epoch {} of {} ({}), validation {} {}, val_loss {} -> {}", state.bestEpoch(), state.epoch(),
          state.stoppedEarly() ? "stopped early" : "all epochs run", b.metricName(), fmt(b.metric()), fmt(b.valLoss()), layout.root());
      return new TrainResult(provenance, best, codec, state);
    }
  }

  /** The train split as minibatches, converted partition by partition as DL4J pulls them. */
  static JavaRDD<DataSet> minibatches(Dataset<Row> rows, int featureCount, int batchSize, LabelCodec codec, LongAccumulator nanos, LongAccumulator count) {
    FlatMapFunction<java.util.Iterator<InternalRow>, DataSet> toBatches = it -> new MinibatchIterator(it, featureCount, batchSize, codec, nanos, count);
    return rows.queryExecution().toRdd().toJavaRDD().mapPartitions(toBatches);
  }

  private void writeStats(SparkDl4jMultiLayer sparkNet, JavaSparkContext jsc) {
    SparkTrainingStats stats = sparkNet.getSparkTrainingStats();
    if (stats == null) {
      LOG.warn("train.collect-stats = true, but DL4J collected no statistics in this run (no epoch was trained); {} not written", layout.statsHtml());
      return;
    }
    try {
      StatsUtils.exportStatsAsHtml(stats, layout.statsHtml(), jsc);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write DL4J's training statistics to " + layout.statsHtml(), e);
    }
  }

  private ModelProvenance provenance(PreparedInput in, LabelCodec codec, MultiLayerNetwork best, TrainState state, Integer resumedFrom,
      int workers, TrainConfig.Approach approach, Instant started, long startNanos) {
    double trainingSeconds = 0;
    double fitSeconds = 0;
    double executorSeconds = 0;
    double conversionSeconds = 0;
    long trainRows = in.rows(Columns.TRAIN);
    for (EpochRecord r : state.history()) {
      trainingSeconds += r.seconds();
      fitSeconds += trainRows / r.samplesPerS();
      executorSeconds += r.executorSeconds();
      conversionSeconds += r.conversionSeconds();
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String split : List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST)) {
      rows.put(split, in.rows(split));
    }
    boolean regression = codec.kind() == LabelCodec.Kind.REGRESSION;
    int executors = Math.max(1, spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
    return new ModelProvenance(
        ModelProvenance.FORMAT_VERSION, BuildInfo.dlpipeVersion(), BuildInfo.gitCommit(), configJson(),
        in.transform().inputFingerprint(), Digests.sha256(in.transformJson()), in.transform().task(), codec.classes(),
        in.transform().featureCount(), outputName(codec), regression ? codec.mean() : null, regression ? codec.std() : null,
        best.numParams(), rows, state.epoch(), resumedFrom, state.bestEpoch(), state.stoppedEarly(), EvalMetrics.mainMetricName(codec),
        state.best().validation(), state.history().get(state.history().size() - 1).validation(), BuildInfo.versions(),
        spark.sparkContext().master(), executors, workers, EnumNames.kebab(approach), round(seconds(startNanos)), round(trainingSeconds),
        round(trainRows * (double) state.history().size() / Math.max(fitSeconds, 1e-9)), round(executorSeconds), round(conversionSeconds),
        started.toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  private JsonNode configJson() {
    String json = ConfigFactory.parseString(cfg.renderMasked()).root().render(ConfigRenderOptions.concise());
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("the resolved configuration does not render as JSON", e);
    }
  }

  private static void logEpoch(EpochRecord r, TrainState state, TrainConfig train, double meanEpochSeconds, long convertedRows) {
    int left = state.stoppedEarly() ? 0 : train.epochs() - r.epoch();
    String conversion = convertedRows == 0
        ? "minibatches reused"
        : String.format(Locale.ROOT, "conversion %.2f s of %.1f executor-s (%.1f%%)", r.conversionSeconds(), r.executorSeconds(),
            100 * r.conversionSeconds() / Math.max(r.executorSeconds(), 1e-9));
    LOG.info(String.format(Locale.ROOT,
        "epoch %d/%d: train_loss %s, val_loss %s, val %s %s%s | lr %s, %,.0f samples/s, %.1f s, %s | ETA %s",
        r.epoch(), train.epochs(), fmt(r.trainLoss()), fmt(r.valLoss()), r.metricName(), fmt(r.metric()),
        state.bestEpoch() == r.epoch() ? " (best)" : " (best: epoch " + state.bestEpoch() + ")", r.learningRate(), r.samplesPerS(),
        r.seconds(), conversion, state.stoppedEarly() ? "0 s (early stopping: no improvement for " + state.epochsWithoutImprovement() + " epochs)"
            : StageTimer.duration(left * meanEpochSeconds)));
  }

  /** training-history.csv: one row per epoch. */
  static String historyCsv(TrainState state) {
    StringBuilder csv = new StringBuilder();
    String metric = state.history().isEmpty() ? "metric" : state.history().get(0).metricName();
    csv.append("epoch,train_loss,val_loss,val_").append(metric).append(",samples_per_s,seconds\n");
    for (EpochRecord r : state.history()) {
      csv.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g,%.1f,%.3f%n", r.epoch(), r.trainLoss(), r.valLoss(), r.metric(), r.samplesPerS(), r.seconds()));
    }
    return csv.toString();
  }

  /** What a checkpoint must match to be resumed: architecture, updater kind, and the exact transform. */
  static String fingerprint(TrainConfig train, PreparedInput in) {
    TrainConfig.Model m = train.model();
    String canonical = String.join("\n",
        "hidden=" + m.hiddenLayers(), "activation=" + m.activation(), "weight-init=" + m.weightInit(), "dropout=" + m.dropout(),
        "l2=" + m.l2(), "batch-normalization=" + m.batchNormalization(), "output=" + outputName(in.codec()),
        "updater=" + train.updater().type(), "transform=" + Digests.sha256(in.transformJson()));
    return Digests.sha256(canonical);
  }

  static String outputName(LabelCodec codec) {
    return switch (codec.kind()) {
      case REGRESSION -> "linear-mse";
      case SOFTMAX -> "softmax-mcxent";
      case SIGMOID -> "sigmoid-xent";
    };
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
