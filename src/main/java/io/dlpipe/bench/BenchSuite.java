package io.dlpipe.bench;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.EtlResult;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.train.EpochRecord;
import io.dlpipe.train.PreparedInput;
import io.dlpipe.train.TrainJob;
import io.dlpipe.train.TrainPlan;
import io.dlpipe.train.TrainResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the quick or full suite on one SparkSession and returns {@code results.json}'s content. Each
 * comparison runs back to back on the same data in this JVM; ETL jobs alternate within each repeat
 * (dlpipe, floor, MLlib), so a burst of load on the shared machine hits all three alike.
 *
 * <p>The training side uses one Ames-shaped dataset of {@link SuitePlan#trainRows()} rows (the ETL
 * case of that size when there is one), whatever the ETL sizes are: an epoch of the default trainer
 * at 10M rows would take hours on two cores, and rates do not need it.
 */
public final class BenchSuite {
  private static final Logger LOG = LoggerFactory.getLogger(BenchSuite.class);
  static final List<Integer> LARGE_MLP = List.of(512, 512);

  private final SparkSession spark;
  private final String work;
  private final List<String> extraSettings;

  /**
   * Stop after the ETL cases (jobs/bench --etl-only): ETL work measured without the training side.
   */
  private boolean etlOnly;

  /**
   * @param work the folder of datasets and outputs (kept between runs: generation is skipped when
   *     present)
   * @param extraSettings dlpipe {@code --set} values applied to every dlpipe job (to benchmark a
   *     setting)
   */
  public BenchSuite(SparkSession spark, String work, List<String> extraSettings) {
    this.spark = spark;
    this.work = work;
    this.extraSettings = List.copyOf(extraSettings);
  }

  /** Runs the ETL cases only (the training side's sections stay null). */
  public BenchSuite etlOnly(boolean only) {
    this.etlOnly = only;
    return this;
  }

  /** Runs the suite; see {@link #run(String, SuitePlan, Consumer)}. */
  public BenchResults run(String suite, SuitePlan plan) {
    return run(suite, plan, partial -> {});
  }

  /**
   * Runs the suite, handing {@code checkpoint} the results so far after each ETL case and each
   * training-side section (with {@code finished} null and the sections not yet run null), so that a
   * suite cut short still leaves what it measured.
   */
  public BenchResults run(String suite, SuitePlan plan, Consumer<BenchResults> checkpoint) {
    String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Machine machine = Machine.current(spark.sparkContext().master());
    LOG.info("bench {}: {} on {}", suite, plan, machine);

    List<BenchResults.EtlCase> etl = new ArrayList<>();
    BenchWorkspace trainData = null;
    for (SuitePlan.EtlSpec spec : plan.etlCases()) {
      BenchWorkspace ws =
          BenchWorkspace.under(work, spec.shape(), spec.rows(), plan.wideColumns(), extraSettings);
      etl.add(etlCase(ws, plan));
      checkpoint.accept(results(suite, started, null, machine, plan, etl, null, null, null, null));
      if (spec.shape() == BenchShape.AMES && spec.rows() == plan.trainRows()) {
        trainData = ws; // its prepared/ is the last dlpipe run's
      }
    }
    if (etlOnly) {
      return results(
          suite,
          started,
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
          machine,
          plan,
          etl,
          null,
          null,
          null,
          null);
    }
    if (trainData == null) {
      trainData =
          BenchWorkspace.under(
              work, BenchShape.AMES, plan.trainRows(), plan.wideColumns(), extraSettings);
      trainData.generate(spark, plan.files());
      new EtlJob(spark, trainData.config()).run();
    }

    DlpipeConfig cfg =
        trainData.config("train.epochs=" + plan.epochs(), "train.early-stopping.patience=0");
    PreparedInput in =
        PreparedInput.open(new HadoopFiles(spark.sparkContext().hadoopConfiguration()), cfg);
    int features = in.transform().featureCount();
    long trainRows = in.rows(Columns.TRAIN);
    // The trainer's own minibatch size (train.batch-size-per-worker = 0 is resolved from the
    // split's size).
    int batch =
        TrainPlan.resolve(cfg.train(), spark.sparkContext().defaultParallelism(), trainRows)
            .train()
            .master()
            .batchSizePerWorker();
    OutputHead head =
        OutputHeads.forTraining(
            in.transform(), cfg.train(), in.read(spark, Columns.TRAIN), in.layout().transform());

    LOG.info("bench: feed vs scan on {} train rows", trainRows);
    FeedScanBench.Result fs =
        FeedScanBench.run(
            spark, in.read(spark, Columns.TRAIN), trainRows, features, batch, head, plan.repeats());
    BenchResults.FeedCase feed =
        new BenchResults.FeedCase(
            BenchShape.AMES.kebab(),
            trainRows,
            features,
            batch,
            fs.scan(),
            fs.feed(),
            fs.feed().perSecond() / fs.scan().perSecond());
    checkpoint.accept(results(suite, started, null, machine, plan, etl, feed, null, null, null));

    LOG.info("bench: GBT reference");
    GbtReference.Result gbt =
        GbtReference.run(
            in.read(spark, Columns.TRAIN), in.read(spark, Columns.VALIDATION), true, 42);

    LOG.info("bench: Spark trainer, default network, {} epochs", plan.epochs());
    TrainResult sparkDefault = new TrainJob(spark, cfg).run(true);
    BenchResults.TrainerRun sparkRun = trainerRun(trainRows, sparkDefault);
    LOG.info("bench: single-JVM DL4J, default network, {} epochs", plan.singleJvmEpochs());
    SingleJvmDl4jReference.Result single =
        SingleJvmDl4jReference.run(
            in.read(spark, Columns.TRAIN),
            trainRows,
            features,
            TrainPlan.resolve(cfg.train(), spark.sparkContext().defaultParallelism(), trainRows)
                .train(),
            head,
            plan.singleJvmEpochs());
    BenchResults.TrainCase train =
        new BenchResults.TrainCase(
            BenchShape.AMES.kebab(),
            features,
            cfg.train().model().hiddenLayers(),
            batch,
            sparkRun,
            run(single),
            sparkRun.samplesPerS() / single.samplesPerS());
    BenchResults.QualityCase quality = quality(gbt, sparkDefault);
    checkpoint.accept(
        results(suite, started, null, machine, plan, etl, feed, train, null, quality));

    BenchResults.ComputeCase compute = compute(trainData, in, plan, trainRows);
    return results(
        suite,
        started,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        machine,
        plan,
        etl,
        feed,
        train,
        compute,
        quality);
  }

  /** The results of the sections given; a null section's ratios are null. */
  static BenchResults results(
      String suite,
      String started,
      String finished,
      Machine machine,
      SuitePlan plan,
      List<BenchResults.EtlCase> etl,
      BenchResults.FeedCase feed,
      BenchResults.TrainCase train,
      BenchResults.ComputeCase compute,
      BenchResults.QualityCase quality) {
    Map<String, Double> ratios = new LinkedHashMap<>();
    Map<String, String> from = new LinkedHashMap<>();
    BenchResults.EtlCase headline = headline(etl);
    String etlFrom =
        headline == null ? "no etl case" : headline.shape() + " " + headline.rows() + " rows";
    ratios.put("etl_vs_floor", headline == null ? null : headline.etlVsFloor());
    from.put("etl_vs_floor", etlFrom);
    ratios.put("etl_vs_mllib", headline == null ? null : headline.etlVsMllib());
    from.put("etl_vs_mllib", etlFrom);
    ratios.put("feed_vs_scan", feed == null ? null : feed.feedVsScan());
    from.put("feed_vs_scan", "feed");
    ratios.put("train_vs_single_jvm", train == null ? null : train.trainVsSingleJvm());
    from.put("train_vs_single_jvm", "train");
    ratios.put("compute_efficiency", compute == null ? null : compute.computeEfficiency());
    from.put("compute_efficiency", "compute");
    ratios.put("time_to_quality_vs_gbt", quality == null ? null : quality.timeToQualityVsGbt());
    from.put("time_to_quality_vs_gbt", "quality");
    return new BenchResults(
        BenchResults.FORMAT_VERSION,
        suite,
        started,
        finished,
        machine,
        plan,
        ratios,
        new TreeMap<>(BenchResults.TARGETS),
        from,
        List.copyOf(etl),
        feed,
        train,
        compute,
        quality);
  }

  /** The largest Ames case, else the largest case: the one the headline ETL ratios quote. */
  static BenchResults.EtlCase headline(List<BenchResults.EtlCase> etl) {
    BenchResults.EtlCase best = null;
    for (BenchResults.EtlCase c : etl) {
      boolean ames = c.shape().equals(BenchShape.AMES.kebab());
      boolean bestAmes = best != null && best.shape().equals(BenchShape.AMES.kebab());
      if (best == null || (ames && !bestAmes) || (ames == bestAmes && c.rows() > best.rows())) {
        best = c;
      }
    }
    return best;
  }

  private BenchResults.EtlCase etlCase(BenchWorkspace ws, SuitePlan plan) {
    LOG.info("bench: etl case {} {} rows: generating", ws.shape().kebab(), ws.rows());
    ws.generate(spark, plan.files());
    List<Double> floor = new ArrayList<>();
    List<Double> dlpipe = new ArrayList<>();
    List<Double> mllib = new ArrayList<>();
    EtlResult last = null;
    for (int r = 0; r < plan.repeats(); r++) {
      long start = System.nanoTime();
      last = new EtlJob(spark, ws.config()).run();
      dlpipe.add(Timing.since(start));
      floor.add(FloorJob.run(spark, ws.raw(), ws.dir() + "/floor"));
      mllib.add(
          MllibPipelineJob.run(spark, ws.raw(), ws.dir() + "/mllib", last.transform(), ws.shape()));
      LOG.info(
          "bench: etl case {} {} rows, run {}: dlpipe {} s, floor {} s, mllib {} s; dlpipe stages {}",
          ws.shape().kebab(),
          ws.rows(),
          r + 1,
          dlpipe.get(r),
          floor.get(r),
          mllib.get(r),
          last.summary().secondsPerStage());
    }
    long rows = last.summary().rowsRead();
    if (rows != ws.rows()) {
      throw new IllegalStateException(
          "dlpipe read "
              + rows
              + " rows of "
              + ws.raw()
              + ", but "
              + ws.rows()
              + " were generated");
    }
    Timing f = Timing.of(rows, floor);
    Timing d = Timing.of(rows, dlpipe);
    Timing m = Timing.of(rows, mllib);
    return new BenchResults.EtlCase(
        ws.shape().kebab(),
        rows,
        ws.columns(),
        last.transform().featureCount(),
        f,
        d,
        m,
        d.medianSeconds() / f.medianSeconds(),
        d.medianSeconds() / m.medianSeconds());
  }

  private BenchResults.ComputeCase compute(
      BenchWorkspace trainData, PreparedInput in, SuitePlan plan, long trainRows) {
    LOG.info("bench: GEMM rate ({}x{} float32)", plan.gemmSize(), plan.gemmSize());
    GemmRate.Result gemm = GemmRate.measure(plan.gemmSize(), plan.gemmSize() >= 1024 ? 10 : 40, 5);
    String hidden = "train.model.hidden-layers=" + LARGE_MLP;
    DlpipeConfig big =
        trainData.config(
            "train.epochs=" + plan.computeEpochs(), "train.early-stopping.patience=0", hidden);
    LOG.info("bench: Spark trainer, hidden {}, {} epochs", LARGE_MLP, plan.computeEpochs());
    TrainResult sparkBig = new TrainJob(spark, big).run(true);
    BenchResults.TrainerRun sparkRun = trainerRun(trainRows, sparkBig);
    LOG.info("bench: single-JVM DL4J, hidden {}", LARGE_MLP);
    SingleJvmDl4jReference.Result single =
        SingleJvmDl4jReference.run(
            in.read(spark, Columns.TRAIN),
            plan.computeSingleJvmRows(),
            in.transform().featureCount(),
            TrainPlan.resolve(big.train(), spark.sparkContext().defaultParallelism(), trainRows)
                .train(),
            OutputHeads.forTraining(
                in.transform(),
                big.train(),
                in.read(spark, Columns.TRAIN),
                in.layout().transform()),
            plan.computeEpochs());
    long params = sparkRun.params();
    double flopsPerSample = 6.0 * params;
    double gemmFlops = gemm.gflops() * 1e9;
    return new BenchResults.ComputeCase(
        LARGE_MLP,
        params,
        flopsPerSample,
        gemm,
        sparkRun,
        run(single),
        flopsPerSample * sparkRun.samplesPerS() / gemmFlops,
        flopsPerSample * single.samplesPerS() / gemmFlops);
  }

  static BenchResults.QualityCase quality(GbtReference.Result gbt, TrainResult network) {
    List<BenchResults.EpochPoint> points = new ArrayList<>();
    double cumulative = 0;
    Integer reached = null;
    Double reachedSeconds = null;
    for (EpochRecord r : network.history().history()) {
      cumulative += r.seconds();
      points.add(new BenchResults.EpochPoint(r.epoch(), r.seconds(), cumulative, r.metric()));
      if (reached == null && r.metric() >= gbt.metric()) {
        reached = r.epoch();
        reachedSeconds = cumulative;
      }
    }
    Double ratio = reachedSeconds == null ? null : reachedSeconds / gbt.fitSeconds();
    Double atLeast = reachedSeconds == null ? cumulative / gbt.fitSeconds() : null;
    return new BenchResults.QualityCase(
        gbt.metricName(), gbt, points, reached, reachedSeconds, ratio, atLeast);
  }

  static BenchResults.TrainerRun trainerRun(long rows, TrainResult result) {
    List<Double> rates = result.history().history().stream().map(EpochRecord::samplesPerS).toList();
    List<Double> steady = rates.size() > 1 ? rates.subList(1, rates.size()) : rates;
    return new BenchResults.TrainerRun(
        rows, result.network().numParams(), rates, Timing.median(steady));
  }

  private static BenchResults.TrainerRun run(SingleJvmDl4jReference.Result r) {
    return new BenchResults.TrainerRun(r.rows(), r.params(), r.epochSamplesPerS(), r.samplesPerS());
  }

  /** Writes the results as JSON to {@code path} (any Hadoop path). */
  public void write(BenchResults results, String path) {
    new HadoopFiles(spark.sparkContext().hadoopConfiguration())
        .writeText(path, Json.write(results));
  }
}
