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
import io.dlpipe.workspace.ModelLayout;
import io.dlpipe.io.ModelStore;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.StagedOutput;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.HeadStats;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
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
 * model.json}, the history, the transform) is written at the end, {@code _SUCCESS} last, into a
 * staging folder that then replaces {@code model/} in one rename ({@link StagedOutput}): until
 * then the previous model stays in place and usable. Checkpoints live in {@code
 * <output.dir>/checkpoints/}, outside the bundle, so they survive that replacement.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /** DL4J's system property naming the clock its training statistics use. */
  static final String STATS_CLOCK = "org.deeplearning4j.spark.time.TimeSource";

  private final SparkSession spark;
  /** The job's config; after tuning, the best trial's settings. */
  private DlpipeConfig cfg;
  private final Configuration hadoop;
  private final HadoopFiles files;
  private final ModelLayout layout;
  private StagedOutput staged;
  private TrainConfig resolved;
  private final List<long[]> rounds = new java.util.ArrayList<>();
  /** The block-momentum buffer this run resumed with, as read from the checkpoint (for tests). */
  org.nd4j.linalg.api.ndarray.INDArray restoredMomentum;

  public TrainJob(SparkSession spark, DlpipeConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.files = new HadoopFiles(hadoop);
    this.layout = new ModelLayout(cfg.output().dir());
  }

  /** Trains, resuming from the newest checkpoint unless {@code fresh}. */
  public TrainResult run(boolean fresh) {
    try {
      return execute(fresh);
    } catch (Exception e) {
      throw staged == null ? StagedOutput.noSpace(e, layout.root(), layout.root()) : staged.failed(e);
    }
  }

  private TrainResult execute(boolean fresh) {
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long startNanos = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    PreparedInput in = PreparedInput.open(files, cfg);
    int featureCount = in.transform().featureCount();
    Dataset<Row> trainRows = in.read(spark, Columns.TRAIN);
    Dataset<Row> validationRows = in.read(spark, Columns.VALIDATION);
    // Before anything is deleted: model/ and checkpoints/ must be the ones train wrote.
    OutputGuard.requireReplaceable(files, layout.root(), OutputKind.MODEL, "the model folder");
    Checkpoints checkpoints = new Checkpoints(hadoop, layout.checkpoints());

    if (fresh) {
      LOG.info("--fresh: removing {} and starting over; {} stays until the new model replaces it", checkpoints.dir(), layout.root());
      checkpoints.clear();
    }
    Optional<Checkpoints.Checkpoint> last = checkpoints.latest();
    TargetChoice targetChoice = chooseTarget(in, trainRows, validationRows, checkpoints, last.isPresent());
    String tuning = null;
    Map<String, Object> tuned = null;
    if (cfg.tune().trials() > 0) {
      if (last.isPresent()) {
        tuned = files.exists(layout.tuningBest()) ? readTuned(files.readText(layout.tuningBest())) : Map.of();
      } else {
        List<Tuner.Trial> trials = Tuner.run(cfg, in, trainRows, validationRows);
        Tuner.Trial best = Tuner.best(trials);
        if (best == null) {
          throw new DataException("No tuning trial finished an epoch with a finite validation loss; narrow tune.space (lower learning rates) and retry");
        }
        tuned = best.values();
        tuning = Tuner.csv(cfg.tune(), trials, in.transform().task() == io.dlpipe.config.Task.REGRESSION ? "r2" : in.transform().classes().size() == 2 ? "auc" : "accuracy");
        LOG.info("tune: best trial {} of {}: {} (validation main metric {})", best.number(), trials.size(), tuned, fmt(best.main()));
      }
      cfg = io.dlpipe.config.ConfigLoader.withValues(cfg, tuned);
    }
    TrainConfig train = cfg.train();
    OutputHead head = OutputHeads.forTraining(in.transform(), train, trainRows, in.layout().transform());
    NetworkSpec spec = NetworkSpec.of(train);
    String fingerprint = fingerprint(cfg, head, in);
    MultiLayerNetwork net;
    TrainState state;
    Integer resumedFrom = null;
    if (last.isPresent()) {
      Checkpoints.Checkpoint c = last.get();
      if (!c.state().fingerprint().equals(fingerprint)) {
        throw new DataException("The checkpoints in " + checkpoints.dir() + " were trained for another network or other prepared data "
            + "(train.model, train.updater, train.class-weights, train.target-transform or transform.json changed since); run train with --fresh to start over, "
            + "or restore the settings they were made with");
      }
      net = checkpoints.network(c.epoch(), true);
      state = c.state();
      resumedFrom = c.epoch();
      LOG.info("resumed from epoch {} ({}); best so far: epoch {}, val_loss {}", c.epoch(), c.path(), state.bestEpoch(), fmt(state.bestScore()));
    } else {
      net = spec.create(CapacityRules.logged(train, in.rows(Columns.TRAIN)), featureCount, head);
      state = TrainState.initial(fingerprint);
      if (tuning != null) {
        checkpoints.mark();
        files.writeText(layout.tuningTrials(), tuning);
        files.writeText(layout.tuningBest(), Json.write(tuned));
      }
    }
    staged = StagedOutput.begin(files, layout.root(), OutputKind.MODEL, "the model folder");
    ModelLayout out = layout.at(staged.path());
    LOG.info("Network: {} inputs -> hidden {} -> {} ({}), {} parameters; train {} rows, validation {} rows",
        featureCount, train.model().hiddenLayers(), head.width(), EnumNames.kebab(head.output()), net.numParams(),
        in.rows(Columns.TRAIN), in.rows(Columns.VALIDATION));

    TrainConfig.Master m = train.master();
    if (m.collectStats() && System.getProperty(STATS_CLOCK) == null) {
      // DL4J's stats default to asking pool.ntp.org for the time, and fail training where it cannot be reached.
      System.setProperty(STATS_CLOCK, "org.deeplearning4j.spark.time.SystemClockTimeSource");
    }
    TrainConfig.Master requested = train.master();
    train = TrainingMasters.resolveAuto(train, jsc.defaultParallelism(), in.rows(Columns.TRAIN));
    resolved = train;
    m = train.master();
    TrainingMasters.logWidth(requested, train, jsc.defaultParallelism(), in.rows(Columns.TRAIN));
    int workers = m.workers();
    String exportDir = m.exportDir().isEmpty() ? out.export() : m.exportDir();
    TrainConfig.Approach approach = TrainingMasters.usableApproach(jsc, m.approach(), exportDir);
    TrainingMasters.checkGradientSharing(jsc, m);
    TrainingMaster<?, ?> master = TrainingMasters.create(train, workers, approach, exportDir);
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
    DoubleAccumulator lossSum = jsc.sc().doubleAccumulator("dlpipe.train.loss-sum");
    LongAccumulator lossRows = jsc.sc().longAccumulator("dlpipe.train.loss-rows");
    LongAccumulator conversionNanos = jsc.sc().longAccumulator("dlpipe.train.conversion-nanos");
    LongAccumulator conversionRows = jsc.sc().longAccumulator("dlpipe.train.conversion-rows");
    sparkNet.setListeners(List.of(new EpochLossListener(lossSum, lossRows)));
    Dataset<Row> toTrain = TrainingMasters.onePartitionPerWorker(trainRows, workers, approach);
    int batchSize = m.batchSizePerWorker();
    OutputHead codec = head;
    EpochRunner runner = approach == TrainConfig.Approach.EXPORT
        ? EpochRunner.exported(sparkNet, () -> ExportedMinibatches.write(toTrain, exportDir, featureCount, batchSize, codec, conversionNanos, conversionRows), train)
        : EpochRunner.direct(sparkNet, minibatches(toTrain, featureCount, batchSize, head, conversionNanos, conversionRows), train);
    if (resumedFrom != null && m.type() == TrainConfig.MasterType.PARAMETER_AVERAGING && m.averaging().method() == TrainConfig.AveragingMethod.BLOCK_MOMENTUM) {
      Optional<org.nd4j.linalg.api.ndarray.INDArray> buffer = checkpoints.momentum(resumedFrom);
      LOG.info(buffer.isPresent() ? "Block momentum: the momentum buffer of epoch {} restored" : "Block momentum: checkpoint {} has no momentum buffer (trained with simple averaging); starting it at zero", resumedFrom);
      buffer.ifPresent(runner::restoreMomentum);
      restoredMomentum = buffer.orElse(null);
    }
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
    try {
      while (!state.stoppedEarly() && state.epoch() < train.epochs()) {
        int epoch = state.epoch() + 1;
        lossSum.reset();
        lossRows.reset();
        conversionNanos.reset();
        conversionRows.reset();
        long executorMillis = executorTime.millis();
        long epochStart = System.nanoTime();
        long roundsBefore = runner.rounds();
        long stepBefore = runner.stepNanos();
        EpochRecord record;
        try (StageTimer.Stage s = timer.start("epoch-" + epoch, "epoch " + epoch + " of " + train.epochs() + ": fit, then evaluate on validation")) {
          double lr;
          try (EpochProgress progress = EpochProgress.start("train epoch " + epoch + "/" + train.epochs(), in.rows(Columns.TRAIN), lossRows::value,
              runner::fitStartNanos)) {
            lr = runner.run(epoch);
          }
          double fitSeconds = seconds(epochStart);
          rounds.add(new long[] {epoch, runner.rounds() - roundsBefore, runner.stepNanos() - stepBefore, System.nanoTime() - epochStart});
          EvalMetrics val = Evaluator.evaluate(validationRows, net, head, featureCount, train.evalBatchSize());
          double epochSeconds = seconds(epochStart);
          long trained = in.rows(Columns.TRAIN);
          double trainLoss = lossRows.value() == 0 ? Double.NaN : lossSum.value() / lossRows.value();
          record = new EpochRecord(epoch, trainLoss, val.loss(), head.mainMetric(), val.value(head.mainMetric()),
              trained / Math.max(fitSeconds, 1e-9), epochSeconds, lr, (executorTime.millis() - executorMillis) / 1000.0,
              conversionNanos.value() / 1e9, val);
          s.rows(trained);
        }
        if (!Double.isFinite(record.valLoss())) {
          throw new DataException("Validation loss is " + record.valLoss() + " after epoch " + epoch + ": training diverged. Lower "
              + "train.updater.learning-rate (now " + record.learningRate() + ") and run train with --fresh");
        }
        state = state.after(record, train.earlyStopping().minDelta(), train.earlyStopping().patience(), train.earlyStopping().metric());
        checkpoints.write(net, runner.momentum(), state, train.averageEpochs(), train.earlyStopping().metric());
        files.writeText(out.history(), historyCsv(state));
        sessionSeconds += record.seconds();
        sessionEpochs++;
        logEpoch(record, state, train, sessionSeconds / sessionEpochs, conversionRows.value());
      }
    } finally {
      spark.sparkContext().removeSparkListener(executorTime);
      master.deleteTempFiles(jsc);
      if (m.exportDir().isEmpty()) {
        files.deleteRecursively(out.export());
      }
      runner.close();
    }
    if (state.epoch() == 0) {
      throw new IllegalStateException("no epoch was trained"); // train.epochs >= 1 is validated
    }

    MultiLayerNetwork best = state.bestEpoch() == state.epoch() && sessionEpochs > 0 ? net : checkpoints.network(state.bestEpoch(), true);
    List<Integer> averaged = null;
    if (train.averageEpochs() > 1) {
      List<Integer> epochs = Checkpoints.best(state, train.averageEpochs(), train.earlyStopping().metric()).stream().filter(checkpoints::has).toList();
      if (epochs.size() > 1) {
        MultiLayerNetwork mean = average(checkpoints, epochs);
        EvalMetrics v = Evaluator.evaluate(validationRows, mean, head, featureCount, train.evalBatchSize());
        double score = train.earlyStopping().metric() == TrainConfig.EarlyStoppingMetric.LOSS ? v.loss() : -v.value(head.mainMetric());
        // Chosen on validation like the best epoch itself: an average that scores worse is not kept.
        boolean keep = score <= state.bestScore();
        LOG.info("Average of epochs {}: validation {} {}, val_loss {}; best epoch {} alone: {}; keeping {}", epochs, head.mainMetric().key(),
            fmt(v.value(head.mainMetric())), fmt(v.loss()), state.bestEpoch(), fmt(state.best().metric()), keep ? "the average" : "the best epoch");
        if (keep) {
          best = mean;
          averaged = epochs;
        }
      }
    }
    MultiLayerNetwork kept = best;
    int evalBatch = train.evalBatchSize();
    Evaluator.Calibrated calibrated = Evaluator.calibrated(head, h -> Evaluator.stats(validationRows, kept, h, featureCount, evalBatch));
    head = calibrated.head();
    HeadStats bestValidation = calibrated.stats();
    if (calibrated.note() != null) {
      LOG.info("{}", calibrated.note());
    }
    head = head.chooseThreshold(bestValidation, cfg.evaluate().threshold(), cfg.evaluate().costs());
    if (head.spec().threshold() != null) {
      LOG.info("Decision threshold {} ({}) on {} validation rows", fmt(head.spec().threshold()), EnumNames.kebab(head.spec().thresholdRule()), bestValidation.rows());
    }
    try (StageTimer.Stage s = timer.start("bundle", "write the model bundle")) {
      ModelStore.write(hadoop, out.model(), best, true);
      // The id is the digest of the bytes as they lie on disk, so anyone can recompute it.
      String modelId = Digests.sha256(ModelStore.readBytes(hadoop, out.model()));
      files.writeText(out.transform(), in.transformJson());
      files.writeText(out.history(), historyCsv(state));
      if (files.exists(layout.tuningTrials())) {
        files.writeText(out.tuning(), files.readText(layout.tuningTrials()));
      }
      if (m.collectStats()) {
        writeStats(sparkNet, jsc, out);
      }
      ModelProvenance provenance = provenance(modelId, in, head, head.summary(bestValidation), best, state, averaged, targetChoice, resumedFrom, workers, approach, started, startNanos);
      files.writeText(out.provenance(), Json.write(provenance));
      files.writeText(out.success(), "");
      staged.commit();
      EpochRecord b = state.best();
      LOG.info("Train done: best epoch {} of {} ({}), validation {} {}, val_loss {} -> {}", state.bestEpoch(), state.epoch(),
          state.stoppedEarly() ? "stopped early" : "all epochs run", b.metricName().key(), fmt(b.metric()), fmt(b.valLoss()), layout.root());
      return new TrainResult(provenance, best, head, state);
    }
  }

  /** The training settings with their automatic values resolved for this run; null before it resolved them. */
  public TrainConfig resolved() {
    return resolved;
  }

  /**
   * Per epoch trained by this run: {epoch, averaging rounds, driver nanoseconds of the
   * block-momentum steps, fit nanoseconds}. For the scale-out bench.
   */
  public List<long[]> rounds() {
    return List.copyOf(rounds);
  }

  /**
   * Resolves train.target-transform = auto and train.loss = auto where the target has more than one
   * candidate: a short trial of each ({@link TargetTrial}), or, when resuming, the choice the
   * checkpoints were trained with. The job's config then names the choice, so that tuning, the head
   * and the checkpoint fingerprint all see it. Null when there was nothing to choose.
   */
  private TargetChoice chooseTarget(PreparedInput in, Dataset<Row> trainRows, Dataset<Row> validationRows, Checkpoints checkpoints, boolean resuming) {
    StringBuilder seen = new StringBuilder();
    Map<String, OutputHead> candidates = OutputHeads.targetCandidates(in.transform(), cfg.train(), trainRows, in.layout().transform(), seen);
    if (candidates.size() < 2) {
      if (!candidates.isEmpty()) {
        LOG.info("train.target-transform = auto: standardize ({}; no other candidate to try)", seen);
      }
      return null;
    }
    TargetChoice choice;
    if (resuming && files.exists(layout.targetChoice())) {
      try {
        choice = Json.MAPPER.readValue(files.readText(layout.targetChoice()), TargetChoice.class);
      } catch (IOException e) {
        throw new DataException(layout.targetChoice() + " is not readable: " + e.getMessage() + "; run train with --fresh", e);
      }
      LOG.info("train.target-transform = auto: {}, as chosen before the checkpoints this run resumes from (validation R² {})", choice.chosen(), choice.validationR2());
    } else {
      choice = TargetTrial.choose(cfg.train(), in, trainRows, validationRows, candidates, seen.toString());
      checkpoints.mark();
      files.writeText(layout.targetChoice(), Json.write(choice));
    }
    cfg = io.dlpipe.config.ConfigLoader.withValues(cfg, OutputHeads.targetSettings(choice.chosen()));
    return choice;
  }

  /**
   * The mean of the parameters of the given epochs' checkpoints, on the first one's network (its
   * updater state too). Epochs of one training run lie in one basin of the loss, where the mean of
   * a few good points generalizes better than any of them (Izmailov et al., "Averaging Weights
   * Leads to Wider Optima and Better Generalization", 2018); batch normalization's running
   * statistics are parameters too and are averaged with the rest.
   */
  static MultiLayerNetwork average(Checkpoints checkpoints, List<Integer> epochs) {
    MultiLayerNetwork first = checkpoints.network(epochs.get(0), true);
    org.nd4j.linalg.api.ndarray.INDArray sum = first.params().dup();
    for (int e : epochs.subList(1, epochs.size())) {
      sum.addi(checkpoints.network(e, false).params());
    }
    first.setParams(sum.divi(epochs.size()));
    return first;
  }

  private static Map<String, Object> readTuned(String json) {
    try {
      Map<String, Object> values = new LinkedHashMap<>();
      Json.MAPPER.readTree(json).fields().forEachRemaining(e -> values.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class)));
      return values;
    } catch (IOException e) {
      throw new DataException("tuning-best.json is not readable: " + e.getMessage() + "; run train with --fresh", e);
    }
  }

  /** The train split as minibatches, converted partition by partition as DL4J pulls them. */
  static JavaRDD<DataSet> minibatches(Dataset<Row> rows, int featureCount, int batchSize, OutputHead codec, LongAccumulator nanos, LongAccumulator count) {
    FlatMapFunction<java.util.Iterator<InternalRow>, DataSet> toBatches = it -> new MinibatchIterator(it, featureCount, batchSize, codec, nanos, count);
    return rows.queryExecution().toRdd().toJavaRDD().mapPartitions(toBatches);
  }

  private void writeStats(SparkDl4jMultiLayer sparkNet, JavaSparkContext jsc, ModelLayout layout) {
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

  private ModelProvenance provenance(String modelId, PreparedInput in, OutputHead head, EvalMetrics bestValidation, MultiLayerNetwork best, TrainState state,
      List<Integer> averaged, TargetChoice targetChoice, Integer resumedFrom,
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
    HeadSpec spec = head.spec();
    boolean standardized = spec.targetTransform() == TrainConfig.TargetTransform.STANDARDIZE;
    int executors = Math.max(1, spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
    return new ModelProvenance(
        ModelProvenance.FORMAT_VERSION, modelId, BuildInfo.dlpipeVersion(), BuildInfo.gitCommit(), configJson(),
        in.transform().inputFingerprint(), Digests.sha256(in.transformJson()), in.transform().task(), head.classes(),
        in.transform().featureCount(), head.output(), standardized ? spec.targetCenter() : null, standardized ? spec.targetScale() : null,
        best.numParams(), rows, state.epoch(), resumedFrom, state.bestEpoch(), state.stoppedEarly(), head.mainMetric(),
        bestValidation, state.history().get(state.history().size() - 1).validation(), BuildInfo.versions(),
        spark.sparkContext().master(), executors, workers, approach, round(seconds(startNanos)), round(trainingSeconds),
        round(trainRows * (double) state.history().size() / Math.max(fitSeconds, 1e-9)), round(executorSeconds), round(conversionSeconds),
        started.toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
        cfg.privacy().hashColumns().isEmpty() ? null : io.dlpipe.etl.Privacy.saltCheck(cfg.privacy().salt()), spec, averaged, targetChoice);
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
        r.epoch(), train.epochs(), fmt(r.trainLoss()), fmt(r.valLoss()), r.metricName().key(), fmt(r.metric()),
        state.bestEpoch() == r.epoch() ? " (best)" : " (best: epoch " + state.bestEpoch() + ")", r.learningRate(), r.samplesPerS(),
        r.seconds(), conversion, state.stoppedEarly() ? "0 s (early stopping: no improvement for " + state.epochsWithoutImprovement() + " epochs)"
            : StageTimer.duration(left * meanEpochSeconds)));
  }

  /** training-history.csv: one row per epoch. */
  static String historyCsv(TrainState state) {
    StringBuilder csv = new StringBuilder();
    String metric = state.history().isEmpty() ? "metric" : state.history().get(0).metricName().key();
    csv.append("epoch,train_loss,val_loss,val_").append(metric).append(",samples_per_s,seconds\n");
    for (EpochRecord r : state.history()) {
      csv.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g,%.1f,%.3f%n", r.epoch(), r.trainLoss(), r.valLoss(), r.metric(), r.samplesPerS(), r.seconds()));
    }
    return csv.toString();
  }

  /**
   * What a checkpoint must match to be resumed: the rendered {@code train.model} and {@code
   * train.updater} sections (every key in them, present and future, without a list to forget one),
   * the class-weight and target-transform settings, the head they resolved to, and the exact
   * transform. Speed settings (batch size, averaging, workers) may change between legs.
   */
  static String fingerprint(DlpipeConfig cfg, OutputHead head, PreparedInput in) {
    ConfigRenderOptions concise = ConfigRenderOptions.concise();
    com.typesafe.config.Config c = cfg.resolved();
    HeadSpec h = head.spec();
    // The threshold is chosen after training: it is no part of what was trained.
    HeadSpec trained = new HeadSpec(h.kind(), h.output(), h.classes(), h.targetTransform(), h.targetCenter(), h.targetScale(), null, null, h.classWeights());
    String canonical = String.join("\n",
        "train.model=" + c.getValue("train.model").render(concise),
        "train.updater=" + c.getValue("train.updater").render(concise),
        "train.class-weights=" + c.getValue("train.class-weights").render(concise),
        "train.class-weight-cap=" + c.getValue("train.class-weight-cap").render(concise),
        "train.target-transform=" + c.getValue("train.target-transform").render(concise),
        "head=" + Json.write(trained),
        "transform=" + Digests.sha256(in.transformJson()));
    return Digests.sha256(canonical);
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
