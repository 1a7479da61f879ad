package io.dlpipe.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EnumNames;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.HeadStats;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.io.ModelStore;
import io.dlpipe.net.Network;
import io.dlpipe.net.SparkNetwork;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.workspace.ModelLayout;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.StagedOutput;
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
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage: {@code prepared/} to {@code model/}, data-parallel with DL4J's {@code
 * SparkNetwork} and {@code ParameterAveragingTrainingMaster}.
 *
 * <p>It reads as its four phases: {@code plan} (the target choice, tuning and the {@link
 * TrainPlan}, once), {@code fit} (the epochs left, in the one {@link TrainingLoop}), {@code select}
 * (the best or averaged epochs, the decision threshold) and {@code publish} (the bundle and
 * model.json).
 *
 * <p>Each epoch fits the whole train split, evaluates on validation on the executors, and writes a
 * checkpoint (network with updater state, plus the early-stopping state and history), so a driver
 * killed mid-training loses at most the epoch it was in; the next run resumes from the newest
 * checkpoint unless told {@code --fresh}. The bundle ({@code model.zip} of the best epoch, {@code
 * model.json}, the history, the transform) is written at the end, {@code _SUCCESS} last, into a
 * staging folder that then replaces {@code model/} in one rename ({@link StagedOutput}): until then
 * the previous model stays in place and usable. Checkpoints live in {@code
 * <output.dir>/checkpoints/}, outside the bundle, so they survive that replacement.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  /** DL4J's system property naming the clock its training statistics use. */
  static final String STATS_CLOCK = "org.deeplearning4j.spark.time.TimeSource";

  private final SparkSession spark;

  /**
   * The job's config as written; what the target choice and tuning made of it is {@link
   * Planned#cfg}.
   */
  private final DlpipeConfig cfg;

  private final Configuration hadoop;
  private final HadoopFiles files;
  private final ModelLayout layout;
  private StagedOutput staged;
  private TrainPlan plan;
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
      throw staged == null
          ? StagedOutput.noSpace(e, layout.root(), layout.root())
          : staged.failed(e);
    }
  }

  /**
   * What planning decided, before any epoch.
   *
   * @param cfg the job's config with the target choice and the best trial's values applied
   * @param targetChoice how train.target-transform = auto chose, or null
   * @param head the output head of those settings
   * @param fingerprint what a checkpoint must match to be resumed
   * @param plan the training settings resolved for this data
   * @param data model.json's record of the prepared input
   */
  private record Planned(
      DlpipeConfig cfg,
      TargetChoice targetChoice,
      OutputHead head,
      String fingerprint,
      TrainPlan plan,
      ModelProvenance.Data data) {}

  /** Where the epochs start: a fresh network, or the newest checkpoint's. */
  private record Start(Network net, TrainState state, Integer resumedFrom) {}

  /**
   * What fitting left.
   *
   * @param last the network after the last epoch
   * @param state the early-stopping state and history after it
   * @param trainedThisRun whether this run trained an epoch (else {@code last} is the checkpoint's)
   * @param approach the approach the epochs ran with
   */
  private record Fitted(
      Network last,
      TrainState state,
      Integer resumedFrom,
      boolean trainedThisRun,
      TrainConfig.Approach approach) {}

  /**
   * The network kept, its head with the threshold chosen on validation, and that head's validation
   * figures.
   */
  private record Selected(
      Network network,
      List<Integer> averagedEpochs,
      OutputHead head,
      HeadStats validation,
      ModelProvenance.StartCheck startCheck) {}

  /** The selection after the comparison with the linear start, and that comparison (or null). */
  private record AgainstStart(TrainingLoop.Selection selection, ModelProvenance.StartCheck check) {}

  /** Plan, fit, select, publish. */
  private TrainResult execute(boolean fresh) {
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long startNanos = System.nanoTime();
    PreparedInput in = PreparedInput.open(files, cfg);
    Dataset<Row> trainRows = in.read(spark, Columns.TRAIN);
    Dataset<Row> validationRows = in.read(spark, Columns.VALIDATION);
    // Before anything is deleted: model/ and checkpoints/ must be the ones train wrote.
    OutputGuard.requireReplaceable(files, layout.root(), OutputKind.MODEL, "the model folder");
    Checkpoints checkpoints = new Checkpoints(hadoop, layout.checkpoints());
    if (fresh) {
      LOG.info(
          "--fresh: removing {} and starting over; {} stays until the new model replaces it",
          checkpoints.dir(),
          layout.root());
      checkpoints.clear();
    }
    Optional<Checkpoints.Checkpoint> last = checkpoints.latest();

    Planned planned = plan(in, trainRows, validationRows, checkpoints, last.isPresent());
    Start start = start(planned, in.transform().featureCount(), trainRows, checkpoints, last);
    staged = StagedOutput.begin(files, layout.root(), OutputKind.MODEL, "the model folder");
    ModelLayout out = layout.at(staged.path());
    TrainState from = start.state();
    int remaining = from.stoppedEarly() ? 0 : Math.max(0, planned.plan().epochs() - from.epoch());
    if (start.resumedFrom() != null && remaining == 0) {
      LOG.info(
          "Training was already complete at epoch {} ({}); rewriting the model bundle",
          from.epoch(),
          from.stoppedEarly() ? "stopped early" : "train.epochs = " + planned.plan().epochs());
    }
    StageTimer timer = new StageTimer(spark, "train", remaining + 1);
    Fitted fitted = fit(planned, start, in, trainRows, validationRows, checkpoints, out, timer);
    Selected selected = select(planned, fitted, in, validationRows, checkpoints);
    try (StageTimer.Stage s = timer.start("bundle", "write the model bundle")) {
      return publish(planned, fitted, selected, in, out, started, startNanos);
    }
  }

  /**
   * The target choice, tuning and the resolved plan: everything decided before the first epoch,
   * once. On resume, the choices the checkpoints were trained with.
   */
  private Planned plan(
      PreparedInput in,
      Dataset<Row> trainRows,
      Dataset<Row> validationRows,
      Checkpoints checkpoints,
      boolean resuming) {
    DlpipeConfig effective = cfg;
    TargetChoice targetChoice = chooseTarget(in, trainRows, validationRows, checkpoints, resuming);
    if (targetChoice != null) {
      // The config then names the choice, so that tuning, the head and the fingerprint all see it.
      effective =
          ConfigLoader.withValues(effective, OutputHeads.targetSettings(targetChoice.chosen()));
    }
    effective = tune(effective, in, trainRows, validationRows, checkpoints, resuming);
    OutputHead head =
        OutputHeads.forTraining(
            in.transform(), effective.train(), trainRows, in.layout().transform());
    plan =
        TrainPlan.resolve(
            effective.train(), spark.sparkContext().defaultParallelism(), in.rows(Columns.TRAIN));
    plan.log();
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String split : List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST)) {
      rows.put(split, in.rows(split));
    }
    ModelProvenance.Data data =
        new ModelProvenance.Data(
            in.transform().inputFingerprint(),
            Digests.sha256(in.transformJson()),
            in.transform().task(),
            head.classes(),
            in.transform().featureCount(),
            rows,
            effective.privacy().hashColumns().isEmpty()
                ? null
                : io.dlpipe.etl.Privacy.saltCheck(effective.privacy().salt()));
    return new Planned(effective, targetChoice, head, fingerprint(effective, head, in), plan, data);
  }

  /**
   * With {@code tune.trials > 0}, {@code base} with the best trial's values: searched now and kept
   * beside the checkpoints, or, when resuming, the values the checkpoints were trained with.
   */
  private DlpipeConfig tune(
      DlpipeConfig base,
      PreparedInput in,
      Dataset<Row> trainRows,
      Dataset<Row> validationRows,
      Checkpoints checkpoints,
      boolean resuming) {
    if (base.tune().trials() <= 0) {
      return base;
    }
    Map<String, Object> tuned;
    if (resuming) {
      tuned =
          files.exists(layout.tuningBest())
              ? readTuned(files.readText(layout.tuningBest()))
              : Map.of();
    } else {
      List<Tuner.Trial> trials = Tuner.run(base, in, trainRows, validationRows);
      Tuner.Trial best = Tuner.best(trials);
      if (best == null) {
        throw new DataException(
            "No tuning trial finished an epoch with a finite validation loss; narrow tune.space (lower learning rates) and retry");
      }
      tuned = best.values();
      LOG.info(
          "tune: best trial {} of {}: {} (validation main metric {})",
          best.number(),
          trials.size(),
          tuned,
          fmt(best.main()));
      String metric = OutputHeads.mainMetric(in.transform()).key();
      checkpoints.mark();
      files.writeText(layout.tuningTrials(), Tuner.csv(base.tune(), trials, metric));
      files.writeText(layout.tuningBest(), Json.write(tuned));
    }
    return ConfigLoader.withValues(base, tuned);
  }

  /** A fresh network, or the newest checkpoint's when it was trained for this plan. */
  private Start start(
      Planned p,
      int featureCount,
      Dataset<Row> trainRows,
      Checkpoints checkpoints,
      Optional<Checkpoints.Checkpoint> last) {
    if (last.isEmpty()) {
      TrainConfig train = p.plan().train();
      Network net = Network.create(train, featureCount, p.head());
      if (LinearStart.start(net, train, p.head(), trainRows)) {
        checkpoints.writeStart(net);
      } else {
        checkpoints.clearStart();
      }
      return new Start(net, TrainState.initial(p.fingerprint()), null);
    }
    Checkpoints.Checkpoint c = last.get();
    if (!c.state().fingerprint().equals(p.fingerprint())) {
      throw new DataException(
          "The checkpoints in "
              + checkpoints.dir()
              + " were trained for another network or other prepared data "
              + "(train.model, train.updater, train.class-weights, train.target-transform or transform.json changed since); run train with --fresh to start over, "
              + "or restore the settings they were made with");
    }
    Network net = checkpoints.network(c.epoch(), true);
    LOG.info(
        "resumed from epoch {} ({}); best so far: epoch {}, val_loss {}",
        c.epoch(),
        c.path(),
        c.state().bestEpoch(),
        fmt(c.state().bestScore()));
    return new Start(net, c.state(), c.epoch());
  }

  /**
   * The epochs left, on the cluster, in the one training loop: each fits the train split, is scored
   * on validation, checkpointed and logged.
   */
  private Fitted fit(
      Planned p,
      Start start,
      PreparedInput in,
      Dataset<Row> trainRows,
      Dataset<Row> validationRows,
      Checkpoints checkpoints,
      ModelLayout out,
      StageTimer timer) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainConfig train = p.plan().train();
    TrainConfig.Master m = train.master();
    OutputHead head = p.head();
    Network net = start.net();
    int featureCount = in.transform().featureCount();
    long trained = in.rows(Columns.TRAIN);
    LOG.info(
        "Network: {} inputs -> hidden {} -> {} ({}), {} parameters; train {} rows, validation {} rows",
        featureCount,
        train.model().hiddenLayers(),
        head.width(),
        EnumNames.kebab(head.output()),
        net.numParams(),
        trained,
        in.rows(Columns.VALIDATION));
    if (m.collectStats() && System.getProperty(STATS_CLOCK) == null) {
      // DL4J's stats default to asking pool.ntp.org for the time, and fail training where it cannot
      // be reached.
      System.setProperty(STATS_CLOCK, "org.deeplearning4j.spark.time.SystemClockTimeSource");
    }
    int workers = m.workers();
    String exportDir = m.exportDir().isEmpty() ? out.export() : m.exportDir();
    TrainConfig.Approach approach = TrainingMasters.usableApproach(jsc, m.approach(), exportDir);
    TrainingMasters.checkGradientSharing(jsc, m);
    TrainingMaster<?, ?> master = TrainingMasters.create(train, workers, approach, exportDir);
    SparkNetwork sparkNet = net.distributed(jsc, master);
    Dataset<Row> toTrain = TrainingMasters.onePartitionPerWorker(trainRows, workers, approach);
    ClusterEpoch epoch =
        new ClusterEpoch(
            net,
            sparkNet,
            p.plan(),
            approach,
            exportDir,
            toTrain,
            validationRows,
            head,
            featureCount,
            trained,
            timer,
            rounds);
    TrainingLoop.Hook hook =
        (record, state) -> {
          checkpoints.write(
              net,
              epoch.runner().momentum(),
              state,
              train.averageEpochs(),
              train.earlyStopping().metric());
          files.writeText(out.history(), historyCsv(state));
          double meanSeconds =
              state.history().stream()
                  .filter(r -> r.epoch() > start.state().epoch())
                  .mapToDouble(EpochRecord::seconds)
                  .average()
                  .orElse(0);
          logEpoch(record, state, train, meanSeconds, epoch.convertedRows());
        };
    TrainState state;
    try {
      restoreMomentum(start.resumedFrom(), m, checkpoints, epoch.runner());
      LOG.info(
          "Training master: {}, {} workers, {} rows per worker minibatch, averaging every {} minibatches, "
              + "prefetch {}, approach {}{}, repartition {} ({}), storage level {}, threads per worker {}",
          EnumNames.kebab(m.type()),
          workers,
          m.batchSizePerWorker(),
          m.averagingFrequency(),
          m.workerPrefetchBatches(),
          EnumNames.kebab(approach),
          approach == TrainConfig.Approach.EXPORT ? " to " + exportDir : "",
          EnumNames.kebab(m.repartition()),
          EnumNames.kebab(m.repartitionStrategy()),
          EnumNames.kebab(m.storageLevel()),
          m.threadsPerWorker() == 0 ? "nd4j-default" : m.threadsPerWorker());
      state =
          TrainingLoop.of(train, TrainingLoop.OnDivergence.FAIL).run(start.state(), epoch, hook);
    } finally {
      master.deleteTempFiles(jsc);
      if (m.exportDir().isEmpty()) {
        files.deleteRecursively(out.export());
      }
      epoch.close();
    }
    if (state.epoch() == 0) {
      throw new IllegalStateException("no epoch was trained"); // train.epochs >= 1 is validated
    }
    if (m.collectStats()) {
      writeStats(sparkNet, jsc, out);
    }
    return new Fitted(
        net, state, start.resumedFrom(), state.epoch() > start.state().epoch(), approach);
  }

  /** Block momentum carries on with the buffer of the checkpoint it resumes from. */
  private void restoreMomentum(
      Integer resumedFrom, TrainConfig.Master m, Checkpoints checkpoints, EpochRunner runner) {
    if (resumedFrom != null
        && m.type() == TrainConfig.MasterType.PARAMETER_AVERAGING
        && m.averaging().method() == TrainConfig.AveragingMethod.BLOCK_MOMENTUM) {
      Optional<org.nd4j.linalg.api.ndarray.INDArray> buffer = checkpoints.momentum(resumedFrom);
      LOG.info(
          buffer.isPresent()
              ? "Block momentum: the momentum buffer of epoch {} restored"
              : "Block momentum: checkpoint {} has no momentum buffer (trained with simple averaging); starting it at zero",
          resumedFrom);
      buffer.ifPresent(runner::restoreMomentum);
      restoredMomentum = buffer.orElse(null);
    }
  }

  /**
   * The trained network, unless it does not beat its linear start on validation by more than {@code
   * train.model.linear-start-margin} standard errors of the paired per-row loss difference: then
   * the start. The best of many epochs on a small validation split beats the start by chance alone,
   * and the start is the linear model the ladder would have given.
   */
  private AgainstStart againstStart(
      TrainConfig train,
      TrainingLoop.Selection kept,
      Checkpoints checkpoints,
      Dataset<Row> validationRows,
      OutputHead head,
      int featureCount) {
    double margin = train.model().linearStartMargin();
    if (margin == 0) {
      return new AgainstStart(kept, null);
    }
    Optional<Network> start = checkpoints.start();
    if (start.isEmpty()) {
      return new AgainstStart(kept, null);
    }
    Evaluator.Paired d =
        Evaluator.paired(
            validationRows, start.get(), kept.network(), head, featureCount, train.evalBatchSize());
    boolean trained = d.meanDifference() < -margin * d.standardError();
    LOG.info(
        String.format(
            Locale.ROOT,
            "Against the linear start on %,d validation rows: loss %.4f trained, %.4f at the start, difference %+.4f (standard error %.4f); keeping %s (train.model.linear-start-margin = %s)",
            d.rows(),
            d.lossB(),
            d.lossA(),
            d.meanDifference(),
            d.standardError(),
            trained
                ? "the trained network"
                : "the linear start: training did not beat it by more than "
                    + fmtMargin(margin)
                    + " standard error"
                    + (margin == 1 ? "" : "s"),
            fmtMargin(margin)));
    ModelProvenance.StartCheck check =
        new ModelProvenance.StartCheck(
            trained ? "trained" : "start",
            d.rows(),
            d.lossA(),
            d.lossB(),
            d.meanDifference(),
            d.standardError(),
            margin);
    return new AgainstStart(trained ? kept : new TrainingLoop.Selection(start.get(), null), check);
  }

  private static String fmtMargin(double margin) {
    return margin == Math.rint(margin) ? String.valueOf((long) margin) : String.valueOf(margin);
  }

  /**
   * The network to keep (the best epoch's, or the average of the best few: {@link
   * TrainingLoop#select}), calibrated, with the decision threshold chosen on validation.
   */
  private Selected select(
      Planned p, Fitted f, PreparedInput in, Dataset<Row> validationRows, Checkpoints checkpoints) {
    TrainConfig train = p.plan().train();
    int featureCount = in.transform().featureCount();
    int evalBatch = train.evalBatchSize();
    TrainingLoop.Selection kept =
        TrainingLoop.of(train, TrainingLoop.OnDivergence.FAIL)
            .select(
                checkpoints,
                f.state(),
                f.last(),
                f.trainedThisRun(),
                train.averageEpochs(),
                p.head().mainMetric(),
                net -> Evaluator.evaluate(validationRows, net, p.head(), featureCount, evalBatch));
    AgainstStart checked =
        againstStart(train, kept, checkpoints, validationRows, p.head(), featureCount);
    kept = checked.selection();
    Network network = kept.network();
    Evaluator.Calibrated calibrated =
        Evaluator.calibrated(
            p.head(), h -> Evaluator.stats(validationRows, network, h, featureCount, evalBatch));
    HeadStats validation = calibrated.stats();
    if (calibrated.note() != null) {
      LOG.info("{}", calibrated.note());
    }
    OutputHead head =
        calibrated
            .head()
            .chooseThreshold(
                validation, p.cfg().evaluate().threshold(), p.cfg().evaluate().costs());
    if (head.spec().threshold() != null) {
      LOG.info(
          "Decision threshold {} ({}) on {} validation rows",
          fmt(head.spec().threshold()),
          EnumNames.kebab(head.spec().thresholdRule()),
          validation.rows());
    }
    return new Selected(kept.network(), kept.averagedEpochs(), head, validation, checked.check());
  }

  /** The bundle into the staging folder, {@code _SUCCESS} last, then in place of {@code model/}. */
  private TrainResult publish(
      Planned p,
      Fitted f,
      Selected s,
      PreparedInput in,
      ModelLayout out,
      Instant started,
      long startNanos) {
    ModelStore.write(hadoop, out.model(), s.network().bytes(true));
    // The id is the digest of the bytes as they lie on disk, so anyone can recompute it.
    String modelId = Digests.sha256(ModelStore.readBytes(hadoop, out.model()));
    files.writeText(out.transform(), in.transformJson());
    files.writeText(out.history(), historyCsv(f.state()));
    if (files.exists(layout.tuningTrials())) {
      files.writeText(out.tuning(), files.readText(layout.tuningTrials()));
    }
    TrainState state = f.state();
    ModelProvenance.Build build =
        new ModelProvenance.Build(
            modelId,
            BuildInfo.dlpipeVersion(),
            BuildInfo.gitCommit(),
            configJson(p.cfg()),
            BuildInfo.versions());
    ModelProvenance.Decoding decoding =
        ModelProvenance.Decoding.of(s.head().spec(), s.head().mainMetric(), p.targetChoice());
    int executors = Math.max(1, spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
    ModelProvenance.Training training =
        new ModelProvenance.Training(
            s.network().numParams(),
            state.epoch(),
            f.resumedFrom(),
            state.bestEpoch(),
            state.stoppedEarly(),
            s.head().summary(s.validation()),
            state.history().get(state.history().size() - 1).validation(),
            s.averagedEpochs(),
            spark.sparkContext().master(),
            executors,
            p.plan().workers(),
            f.approach(),
            p.plan().recorded(f.approach(), s.head().spec()),
            s.startCheck());
    ModelProvenance provenance =
        new ModelProvenance(
            ModelProvenance.FORMAT_VERSION,
            build,
            p.data(),
            decoding,
            training,
            timing(state, in.rows(Columns.TRAIN), started, startNanos));
    files.writeText(out.provenance(), Json.write(provenance));
    files.writeText(out.success(), "");
    staged.commit();
    EpochRecord b = state.best();
    LOG.info(
        "Train done: best epoch {} of {} ({}), validation {} {}, val_loss {} -> {}",
        state.bestEpoch(),
        state.epoch(),
        state.stoppedEarly() ? "stopped early" : "all epochs run",
        b.metricName().key(),
        fmt(b.metric()),
        fmt(b.valLoss()),
        layout.root());
    return new TrainResult(provenance, s.network(), s.head(), state);
  }

  /**
   * The training settings with their automatic values resolved for this run; null before it
   * resolved them.
   */
  public TrainConfig resolved() {
    return plan == null ? null : plan.train();
  }

  /** The plan this run resolved; null before it did. */
  public TrainPlan plan() {
    return plan;
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
  private TargetChoice chooseTarget(
      PreparedInput in,
      Dataset<Row> trainRows,
      Dataset<Row> validationRows,
      Checkpoints checkpoints,
      boolean resuming) {
    StringBuilder seen = new StringBuilder();
    Map<String, OutputHead> candidates =
        OutputHeads.targetCandidates(
            in.transform(), cfg.train(), trainRows, in.layout().transform(), seen);
    if (candidates.size() < 2) {
      if (!candidates.isEmpty()) {
        LOG.info(
            "train.target-transform = auto: standardize ({}; no other candidate to try)", seen);
      }
      return null;
    }
    TargetChoice choice;
    if (resuming && files.exists(layout.targetChoice())) {
      try {
        choice = Json.MAPPER.readValue(files.readText(layout.targetChoice()), TargetChoice.class);
      } catch (IOException e) {
        throw new DataException(
            layout.targetChoice()
                + " is not readable: "
                + e.getMessage()
                + "; run train with --fresh",
            e);
      }
      LOG.info(
          "train.target-transform = auto: {}, as chosen before the checkpoints this run resumes from (validation R² {})",
          choice.chosen(),
          choice.validationR2());
    } else {
      choice =
          TargetTrial.choose(
              cfg.train(), in, trainRows, validationRows, candidates, seen.toString());
      checkpoints.mark();
      files.writeText(layout.targetChoice(), Json.write(choice));
    }
    return choice;
  }

  private static Map<String, Object> readTuned(String json) {
    try {
      Map<String, Object> values = new LinkedHashMap<>();
      Json.MAPPER
          .readTree(json)
          .fields()
          .forEachRemaining(
              e -> values.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class)));
      return values;
    } catch (IOException e) {
      throw new DataException(
          "tuning-best.json is not readable: " + e.getMessage() + "; run train with --fresh", e);
    }
  }

  /** The train split as minibatches, converted partition by partition as DL4J pulls them. */
  static JavaRDD<DataSet> minibatches(
      Dataset<Row> rows,
      int featureCount,
      int batchSize,
      OutputHead codec,
      LongAccumulator nanos,
      LongAccumulator count) {
    FlatMapFunction<java.util.Iterator<InternalRow>, DataSet> toBatches =
        it -> new MinibatchIterator(it, featureCount, batchSize, codec, nanos, count);
    return rows.queryExecution().toRdd().toJavaRDD().mapPartitions(toBatches);
  }

  private void writeStats(SparkNetwork sparkNet, JavaSparkContext jsc, ModelLayout layout) {
    SparkTrainingStats stats = sparkNet.trainingStats();
    if (stats == null) {
      LOG.warn(
          "train.collect-stats = true, but DL4J collected no statistics in this run (no epoch was trained); {} not written",
          layout.statsHtml());
      return;
    }
    try {
      StatsUtils.exportStatsAsHtml(stats, layout.statsHtml(), jsc);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot write DL4J's training statistics to " + layout.statsHtml(), e);
    }
  }

  /**
   * How long the run and its epochs took; the epochs' figures cover the whole history, resumed legs
   * included.
   */
  private static ModelProvenance.Timing timing(
      TrainState state, long trainRows, Instant started, long startNanos) {
    double trainingSeconds = 0;
    double fitSeconds = 0;
    double executorSeconds = 0;
    double conversionSeconds = 0;
    for (EpochRecord r : state.history()) {
      trainingSeconds += r.seconds();
      fitSeconds += trainRows / r.samplesPerS();
      executorSeconds += r.executorSeconds();
      conversionSeconds += r.conversionSeconds();
    }
    return new ModelProvenance.Timing(
        round(seconds(startNanos)),
        round(trainingSeconds),
        round(trainRows * (double) state.history().size() / Math.max(fitSeconds, 1e-9)),
        round(executorSeconds),
        round(conversionSeconds),
        started.toString(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  private static JsonNode configJson(DlpipeConfig cfg) {
    String json =
        ConfigFactory.parseString(cfg.renderMasked()).root().render(ConfigRenderOptions.concise());
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("the resolved configuration does not render as JSON", e);
    }
  }

  private static void logEpoch(
      EpochRecord r,
      TrainState state,
      TrainConfig train,
      double meanEpochSeconds,
      long convertedRows) {
    int left = state.stoppedEarly() ? 0 : train.epochs() - r.epoch();
    String conversion =
        convertedRows == 0
            ? "minibatches reused"
            : String.format(
                Locale.ROOT,
                "conversion %.2f s of %.1f executor-s (%.1f%%)",
                r.conversionSeconds(),
                r.executorSeconds(),
                100 * r.conversionSeconds() / Math.max(r.executorSeconds(), 1e-9));
    LOG.info(
        String.format(
            Locale.ROOT,
            "epoch %d/%d: train_loss %s, val_loss %s, val %s %s%s | lr %s, %,.0f samples/s, %.1f s, %s | ETA %s",
            r.epoch(),
            train.epochs(),
            fmt(r.trainLoss()),
            fmt(r.valLoss()),
            r.metricName().key(),
            fmt(r.metric()),
            state.bestEpoch() == r.epoch() ? " (best)" : " (best: epoch " + state.bestEpoch() + ")",
            r.learningRate(),
            r.samplesPerS(),
            r.seconds(),
            conversion,
            state.stoppedEarly()
                ? "0 s (early stopping: no improvement for "
                    + state.epochsWithoutImprovement()
                    + " epochs)"
                : StageTimer.duration(left * meanEpochSeconds)));
  }

  /** training-history.csv: one row per epoch. */
  static String historyCsv(TrainState state) {
    StringBuilder csv = new StringBuilder();
    String metric =
        state.history().isEmpty() ? "metric" : state.history().get(0).metricName().key();
    csv.append("epoch,train_loss,val_loss,val_").append(metric).append(",samples_per_s,seconds\n");
    for (EpochRecord r : state.history()) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%d,%.6g,%.6g,%.6g,%.1f,%.3f%n",
              r.epoch(),
              r.trainLoss(),
              r.valLoss(),
              r.metric(),
              r.samplesPerS(),
              r.seconds()));
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
    // The threshold is chosen after training: it is no part of what was trained.
    HeadSpec trained = head.spec().trained();
    String canonical =
        String.join(
            "\n",
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
