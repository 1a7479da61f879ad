package io.dlpipe.ml;

import io.dlpipe.ConfigException;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.InputFormat;
import io.dlpipe.config.Overrides;
import io.dlpipe.config.Settings;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.EtlResult;
import io.dlpipe.eval.BundleScorer;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.Columns;
import io.dlpipe.train.TrainJob;
import io.dlpipe.workspace.ModelLayout;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.OutputMarker;
import io.dlpipe.workspace.PreparedLayout;
import io.dlpipe.workspace.WorkspaceLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dlpipe as a Spark ML {@code Estimator}: {@link #fit} runs the CLI's ETL job on the given frame
 * (role inference, validation with a quarantine, the deterministic split, the transform fitted on
 * train only) and the CLI's distributed trainer (parameter averaging, early stopping on the
 * validation split), in a workspace of the same layout as {@code jobs/dlpipe}'s, and returns the
 * {@link DlpipeModel} of the best epoch.
 *
 * <p>Every param maps to a key of {@code dlpipe-defaults.conf} and takes its default from there, so
 * the estimator and the CLI train the same model from the same data and settings; {@link
 * #setSettings} passes any other key ({@code "etl.clip.enabled=true"}). The settings are validated
 * by the CLI's {@link ConfigLoader}, and an invalid one is an {@link IllegalArgumentException}
 * naming the key.
 *
 * <p>Unlike the CLI there is no test split: the caller holds out its own data (or uses {@code
 * CrossValidator}); {@link #validationFraction()} of the rows go to the validation split that early
 * stopping watches.
 */
public final class DlpipeEstimator extends Estimator<DlpipeModel>
    implements DlpipeParams, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DlpipeEstimator.class);

  /** The test share of the split behind {@link #fit}; see {@code config}. */
  static final double ESTIMATOR_TEST_SHARE = 1e-6;

  // Each Param once: bound to its setting (doc, checks and default from the settings table), or its
  // own.
  private static final ParamSpec LABEL_COL = ParamSpec.of("labelCol", Settings.TARGET_COLUMN);
  private static final ParamSpec TASK = ParamSpec.of("task", Settings.TARGET_TASK);
  private static final ParamSpec FEATURES_COLS =
      ParamSpec.textArray(
          "featuresCols",
          "the input columns to learn from; empty: every column but the label (roles are inferred as in the CLI)");
  private static final ParamSpec CLASSES = ParamSpec.of("classes", Settings.TARGET_CLASSES);
  private static final ParamSpec EPOCHS = ParamSpec.of("epochs", Settings.TRAIN_EPOCHS);
  private static final ParamSpec BATCH_SIZE =
      ParamSpec.of("batchSize", Settings.TRAIN_BATCH_SIZE_PER_WORKER);
  private static final ParamSpec HIDDEN_LAYERS =
      ParamSpec.of("hiddenLayers", Settings.TRAIN_MODEL_HIDDEN_LAYERS);
  private static final ParamSpec LEARNING_RATE =
      ParamSpec.of("learningRate", Settings.TRAIN_UPDATER_LEARNING_RATE);
  private static final ParamSpec SEED = ParamSpec.of("seed", Settings.TRAIN_SEED);
  private static final ParamSpec PATIENCE =
      ParamSpec.of("patience", Settings.TRAIN_EARLY_STOPPING_PATIENCE);
  private static final ParamSpec WORKERS = ParamSpec.of("workers", Settings.TRAIN_WORKERS);
  private static final ParamSpec VALIDATION_FRACTION =
      ParamSpec.of("validationFraction", Settings.ETL_SPLIT_VALIDATION);
  private static final ParamSpec MAX_REJECT_RATIO =
      ParamSpec.of("maxRejectRatio", Settings.ETL_MAX_REJECT_RATIO);
  private static final ParamSpec QUARANTINE_PATH =
      ParamSpec.text(
          "quarantinePath",
          "where the rows that cannot be used are written with their reason (Parquet: raw, reason, detail, source_file); empty: <workDir>/prepared/quarantine",
          "");
  private static final ParamSpec WORK_DIR =
      ParamSpec.text(
          "workDir",
          "the workspace of the ETL and train jobs, on a file system every executor shares;"
              + " empty: a new folder under java.io.tmpdir, whose prepared splits are removed after fit",
          "");
  private static final ParamSpec SETTINGS =
      ParamSpec.textArray(
          "settings",
          "any other dlpipe setting as key=value, as with --set (e.g. etl.clip.enabled=true); it wins over the params");

  /** Every Param of the estimator: its own, then those it shares with the model. */
  private static final List<ParamSpec> SPECS =
      concat(
          List.of(
              LABEL_COL,
              TASK,
              FEATURES_COLS,
              CLASSES,
              EPOCHS,
              BATCH_SIZE,
              HIDDEN_LAYERS,
              LEARNING_RATE,
              SEED,
              PATIENCE,
              WORKERS,
              VALIDATION_FRACTION,
              MAX_REJECT_RATIO,
              QUARANTINE_PATH,
              WORK_DIR,
              SETTINGS),
          DlpipeParams.SHARED);

  private final String uid;
  private final DlpipeParams.Declared declared;

  public DlpipeEstimator() {
    this(Identifiable.randomUID("dlpipe"));
  }

  public DlpipeEstimator(String uid) {
    this.uid = uid;
    declared = new DlpipeParams.Declared(this, SPECS);
    declared.defaults().forEach(this::setDefault);
  }

  private static List<ParamSpec> concat(List<ParamSpec> a, List<ParamSpec> b) {
    List<ParamSpec> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public <P extends Param<?>> P param(ParamSpec spec) {
    return declared.get(spec);
  }

  // Params: Spark ML discovers them through these public no-argument methods.
  public Param<String> labelCol() {
    return param(LABEL_COL);
  }

  public Param<String> task() {
    return param(TASK);
  }

  public StringArrayParam featuresCols() {
    return param(FEATURES_COLS);
  }

  public StringArrayParam classes() {
    return param(CLASSES);
  }

  public IntParam epochs() {
    return param(EPOCHS);
  }

  public IntParam batchSize() {
    return param(BATCH_SIZE);
  }

  public IntArrayParam hiddenLayers() {
    return param(HIDDEN_LAYERS);
  }

  public DoubleParam learningRate() {
    return param(LEARNING_RATE);
  }

  public LongParam seed() {
    return param(SEED);
  }

  public IntParam patience() {
    return param(PATIENCE);
  }

  public IntParam workers() {
    return param(WORKERS);
  }

  public DoubleParam validationFraction() {
    return param(VALIDATION_FRACTION);
  }

  public DoubleParam maxRejectRatio() {
    return param(MAX_REJECT_RATIO);
  }

  public Param<String> quarantinePath() {
    return param(QUARANTINE_PATH);
  }

  public Param<String> workDir() {
    return param(WORK_DIR);
  }

  public StringArrayParam settings() {
    return param(SETTINGS);
  }

  public DlpipeEstimator setLabelCol(String v) {
    set(labelCol(), v);
    return this;
  }

  public DlpipeEstimator setTask(String v) {
    set(task(), v);
    return this;
  }

  public DlpipeEstimator setFeaturesCols(String... v) {
    set(featuresCols(), v);
    return this;
  }

  public DlpipeEstimator setClasses(String... v) {
    set(classes(), v);
    return this;
  }

  public DlpipeEstimator setEpochs(int v) {
    set(epochs(), v);
    return this;
  }

  public DlpipeEstimator setBatchSize(int v) {
    set(batchSize(), v);
    return this;
  }

  public DlpipeEstimator setHiddenLayers(int... v) {
    set(hiddenLayers(), v);
    return this;
  }

  public DlpipeEstimator setLearningRate(double v) {
    set(learningRate(), v);
    return this;
  }

  public DlpipeEstimator setSeed(long v) {
    set(seed(), v);
    return this;
  }

  public DlpipeEstimator setPatience(int v) {
    set(patience(), v);
    return this;
  }

  public DlpipeEstimator setWorkers(int v) {
    set(workers(), v);
    return this;
  }

  public DlpipeEstimator setValidationFraction(double v) {
    set(validationFraction(), v);
    return this;
  }

  public DlpipeEstimator setMaxRejectRatio(double v) {
    set(maxRejectRatio(), v);
    return this;
  }

  public DlpipeEstimator setQuarantinePath(String v) {
    set(quarantinePath(), v);
    return this;
  }

  public DlpipeEstimator setWorkDir(String v) {
    set(workDir(), v);
    return this;
  }

  public DlpipeEstimator setSettings(String... v) {
    set(settings(), v);
    return this;
  }

  public DlpipeEstimator setScoringBatchSize(int v) {
    set(scoringBatchSize(), v);
    return this;
  }

  public DlpipeEstimator setErrorCol(String v) {
    set(errorCol(), v);
    return this;
  }

  public String getLabelCol() {
    return $(labelCol());
  }

  public String getTask() {
    return $(task());
  }

  public String[] getFeaturesCols() {
    return $(featuresCols());
  }

  public String[] getClasses() {
    return $(classes());
  }

  public int getEpochs() {
    return (Integer) $(epochs());
  }

  public int getBatchSize() {
    return (Integer) $(batchSize());
  }

  public int[] getHiddenLayers() {
    return $(hiddenLayers());
  }

  public double getLearningRate() {
    return (Double) $(learningRate());
  }

  public long getSeed() {
    return (Long) $(seed());
  }

  public int getPatience() {
    return (Integer) $(patience());
  }

  public int getWorkers() {
    return (Integer) $(workers());
  }

  public double getValidationFraction() {
    return (Double) $(validationFraction());
  }

  public double getMaxRejectRatio() {
    return (Double) $(maxRejectRatio());
  }

  public String getQuarantinePath() {
    return $(quarantinePath());
  }

  public String getWorkDir() {
    return $(workDir());
  }

  public String[] getSettings() {
    return $(settings());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(labelCol()) || !isDefined(task())) {
      throw new IllegalArgumentException(
          "DlpipeEstimator needs labelCol and task: setLabelCol(\"price\").setTask(\"regression\")");
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(getLabelCol())) {
      throw new IllegalArgumentException(
          "Label column "
              + getLabelCol()
              + " does not exist. Available: "
              + String.join(", ", names));
    }
    for (String c : getFeaturesCols()) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException(
            "Feature column " + c + " does not exist. Available: " + String.join(", ", names));
      }
      if (c.equals(getLabelCol())) {
        throw new IllegalArgumentException(
            "Feature column "
                + c
                + " is the label column; a model cannot learn from its own target");
      }
    }
    for (String c : names) {
      if (c.startsWith(Columns.INTERNAL_PREFIX)) {
        throw new IllegalArgumentException(
            "Input column "
                + c
                + " uses the prefix "
                + Columns.INTERNAL_PREFIX
                + " that dlpipe reserves; rename it");
      }
    }
    // The probability columns are known only after fit, when the classes are.
    StructType out =
        schema
            .add(
                DataTypes.createStructField(
                    BundleScorer.PREDICTION,
                    io.dlpipe.head.OutputHeads.predictionType(getTask()),
                    true))
            .add(DataTypes.createStructField(BundleScorer.MODEL_ID, DataTypes.StringType, false));
    return getErrorCol().isEmpty()
        ? out
        : out.add(DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
  }

  @Override
  public DlpipeModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    if (!getQuarantinePath().isEmpty()) {
      // Before any work: the path must be free or an earlier fit's quarantine, never a user's
      // folder.
      OutputGuard.requireReplaceable(
          new HadoopFiles(dataset.sparkSession().sparkContext().hadoopConfiguration()),
          getQuarantinePath(),
          OutputKind.FIT_QUARANTINE,
          "quarantinePath");
    }
    SparkSession spark = dataset.sparkSession();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    HadoopFiles files = new HadoopFiles(hadoop);
    boolean temporary = getWorkDir().isEmpty();
    String ws =
        temporary
            ? Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "dlpipe-estimator",
                    uid + "-" + UUID.randomUUID())
                .toString()
            : getWorkDir();
    DlpipeConfig cfg = config(ws);
    Dataset<Row> frame = dataset.toDF();
    if (getFeaturesCols().length > 0) {
      Set<String> keep = new LinkedHashSet<>(Arrays.asList(getFeaturesCols()));
      keep.add(getLabelCol());
      frame = frame.select(keep.stream().map(Columns::col).toArray(Column[]::new));
    }
    LOG.info(
        "DlpipeEstimator {}: fitting on {} columns in workspace {}",
        uid,
        frame.columns().length,
        ws);
    PreparedLayout prepared = new PreparedLayout(cfg.output().preparedDir());
    // As every jobs/dlpipe command on its output.dir: one writer per workspace, so two fits given
    // the
    // same workDir (a CrossValidator fitting in parallel) fail at once rather than overwrite each
    // other.
    try (WorkspaceLock lock =
        WorkspaceLock.acquire(hadoop, ws, "fit", cfg.output().lockStaleAfter())) {
      EtlResult etl;
      try {
        etl = new EtlJob(spark, cfg, frame).run();
      } finally {
        moveQuarantine(hadoop, files, prepared);
      }
      if (etl.summary().rowsQuarantined() > 0) {
        LOG.warn(
            "DlpipeEstimator {}: {} of {} rows quarantined {} -> {}",
            uid,
            etl.summary().rowsQuarantined(),
            etl.summary().rowsRead(),
            etl.summary().quarantinedByReason(),
            quarantineOf(prepared));
      }
      new TrainJob(spark, cfg).run(true);
    }
    ModelLayout model = new ModelLayout(ws);
    DlpipeModel fitted = DlpipeModel.open(uid + "-model", hadoop, model.root());
    if (temporary) {
      // The model is in memory now; the prepared data and checkpoints would only fill the disk.
      for (String split : List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST)) {
        files.deleteRecursively(prepared.split(split));
      }
      files.deleteRecursively(model.checkpoints());
    }
    copyValues(fitted, extractParamMap());
    return fitted.setParent(this);
  }

  private String quarantineOf(PreparedLayout prepared) {
    return getQuarantinePath().isEmpty() ? prepared.quarantine() : getQuarantinePath();
  }

  /**
   * Moves etl's quarantine to {@link #quarantinePath()} when one is set, replacing what was there.
   */
  private void moveQuarantine(Configuration hadoop, HadoopFiles files, PreparedLayout prepared) {
    if (getQuarantinePath().isEmpty() || !files.exists(prepared.quarantine())) {
      return;
    }
    // Only an earlier fit's quarantine is replaced (checked by its marker, again now that the fit
    // is done).
    OutputGuard.requireReplaceable(
        files, getQuarantinePath(), OutputKind.FIT_QUARANTINE, "quarantinePath");
    files.deleteRecursively(getQuarantinePath());
    try {
      org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(prepared.quarantine());
      org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(getQuarantinePath());
      FileSystem fs = to.getFileSystem(hadoop);
      if (to.getParent() != null) {
        fs.mkdirs(to.getParent());
      }
      if (!fs.rename(from, to)) {
        throw new IOException("rename returned false");
      }
      OutputMarker.of(OutputKind.FIT_QUARANTINE).writeTo(files, getQuarantinePath());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move the quarantine "
              + prepared.quarantine()
              + " to "
              + getQuarantinePath()
              + " (quarantinePath)",
          e);
    }
  }

  /** The params as the CLI's configuration: the same validation, the same defaults. */
  DlpipeConfig config(String ws) {
    double validation = getValidationFraction();
    Overrides typed =
        new Overrides("DlpipeEstimator")
            .set(Settings.INPUT_PATH, "spark-frame:" + uid)
            .set(Settings.INPUT_FORMAT, InputFormat.PARQUET)
            .set(Settings.OUTPUT_DIR, ws);
    for (ParamSpec spec : SPECS) {
      Param<?> p = param(spec);
      if (spec.setting() != null && isDefined(p)) {
        typed.setPlain(spec.setting(), getOrDefault(p));
      }
    }
    // No test split: a Spark ML user evaluates on data of their own. The CLI's config demands a
    // non-empty one, so a vanishing share (one row in a million, never read) stands in for it.
    typed
        .set(Settings.ETL_SPLIT_TRAIN, 1 - validation - ESTIMATOR_TEST_SHARE)
        .set(Settings.ETL_SPLIT_TEST, ESTIMATOR_TEST_SHARE);
    try {
      return ConfigLoader.fromOverrides(typed, Arrays.asList(getSettings()));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          e.getMessage().replace("--set ", "DlpipeEstimator setting "), e);
    }
  }

  @Override
  public DlpipeEstimator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads an estimator saved with {@code write().save(path)} (its params only). */
  public static MLReader<DlpipeEstimator> read() {
    return new DefaultParamsReadable<DlpipeEstimator>() {}.read();
  }

  public static DlpipeEstimator load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "DlpipeEstimator: uid="
        + uid
        + (isDefined(task()) ? ", task=" + getTask().toLowerCase(Locale.ROOT) : "")
        + (isDefined(labelCol()) ? ", labelCol=" + getLabelCol() : "");
  }
}
