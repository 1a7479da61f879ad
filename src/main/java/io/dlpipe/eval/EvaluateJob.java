package io.dlpipe.eval;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.io.EvaluationLayout;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.io.OutputGuard;
import io.dlpipe.io.OutputKind;
import io.dlpipe.io.StagedOutput;
import io.dlpipe.io.PreparedLayout;
import io.dlpipe.report.ReportWriter;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.train.LabelCodec;
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
 * The evaluate stage: scores {@code prepared/test} with {@code model/}, on Spark, and writes
 * {@code evaluation/}: metrics.json (flat, stable keys {@code model.<metric>} and
 * {@code baseline.<metric>}, plus importance, cv and counts), curves.json (chart data),
 * predictions/ (every test row's score), report.html, and _SUCCESS last.
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
    OutputGuard.requireReplaceable(files, layout.root(), OutputKind.EVALUATION, "the evaluation folder");
    try {
      return execute();
    } catch (Exception e) {
      throw staged == null ? StagedOutput.noSpace(e, layout.root(), layout.root()) : staged.failed(e);
    }
  }

  private EvaluateResult execute() {
    PreparedLayout prepared = new PreparedLayout(cfg.output().preparedDir());
    if (!files.exists(prepared.success())) {
      throw new DataException("No finished etl output in " + prepared.root() + "; run `dlpipe etl` with this config first");
    }
    ModelBundle bundle = ModelBundle.open(files, spark.sparkContext().hadoopConfiguration(), cfg);
    FittedTransform current = FittedTransform.fromJson(files.readText(prepared.transform()), prepared.transform());
    if (!current.equals(bundle.transform())) {
      throw new DataException("The model in " + bundle.layout().root() + " was trained on other prepared data than " + prepared.root()
          + " holds now (etl ran again since); run `dlpipe train` again before evaluating");
    }
    staged = StagedOutput.begin(files, layout.root(), OutputKind.EVALUATION, "the evaluation folder");
    EvaluationLayout out = layout.at(staged.path());
    LabelCodec codec = bundle.codec();
    boolean regression = codec.kind() == LabelCodec.Kind.REGRESSION;
    String main = regression ? "r2" : codec.binary() ? "auc" : "accuracy";
    StageTimer timer = new StageTimer(spark, "evaluate", 5);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> network = jsc.broadcast(bundle.network());

    Dataset<Row> test = spark.read().parquet(prepared.split(Columns.TEST));
    Map<String, Object> metrics = new LinkedHashMap<>();
    Map<String, Object> curves = new LinkedHashMap<>();
    metrics.put("task", bundle.transform().task());
    metrics.put("main_metric", main);
    metrics.put("model_id", bundle.modelId());
    long testRows;
    Metrics.Result model;
    try (StageTimer.Stage s = timer.start("score", "score the test split")) {
      List<String> keep = regression ? List.of(Columns.LABEL, Scoring.PREDICTION) : List.of(Columns.LABEL, Scoring.PREDICTION, Scoring.PROBABILITIES);
      Dataset<Row> scored = Scoring.score(test, network, codec, cfg.evaluate().batchSize()).selectExpr(keep.toArray(new String[0])).persist(StorageLevel.MEMORY_AND_DISK());
      scored.write().mode(SaveMode.Overwrite).parquet(out.predictions());
      testRows = scored.count();
      if (testRows == 0) {
        throw new DataException("The test split in " + prepared.root() + " is empty; set etl.split.test > 0 and rerun etl");
      }
      model = regression ? Metrics.regression(scored) : Metrics.classification(scored, codec.classes());
      scored.unpersist();
      s.rows(testRows);
    }
    model.values().forEach((k, v) -> metrics.put("model." + k, v));
    curves.putAll(model.curves());

    Double baselineMain = null;
    try (StageTimer.Stage s = timer.start("baseline", "fit and score the linear baseline")) {
      if (cfg.evaluate().baseline()) {
        Dataset<Row> train = spark.read().parquet(prepared.split(Columns.TRAIN));
        Metrics.Result base = regression ? Metrics.regression(Baseline.fitAndScore(train, test, true)) : Metrics.classification(Baseline.fitAndScore(train, test, false), codec.classes());
        base.values().forEach((k, v) -> metrics.put("baseline." + k, v));
        metrics.put("baseline_name", Baseline.name(regression));
        baselineMain = base.values().get(main);
        if (base.curves().containsKey("roc")) {
          curves.put("baseline_roc", base.curves().get("roc"));
        }
      }
    }
    double modelMain = model.values().get(main);
    boolean wins = baselineMain == null || modelMain > baselineMain;
    metrics.put("verdict", verdict(main, modelMain, baselineMain));

    List<PermutationImportance.Importance> importance = List.of();
    try (StageTimer.Stage s = timer.start("importance", "permutation feature importance")) {
      if (cfg.evaluate().importance().enabled()) {
        var imp = cfg.evaluate().importance();
        importance = PermutationImportance.compute(test, testRows, bundle.network(), codec, bundle.transform(), imp.sampleRows(), imp.repeats(), imp.seed());
      }
    }
    metrics.put("importance", importance);
    Map<String, Object> cv = null;
    try (StageTimer.Stage s = timer.start("cross-validation", "k-fold cross-validation")) {
      int folds = cfg.evaluate().crossValidationFolds();
      if (folds > 0) {
        Dataset<Row> pool = spark.read().parquet(prepared.split(Columns.TRAIN)).unionByName(spark.read().parquet(prepared.split(Columns.VALIDATION)));
        cv = CrossValidation.run(pool, cfg, codec, bundle.transform().featureCount(), folds, bestEpoch(bundle), cfg.etl().split().seed());
      }
    }
    metrics.put("cv", cv);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("test_rows", testRows);
    counts.put("importance_rows", Math.min(testRows, cfg.evaluate().importance().enabled() ? cfg.evaluate().importance().sampleRows() : 0));
    metrics.put("counts", counts);

    try (StageTimer.Stage s = timer.start("write", "write metrics and report")) {
      String metricsJson = Json.write(metrics);
      String curvesJson = Json.write(curves);
      files.writeText(out.metrics(), metricsJson);
      files.writeText(out.curves(), curvesJson);
      if (cfg.evaluate().report()) {
        files.writeText(out.report(), ReportWriter.html(metricsJson, curvesJson, readOrNull(bundle.layout().history()),
            readOrNull(prepared.summary()), readOrNull(bundle.layout().provenance())));
      }
      files.writeText(out.success(), "");
      staged.commit();
    }
    network.destroy();
    LOG.info("Evaluation on {} test rows: {} = {}{}; {} -> {}", testRows, main, fmt(modelMain), baselineMain == null ? "" : " (baseline " + fmt(baselineMain) + ")",
        metrics.get("verdict"), layout.root());
    return new EvaluateResult(metrics, wins);
  }

  /** The main training's best epoch (from model.json): what each cross-validation fold trains. */
  private int bestEpoch(ModelBundle bundle) {
    try {
      int best = Json.MAPPER.readTree(files.readText(bundle.layout().provenance())).path("best_epoch").asInt(0);
      return best > 0 ? best : cfg.train().epochs();
    } catch (java.io.IOException e) {
      return cfg.train().epochs();
    }
  }

  private String readOrNull(String path) {
    return files.exists(path) ? files.readText(path) : null;
  }

  static String verdict(String main, double model, Double baseline) {
    if (baseline == null) {
      return "No baseline was fitted (evaluate.baseline = false).";
    }
    if (model > baseline) {
      return String.format(Locale.ROOT, "The network beats the linear baseline on %s (%s vs %s).", main, fmt(model), fmt(baseline));
    }
    return String.format(Locale.ROOT, "The network does not beat the linear baseline on %s (%s vs %s): a linear model does as well here.", main, fmt(model), fmt(baseline));
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
