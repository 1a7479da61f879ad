package io.dlpipe.run;

import io.dlpipe.ConfigException;
import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EnumNames;
import io.dlpipe.config.Overrides;
import io.dlpipe.config.ScheduleConfig;
import io.dlpipe.config.Settings;
import io.dlpipe.drift.DriftMeasure;
import io.dlpipe.drift.DriftReport;
import io.dlpipe.etl.Privacy;
import io.dlpipe.eval.ModelBundle;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.report.ReportWriter;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.workspace.EvaluationLayout;
import io.dlpipe.workspace.ModelLayout;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.OutputMarker;
import io.dlpipe.workspace.PreparedLayout;
import io.dlpipe.workspace.ScheduleLayout;
import io.dlpipe.workspace.StagedOutput;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One day of a schedule: {@code run --date}. It measures the day's drift against the current model
 * (when there is one), decides from {@code schedule.retrain} whether to retrain, retrains with the
 * stage-skipping chain of {@link RunJob} if so, and scores the day's input with the current model.
 * Every output of the day goes into its own {@code dt=<date>} partition ({@link ScheduleLayout}),
 * written beside and renamed into place, so rerunning a date replaces that date only.
 */
final class ScheduledRun {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledRun.class);

  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final RunJob stages;
  private final HadoopFiles files;

  ScheduledRun(SparkSession spark, DlpipeConfig cfg, RunJob stages) {
    this.spark = spark;
    this.cfg = cfg;
    this.stages = stages;
    this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
  }

  Map<String, Object> run(boolean force) {
    LocalDate date = cfg.schedule().date();
    ScheduleLayout day =
        new ScheduleLayout(cfg.output().dir(), cfg.predictTable().partitionColumn(), date);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("date", date.toString());
    summary.put("started_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    summary.put("force", force);
    summary.put("input", cfg.masker().scrub(cfg.input().path())); // a URL may carry credentials
    summary.put("schedule", EnumNames.kebab(cfg.schedule().retrain()));
    List<Map<String, Object>> ran = new ArrayList<>();
    requireNoPartitionColumn(date);
    // Before any work: a day's folder that dlpipe did not write would otherwise stop the run after
    // a retrain.
    OutputGuard.requireReplaceable(
        files, day.predictions(), OutputKind.PREDICTIONS, PredictJob.partitionRole(date));
    OutputGuard.requireReplaceable(
        files,
        day.quarantine(),
        OutputKind.PREDICT_QUARANTINE,
        "the quarantine of " + PredictJob.partitionRole(date));
    OutputGuard.requireReplaceable(files, day.driftDir(), OutputKind.DRIFT, "the drift of " + date);
    OutputGuard.requireReplaceable(
        files, day.runDir(), OutputKind.RUN_DAY, "the run summary of " + date);
    OutputGuard.requireReplaceable(
        files, day.candidateDir(), OutputKind.MODEL_CANDIDATE, "the model candidate of " + date);
    try {
      ModelLayout model = new ModelLayout(cfg.output().dir());
      boolean hasModel = files.exists(model.success());
      DriftReport drift = null;
      if (hasModel) {
        drift = measureDrift(day, date);
        summary.put("drift", driftSummary(drift, day));
      } else {
        summary.put("drift", Map.of("measured", false, "reason", "no model yet"));
      }
      StageDecision retrain = decide(cfg.schedule(), date, hasModel, force, drift, model.success());
      summary.put("retrain", Map.of("retrain", retrain.run(), "reason", retrain.reason()));
      summary.put("stages", ran);
      LOG.info(
          "run {}: {} ({})",
          date,
          retrain.run() ? "retraining" : "not retraining",
          retrain.reason());
      if (retrain.run() && !hasModel) {
        stages.runStages(force, stages.state(), ran);
        summary.put(
            "promotion",
            Promotion.without(
                true,
                "no current model to compare with: the first model is promoted as it is",
                cfg.schedule().promotion().maxRegression()));
        summary.put("metrics", stages.keyMetrics(new EvaluationLayout(cfg.output().dir())));
      } else if (retrain.run()) {
        retrainBehindTheGate(force, day, date, drift, ran, summary);
      }
      Map<String, Long> counts =
          PredictJob.partition(
                  spark,
                  cfg,
                  cfg.input().path(),
                  day.predictions(),
                  day.quarantine(),
                  PredictJob.partitionRole(date))
              .run();
      Map<String, Object> predictions = new LinkedHashMap<>(counts);
      predictions.put("path", day.predictions());
      predictions.put(
          "model_id",
          ModelBundle.open(files, spark.sparkContext().hadoopConfiguration(), cfg).modelId());
      summary.put("predictions", predictions);
      summary.put("status", "succeeded");
      summary.put("exit_code", ExitCodes.OK);
      return summary;
    } catch (RuntimeException e) {
      summary.put("status", "failed");
      summary.put("exit_code", e instanceof DlpipeException d ? d.exitCode() : ExitCodes.FAILURE);
      summary.put("error", cfg.masker().scrub(String.valueOf(e.getMessage())));
      throw e;
    } finally {
      summary.put("finished_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
      String json = Json.write(summary);
      files.writeText(HadoopFiles.join(cfg.output().dir(), RunJob.SUMMARY), json);
      StagedOutput staged =
          StagedOutput.begin(files, day.runDir(), OutputKind.RUN_DAY, "the run summary of " + date);
      files.writeText(HadoopFiles.join(staged.path(), ScheduleLayout.RUN_SUMMARY), json);
      staged.commit();
    }
  }

  /**
   * Retrains on the day into {@code model-candidates/dt=<date>/} (a workspace of its own, with a
   * copy of the day's drift so that the candidate's report shows it), then lets the {@link
   * PromotionGate} decide. Promoted, the candidate's folders replace the workspace's and its folder
   * goes; kept back, the current model stays and scores the day, and the candidate's folder stays
   * for inspection with its model, evaluation, transform and {@code promotion.json} (its prepared
   * splits and checkpoints, the size of the data, are removed).
   */
  private void retrainBehindTheGate(
      boolean force,
      ScheduleLayout day,
      LocalDate date,
      DriftReport drift,
      List<Map<String, Object>> ran,
      Map<String, Object> summary) {
    String dir = day.candidateDir();
    if (files.exists(dir)) {
      files.deleteRecursively(
          dir); // an earlier run of this date left it; its marker was checked before any work
    }
    OutputMarker.of(OutputKind.MODEL_CANDIDATE).writeTo(files, dir);
    if (drift != null) {
      writeDrift(
          new ScheduleLayout(dir, cfg.predictTable().partitionColumn(), date).driftDir(),
          Json.write(drift),
          date);
    }
    DlpipeConfig candidateCfg =
        ConfigLoader.withValues(cfg, new Overrides("run --date").set(Settings.OUTPUT_DIR, dir));
    RunJob candidate = new RunJob(spark, candidateCfg);
    Map<String, String> candidateState = candidate.state();
    candidate.runStages(force, candidateState, ran);
    Map<String, Object> candidateMetrics = candidate.keyMetrics(new EvaluationLayout(dir));

    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ModelBundle current = ModelBundle.open(files, hadoop, cfg);
    ModelBundle next = ModelBundle.open(files, hadoop, new ModelLayout(dir), cfg.privacy());
    Object test = candidateMetrics.get("model." + next.head().mainMetric().key());
    PromotionGate gate = new PromotionGate(spark, cfg);
    Promotion promotion =
        gate.judge(current, next, test instanceof Number n ? n.doubleValue() : Double.NaN);
    summary.put("promotion", promotion);
    if (promotion.promoted()) {
      gate.publish(dir);
      Map<String, String> state = stages.state();
      state.putAll(candidateState);
      files.writeText(HadoopFiles.join(cfg.output().dir(), RunJob.STATE), Json.write(state));
      files.deleteRecursively(dir);
      summary.put("metrics", stages.keyMetrics(new EvaluationLayout(cfg.output().dir())));
      LOG.info(
          "run {}: promoted the retrained model {} ({})", date, next.modelId(), promotion.reason());
    } else {
      files.deleteRecursively(new ModelLayout(dir).checkpoints());
      for (String split : List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST)) {
        files.deleteRecursively(
            new PreparedLayout(candidateCfg.output().preparedDir()).split(split));
      }
      files.writeText(HadoopFiles.join(dir, ScheduleLayout.PROMOTION_JSON), Json.write(promotion));
      summary.put(
          "candidate",
          Map.of("path", dir, "model_id", next.modelId(), "metrics", candidateMetrics));
      LOG.info(
          "run {}: kept the current model {}, not the retrained one kept in {}: {}",
          date,
          current.modelId(),
          dir,
          promotion.reason());
    }
  }

  /**
   * Refuses (exit code 2) an input with a column named like the partition column of the day's
   * folders: predictions/ would read back with the run's date in place of the input's own values.
   */
  private void requireNoPartitionColumn(LocalDate date) {
    String column = cfg.predictTable().partitionColumn();
    // After privacy: a dropped column is not written, so it cannot collide.
    Dataset<Row> typed =
        Privacy.apply(InputReader.readTyped(spark, cfg.input()), cfg.privacy(), cfg.input(), false);
    for (String name : InputReader.columnNames(typed)) {
      if (name.equalsIgnoreCase(column)) {
        throw new ConfigException(
            "Refusing the input "
                + cfg.input().describe()
                + " of run --date "
                + date
                + ": it has a column '"
                + name
                + "', the partition column of <output.dir>/"
                + ScheduleLayout.PREDICTIONS
                + "/ (predict.table.partition-column = "
                + column
                + "), which would read back as the run's date instead of its own values; set predict.table.partition-column to another name");
      }
    }
  }

  /**
   * The day's drift against the current model, written to drift/dt=&lt;date&gt;/; null when the
   * model's transform has no drift reference (a model trained before drift existed).
   */
  private DriftReport measureDrift(ScheduleLayout day, LocalDate date) {
    ModelBundle bundle = ModelBundle.open(files, spark.sparkContext().hadoopConfiguration(), cfg);
    if (bundle.transform().driftReference() == null) {
      LOG.warn(
          "run {}: the model's transform.json has no drift reference (it was fitted before dlpipe measured drift); drift is not measured",
          date);
      return null;
    }
    DriftReport report;
    StageTimer timer = new StageTimer(spark, "drift", 1);
    try (StageTimer.Stage s =
        timer.start("measure", "measure the day's drift against the model's training data")) {
      report =
          DriftMeasure.measure(
              DriftMeasure.dayRows(spark, cfg, bundle.transform()),
              bundle.transform(),
              bundle.modelId(),
              cfg.schedule().drift(),
              date.toString());
      s.rows(report.rows());
    }
    writeDrift(day.driftDir(), Json.write(report), date);
    LOG.info("run {}: {}", date, report.verdict());
    return report;
  }

  /** drift.json and drift.html of a day into {@code dir}, staged. */
  private void writeDrift(String dir, String json, LocalDate date) {
    StagedOutput staged = StagedOutput.begin(files, dir, OutputKind.DRIFT, "the drift of " + date);
    try {
      files.writeText(HadoopFiles.join(staged.path(), ScheduleLayout.DRIFT_JSON), json);
      files.writeText(
          HadoopFiles.join(staged.path(), ScheduleLayout.DRIFT_HTML), ReportWriter.driftPage(json));
      staged.commit();
    } catch (RuntimeException e) {
      throw staged.failed(e);
    }
  }

  private static Map<String, Object> driftSummary(DriftReport drift, ScheduleLayout day) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("measured", drift != null);
    if (drift == null) {
      out.put("reason", "the model's transform.json has no drift reference");
      return out;
    }
    out.put("drifted", drift.drifted());
    out.put("verdict", drift.verdict());
    out.put("crossed", drift.crossed());
    out.put("path", day.driftJson());
    return out;
  }

  /** Whether this day retrains, and why, in words for the log and the run summary. */
  static StageDecision decide(
      ScheduleConfig schedule,
      LocalDate date,
      boolean hasModel,
      boolean force,
      DriftReport drift,
      String modelSuccess) {
    String stage = "retrain";
    if (!hasModel) {
      return new StageDecision(stage, true, "no model yet (no " + modelSuccess + ")");
    }
    if (force) {
      return new StageDecision(stage, true, "--force");
    }
    String weekday = date.getDayOfWeek().name().toLowerCase(Locale.ROOT);
    String wanted = schedule.weekday().name().toLowerCase(Locale.ROOT);
    return switch (schedule.retrain()) {
      case DAILY -> new StageDecision(stage, true, "schedule.retrain = daily");
      case WEEKLY ->
          schedule.weekday() == date.getDayOfWeek()
              ? new StageDecision(
                  stage, true, "schedule.retrain = weekly and " + date + " is a " + weekday)
              : new StageDecision(
                  stage,
                  false,
                  "schedule.retrain = weekly: " + date + " is a " + weekday + ", not a " + wanted);
      case NEVER -> new StageDecision(stage, false, "schedule.retrain = never and a model exists");
      case ON_DRIFT ->
          drift == null
              ? new StageDecision(
                  stage,
                  true,
                  "schedule.retrain = on-drift and the model has no drift reference to measure against; retraining gives it one")
              : drift.drifted()
                  ? new StageDecision(
                      stage,
                      true,
                      "schedule.retrain = on-drift and the day drifted: "
                          + drift.verdict().substring("drift: ".length()))
                  : new StageDecision(
                      stage, false, "schedule.retrain = on-drift and " + drift.verdict());
    };
  }
}
