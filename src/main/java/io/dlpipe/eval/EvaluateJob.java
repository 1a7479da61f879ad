package io.dlpipe.eval;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EnumNames;
import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.head.MainMetric;
import io.dlpipe.head.OutputHead;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.report.ReportWriter;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.workspace.EvaluationLayout;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.PreparedLayout;
import io.dlpipe.workspace.ScheduleLayout;
import io.dlpipe.workspace.StagedOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate stage: scores {@code prepared/test} with {@code model/}, on Spark, and writes {@code
 * evaluation/}: metrics.json (flat, stable keys {@code model.<metric>} and {@code
 * baseline.<metric>}, plus importance, cv and counts), curves.json (chart data), predictions/
 * (every test row's score), report.html, and _SUCCESS last.
 *
 * <p>All of it is written to a staging folder and renamed into place at the end ({@link
 * StagedOutput}): a failed or killed run leaves the previous evaluation/ as it was.
 */
public final class EvaluateJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);

  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final HadoopFiles files;
  private final EvaluationLayout layout;
  private StagedOutput staged;

  public EvaluateJob(SparkSession spark, DlpipeConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
    this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    this.layout = new EvaluationLayout(cfg.output().dir());
  }

  public EvaluateResult run() {
    OutputGuard.requireReplaceable(
        files, layout.root(), OutputKind.EVALUATION, "the evaluation folder");
    try {
      return execute();
    } catch (Exception e) {
      throw staged == null
          ? StagedOutput.noSpace(e, layout.root(), layout.root())
          : staged.failed(e);
    }
  }

  private EvaluateResult execute() {
    PreparedLayout prepared = new PreparedLayout(cfg.output().preparedDir());
    if (!files.exists(prepared.success())) {
      throw new DataException(
          "No finished etl output in "
              + prepared.root()
              + "; run `dlpipe etl` with this config first");
    }
    ModelBundle bundle = ModelBundle.open(files, spark.sparkContext().hadoopConfiguration(), cfg);
    FittedTransform current =
        FittedTransform.fromJson(files.readText(prepared.transform()), prepared.transform());
    if (!current.equals(bundle.transform())) {
      throw new DataException(
          "The model in "
              + bundle.layout().root()
              + " was trained on other prepared data than "
              + prepared.root()
              + " holds now (etl ran again since); run `dlpipe train` again before evaluating");
    }
    staged =
        StagedOutput.begin(files, layout.root(), OutputKind.EVALUATION, "the evaluation folder");
    EvaluationLayout out = layout.at(staged.path());
    OutputHead head = bundle.head();
    MainMetric main = head.mainMetric();
    StageTimer timer = new StageTimer(spark, "evaluate", 5);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> network = jsc.broadcast(bundle.network());

    Dataset<Row> test = spark.read().parquet(prepared.split(Columns.TEST));
    Map<String, Object> metrics = new LinkedHashMap<>();
    Map<String, Object> curves = new LinkedHashMap<>();
    metrics.put("task", bundle.transform().task());
    metrics.put("main_metric", main);
    metrics.put("model_id", bundle.modelId());
    head.positiveClass().ifPresent(c -> metrics.put("positive_class", c));
    long testRows;
    Metrics.Result model;
    try (StageTimer.Stage s = timer.start("score", "score the test split")) {
      List<String> keep =
          head.hasProbabilities()
              ? List.of(Columns.LABEL, Scoring.PREDICTION, Scoring.PROBABILITIES)
              : List.of(Columns.LABEL, Scoring.PREDICTION);
      Dataset<Row> scored =
          Scoring.score(test, network, head, cfg.evaluate().batchSize())
              .selectExpr(keep.toArray(new String[0]))
              .persist(StorageLevel.MEMORY_AND_DISK());
      scored.write().mode(SaveMode.Overwrite).parquet(out.predictions());
      testRows = scored.count();
      if (testRows == 0) {
        throw new DataException(
            "The test split in "
                + prepared.root()
                + " is empty; set etl.split.test > 0 and rerun etl");
      }
      model = Metrics.of(scored, head);
      scored.unpersist();
      s.rows(testRows);
    }
    model.values().forEach((k, v) -> metrics.put("model." + k, v));
    metrics.put("model.training_seconds", bundle.provenance().timing().trainingSeconds());
    curves.putAll(model.curves());

    List<Verdict.Rung> ladder = new ArrayList<>();
    try (StageTimer.Stage s =
        timer.start("baselines", "fit and score the baselines " + cfg.evaluate().rungs())) {
      Dataset<Row> train = spark.read().parquet(prepared.split(Columns.TRAIN));
      Dataset<Row> validation = spark.read().parquet(prepared.split(Columns.VALIDATION));
      for (EvaluateConfig.Rung rung : cfg.evaluate().rungs()) {
        if (head.baseline(rung).isEmpty()) {
          LOG.info(
              "The {} rung is skipped: MLlib has none for {} classes (its GBTClassifier is binary only)",
              EnumNames.kebab(rung),
              head.classes().size());
          continue;
        }
        Baseline.Fitted fitted =
            Baseline.fit(rung, train, validation, head, cfg.evaluate().gbtMaxIter());
        // Each rung decides at its own threshold, chosen on validation as the network's was.
        OutputHead rungHead =
            head.chooseThreshold(
                Metrics.stats(fitted.score(validation), head),
                cfg.evaluate().threshold(),
                cfg.evaluate().costs());
        Metrics.Result base = Metrics.of(fitted.score(test), rungHead);
        String prefix = prefix(rung);
        base.values().forEach((k, v) -> metrics.put(prefix + "." + k, v));
        metrics.put(prefix + ".training_seconds", round(fitted.seconds()));
        metrics.put(prefix + "_name", fitted.name());
        ladder.add(
            new Verdict.Rung(
                EnumNames.kebab(rung), base.values().get(main.key()), fitted.seconds()));
        if (base.curves().containsKey("roc")) {
          curves.put(prefix + "_roc", base.curves().get("roc"));
        }
        LOG.info(
            "{}: {} = {} in {} s of training",
            fitted.name(),
            main.key(),
            fmt(base.values().get(main.key())),
            fmt(fitted.seconds()));
      }
    }
    double modelMain = model.values().get(main.key());
    boolean wins = ladder.stream().allMatch(r -> modelMain > r.main());
    String verdict =
        Verdict.sentence(main, modelMain, bundle.provenance().timing().trainingSeconds(), ladder);
    metrics.put("verdict", verdict);
    Verdict.Rung bestRung = Verdict.bestRung(ladder);
    metrics.put("best_rung", bestRung == null ? null : bestRung.name());
    List<Verdict.Finding> findings = Verdict.findings(main, modelMain, ladder);
    metrics.put("findings", findings);
    // Said first, before anything else evaluate logs: a loss to a rung or a finding must not scroll
    // by.
    if (!wins && bestRung != null) {
      LOG.warn("{}", verdict);
    }
    findings.forEach(f -> LOG.warn("Finding ({}): {}", f.kind(), f.message()));

    List<PermutationImportance.Importance> importance = List.of();
    try (StageTimer.Stage s = timer.start("importance", "permutation feature importance")) {
      if (cfg.evaluate().importance().enabled()) {
        var imp = cfg.evaluate().importance();
        importance =
            PermutationImportance.compute(
                test,
                testRows,
                bundle.network(),
                head,
                bundle.transform(),
                imp.sampleRows(),
                imp.repeats(),
                imp.seed(),
                cfg.evaluate().batchSize());
      }
    }
    metrics.put("importance", importance);
    Map<String, Object> cv = null;
    try (StageTimer.Stage s = timer.start("cross-validation", "k-fold cross-validation")) {
      int folds = cfg.evaluate().crossValidationFolds();
      if (folds > 0) {
        Dataset<Row> pool =
            spark
                .read()
                .parquet(prepared.split(Columns.TRAIN))
                .unionByName(spark.read().parquet(prepared.split(Columns.VALIDATION)));
        cv =
            CrossValidation.run(
                pool,
                cfg,
                head,
                bundle.transform().featureCount(),
                folds,
                bestEpoch(bundle),
                cfg.etl().split().seed());
      }
    }
    metrics.put("cv", cv);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("test_rows", testRows);
    counts.put(
        "importance_rows",
        Math.min(
            testRows,
            cfg.evaluate().importance().enabled() ? cfg.evaluate().importance().sampleRows() : 0));
    metrics.put("counts", counts);

    try (StageTimer.Stage s = timer.start("write", "write metrics and report")) {
      String metricsJson = Json.write(metrics);
      String curvesJson = Json.write(curves);
      files.writeText(out.metrics(), metricsJson);
      files.writeText(out.curves(), curvesJson);
      if (cfg.evaluate().report()) {
        // A dated run that retrains measured the day's drift first: the report says why it
        // retrained.
        String drift =
            cfg.schedule()
                .runDate()
                .map(
                    d ->
                        readOrNull(
                            new ScheduleLayout(
                                    cfg.output().dir(), cfg.predictTable().partitionColumn(), d)
                                .driftJson()))
                .orElse(null);
        files.writeText(
            out.report(),
            ReportWriter.html(
                metricsJson,
                curvesJson,
                readOrNull(bundle.layout().history()),
                readOrNull(prepared.summary()),
                readOrNull(bundle.layout().provenance()),
                drift));
      }
      files.writeText(out.success(), "");
      staged.commit();
    }
    network.destroy();
    LOG.info(
        "Evaluation on {} test rows: {} = {}; {} -> {}",
        testRows,
        main.key(),
        fmt(modelMain),
        metrics.get("verdict"),
        layout.root());
    return new EvaluateResult(metrics, wins);
  }

  /** The main training's best epoch (from model.json): what each cross-validation fold trains. */
  private int bestEpoch(ModelBundle bundle) {
    int best = bundle.provenance().bestEpoch();
    return best > 0 ? best : cfg.train().epochs();
  }

  /**
   * The metrics.json prefix of a rung: {@code baseline} for the linear one (the key it always had),
   * else its name.
   */
  static String prefix(EvaluateConfig.Rung rung) {
    return rung == EvaluateConfig.Rung.LINEAR ? "baseline" : EnumNames.kebab(rung);
  }

  private String readOrNull(String path) {
    return files.exists(path) ? files.readText(path) : null;
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
