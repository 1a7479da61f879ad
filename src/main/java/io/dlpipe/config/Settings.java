package io.dlpipe.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.Charset;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every key dlpipe knows, one row each: its type and what a valid value is. The default and the doc
 * of each key are beside each other in {@value ConfigLoader#DEFAULTS_RESOURCE}; {@code
 * SettingsTest} fails when a key is in one and not the other, and when {@code
 * docs/configuration.md}, generated from both, is stale.
 *
 * <p>To add a setting: one line under its key in the defaults file (the comment above it is its
 * doc), one row here, and the code that uses it ({@code r.get(Settings.ROW)} in {@link
 * ConfigLoader}). See docs/configuration.md.
 */
public final class Settings {
  private Settings() {}

  // ---- input
  public static final Setting<String> INPUT_PATH =
      Setting.requiredText("input.path", "a path to the raw data");
  public static final Setting<InputFormat> INPUT_FORMAT =
      Setting.choice("input.format", InputFormat.class);
  public static final Setting<String> INPUT_TABLE =
      Setting.text(
          "input.table",
          "a table of the session's catalog such as db.name when input.format = table");
  public static final Setting<String> INPUT_WHERE =
      Setting.text(
              "input.where",
              "empty, or a SQL predicate on the input's columns such as dt = '2026-11-28'")
          .map(String::trim);
  public static final Setting<Boolean> INPUT_HEADER = Setting.bool("input.header");
  public static final Setting<String> INPUT_DELIMITER = Setting.character("input.delimiter");
  public static final Setting<String> INPUT_QUOTE = Setting.character("input.quote");
  public static final Setting<String> INPUT_ESCAPE = Setting.character("input.escape");
  public static final Setting<String> INPUT_ENCODING =
      Setting.text("input.encoding", "a charset name")
          .check(name -> Charset.forName(name) != null, "a charset this JVM supports, e.g. UTF-8")
          .map(name -> Charset.forName(name).name());
  public static final Setting<List<String>> INPUT_NULL_VALUES =
      Setting.textList("input.null-values");
  public static final Setting<Map<String, ColumnRole>> INPUT_COLUMNS =
      Setting.choiceMap("input.columns", ColumnRole.class, "an object of column = role");
  public static final Setting<Boolean> INPUT_INFER_ROLES = Setting.bool("input.infer-roles");
  public static final Setting<Map<String, String>> INPUT_OPTIONS = Setting.textMap("input.options");
  public static final Setting<CsvMultiLine> INPUT_CSV_MULTI_LINE =
      Setting.custom(
          "input.csv.multi-line", Setting.Kind.CHOICE, "auto | true | false", Settings::multiLine);
  public static final Setting<Integer> INPUT_CSV_MAX_RECORD_LINES =
      Setting.integer("input.csv.max-record-lines", 1, 1_000_000);

  // ---- target
  public static final Setting<String> TARGET_COLUMN =
      Setting.requiredText("target.column", "the name of the column to predict");
  public static final Setting<Task> TARGET_TASK = Setting.choice("target.task", Task.class);
  public static final Setting<List<String>> TARGET_CLASSES = Setting.textList("target.classes");
  public static final Setting<String> TARGET_POSITIVE_CLASS =
      Setting.custom(
          "target.positive-class",
          Setting.Kind.TEXT,
          "a class label of the target, or null",
          Settings::positiveClass);
  public static final Setting<Integer> TARGET_MAX_CLASSES =
      Setting.integer("target.max-classes", 2, 100_000);

  // ---- output
  public static final Setting<String> OUTPUT_DIR =
      Setting.requiredText("output.dir", "a path for the workspace");
  public static final Setting<Duration> OUTPUT_LOCK_STALE_AFTER =
      Setting.duration("output.lock.stale-after", Duration.ofSeconds(1), Duration.ofDays(1));

  // ---- etl
  public static final Setting<Double> ETL_MAX_REJECT_RATIO =
      Setting.number("etl.max-reject-ratio", 0, 1, true, true);
  public static final Setting<Double> ETL_INFER_NUMERIC_MIN_PARSE_RATIO =
      Setting.number("etl.infer.numeric-min-parse-ratio", 0, 1, false, true);
  public static final Setting<Double> ETL_INFER_ID_LIKE_MIN_DISTINCT_RATIO =
      Setting.number("etl.infer.id-like-min-distinct-ratio", 0, 1, false, true);
  public static final Setting<Integer> ETL_INFER_MAX_CATEGORICAL_NUMERIC_LEVELS =
      Setting.integer("etl.infer.max-categorical-numeric-levels", 0, 10_000);
  public static final Setting<Boolean> ETL_INFER_DATES = Setting.bool("etl.infer.dates");
  public static final Setting<Long> ETL_INFER_SAMPLE_ROWS =
      Setting.longInteger("etl.infer.sample-rows", 0, Long.MAX_VALUE);
  public static final Setting<EtlConfig.DedupMode> ETL_DEDUP_MODE =
      Setting.choice("etl.dedup.mode", EtlConfig.DedupMode.class);
  public static final Setting<List<String>> ETL_DEDUP_KEY_COLUMNS =
      Setting.textList("etl.dedup.key-columns");
  public static final Setting<EtlConfig.NumericImpute> ETL_IMPUTE_NUMERIC =
      Setting.choice("etl.impute.numeric", EtlConfig.NumericImpute.class);
  public static final Setting<EtlConfig.CategoricalImpute> ETL_IMPUTE_CATEGORICAL =
      Setting.choice("etl.impute.categorical", EtlConfig.CategoricalImpute.class);
  public static final Setting<Boolean> ETL_CLIP_ENABLED = Setting.bool("etl.clip.enabled");
  public static final Setting<Double> ETL_CLIP_LOWER_QUANTILE =
      Setting.number("etl.clip.lower-quantile", 0, 0.5, true, false);
  public static final Setting<Double> ETL_CLIP_UPPER_QUANTILE =
      Setting.number("etl.clip.upper-quantile", 0.5, 1, false, true);
  public static final Setting<EtlConfig.NormalizeMethod> ETL_NORMALIZE_METHOD =
      Setting.choice("etl.normalize.method", EtlConfig.NormalizeMethod.class);
  public static final Setting<EtlConfig.LogMode> ETL_NORMALIZE_LOG =
      Setting.choice("etl.normalize.log", EtlConfig.LogMode.class);
  public static final Setting<List<String>> ETL_NORMALIZE_LOG_COLUMNS =
      Setting.textList("etl.normalize.log-columns");
  public static final Setting<Double> ETL_NORMALIZE_LOG_SKEW_THRESHOLD =
      Setting.number("etl.normalize.log-skew-threshold", 0, Double.MAX_VALUE, true, true);
  public static final Setting<EtlConfig.NumericEncoding> ETL_NORMALIZE_NUMERIC_ENCODING =
      Setting.choice("etl.normalize.numeric-encoding", EtlConfig.NumericEncoding.class);
  public static final Setting<Map<String, EtlConfig.NumericEncoding>>
      ETL_NORMALIZE_NUMERIC_ENCODING_COLUMNS =
          Setting.choiceMap(
              "etl.normalize.numeric-encoding-columns",
              EtlConfig.NumericEncoding.class,
              "an object of column = encoding");
  public static final Setting<Integer> ETL_NORMALIZE_PIECEWISE_LINEAR_BINS =
      Setting.integer("etl.normalize.piecewise-linear-bins", 2, 256);
  public static final Setting<Integer> ETL_NORMALIZE_PERIODIC_FREQUENCIES =
      Setting.integer("etl.normalize.periodic-frequencies", 1, 64);
  public static final Setting<Double> ETL_NORMALIZE_PERIODIC_SIGMA =
      Setting.number("etl.normalize.periodic-sigma", 0, 100, false, true);
  public static final Setting<EtlConfig.CategoricalEncoding> ETL_CATEGORICAL_ENCODING =
      Setting.choice("etl.categorical.encoding", EtlConfig.CategoricalEncoding.class);
  public static final Setting<Integer> ETL_CATEGORICAL_TOP_K =
      Setting.integer("etl.categorical.top-k", 1, 10_000);
  public static final Setting<Long> ETL_CATEGORICAL_MIN_COUNT =
      Setting.longInteger("etl.categorical.min-count", 1, Long.MAX_VALUE / 2);
  public static final Setting<Double> ETL_SPLIT_TRAIN =
      Setting.number("etl.split.train", 0, 1, false, true);
  // Zero would leave a split empty: early stopping and evaluate need rows in both.
  public static final Setting<Double> ETL_SPLIT_VALIDATION =
      Setting.number("etl.split.validation", 0, 1, false, false);
  public static final Setting<Double> ETL_SPLIT_TEST =
      Setting.number("etl.split.test", 0, 1, false, false);
  public static final Setting<Long> ETL_SPLIT_SEED = Setting.seed("etl.split.seed");
  public static final Setting<String> ETL_SPLIT_ID_COLUMN =
      Setting.text("etl.split.id-column", "a column name, or empty for the whole row")
          .map(String::trim);
  public static final Setting<Integer> ETL_WRITE_TARGET_FILE_MB =
      Setting.integer("etl.write.target-file-mb", 1, 4096);
  public static final Setting<String> ETL_WRITE_COMPRESSION =
      Setting.text("etl.write.compression", "snappy | zstd | gzip | none")
          .map(s -> s.toLowerCase(Locale.ROOT))
          .check(Set.of("snappy", "zstd", "gzip", "none")::contains, "snappy | zstd | gzip | none");
  public static final Setting<Double> ETL_QUANTILE_RELATIVE_ERROR =
      Setting.number("etl.quantile-relative-error", 0, 0.1, false, true);

  // ---- spark
  public static final Setting<String> SPARK_MASTER =
      Setting.text("spark.master", "a Spark master URL");
  public static final Setting<String> SPARK_APP_NAME = Setting.text("spark.app-name", "a name");
  public static final Setting<Map<String, String>> SPARK_CONF = Setting.textMap("spark.conf");
  public static final Setting<String> SPARK_EXECUTOR_OFFHEAP =
      Setting.text("spark.executor-offheap", "a memory size such as 4g or 512m")
          .map(String::trim)
          .check(
              s -> s.isEmpty() || s.matches("(?i)\\d+[kmgt]b?"),
              "a memory size such as 4g or 512m, or empty");

  // ---- train
  public static final Setting<Integer> TRAIN_EPOCHS = Setting.integer("train.epochs", 1, 100_000);
  public static final Setting<Long> TRAIN_SEED = Setting.seed("train.seed");
  public static final Setting<Integer> TRAIN_EARLY_STOPPING_PATIENCE =
      Setting.integer("train.early-stopping.patience", 0, 100_000);
  public static final Setting<Double> TRAIN_EARLY_STOPPING_MIN_DELTA =
      Setting.number("train.early-stopping.min-delta", 0, Double.MAX_VALUE, true, true);
  public static final Setting<TrainConfig.EarlyStoppingMetric> TRAIN_EARLY_STOPPING_METRIC =
      Setting.choice("train.early-stopping.metric", TrainConfig.EarlyStoppingMetric.class);
  public static final Setting<Integer> TRAIN_AVERAGE_EPOCHS =
      Setting.integer("train.average-epochs", 1, 1_000);
  public static final Setting<TrainConfig.ClassWeights> TRAIN_CLASS_WEIGHTS =
      Setting.customObject(
          "train.class-weights",
          "auto, none, or an object of class label to a weight in (0, 1000], e.g. { bad = 5.0 }",
          Settings::classWeights);
  public static final Setting<Double> TRAIN_CLASS_WEIGHT_CAP =
      Setting.number("train.class-weight-cap", 1, 1000, true, true);
  public static final Setting<TrainConfig.TargetTransform> TRAIN_TARGET_TRANSFORM =
      Setting.choice("train.target-transform", TrainConfig.TargetTransform.class);
  public static final Setting<TrainConfig.Loss> TRAIN_LOSS =
      Setting.choice("train.loss", TrainConfig.Loss.class);
  public static final Setting<Long> TRAIN_TARGET_TRIAL_ROWS =
      Setting.longInteger("train.target-trial.rows", 100, 10_000_000);
  public static final Setting<Integer> TRAIN_TARGET_TRIAL_EPOCHS =
      Setting.integer("train.target-trial.epochs", 1, 1_000);
  public static final Setting<TrainConfig.ModelType> TRAIN_MODEL_TYPE =
      Setting.choice("train.model.type", TrainConfig.ModelType.class);
  public static final Setting<List<Integer>> TRAIN_MODEL_HIDDEN_LAYERS =
      Setting.custom(
          "train.model.hidden-layers",
          Setting.Kind.INTEGER_LIST,
          "a list of layer widths, integers in [1, 65536]",
          Settings::layerWidths);
  public static final Setting<TrainConfig.Activation> TRAIN_MODEL_ACTIVATION =
      Setting.choice("train.model.activation", TrainConfig.Activation.class);
  public static final Setting<TrainConfig.WeightInit> TRAIN_MODEL_WEIGHT_INIT =
      Setting.choice("train.model.weight-init", TrainConfig.WeightInit.class);
  public static final Setting<Double> TRAIN_MODEL_DROPOUT =
      Setting.number("train.model.dropout", 0, 1, true, false);
  public static final Setting<Double> TRAIN_MODEL_L2 =
      Setting.number("train.model.l2", 0, 1, true, true);
  public static final Setting<Long> TRAIN_MODEL_SMALL_DATA_ROWS =
      Setting.longInteger("train.model.small-data.rows", 0, Long.MAX_VALUE / 2);
  public static final Setting<TrainConfig.ModelType> TRAIN_MODEL_SMALL_DATA_TYPE =
      Setting.choice("train.model.small-data.type", TrainConfig.ModelType.class);
  public static final Setting<Double> TRAIN_MODEL_SMALL_DATA_DROPOUT =
      Setting.number("train.model.small-data.dropout", 0, 1, true, false);
  public static final Setting<Double> TRAIN_MODEL_SMALL_DATA_L2 =
      Setting.number("train.model.small-data.l2", 0, 1, true, true);
  public static final Setting<TrainConfig.LinearStartMode> TRAIN_MODEL_LINEAR_START =
      Setting.choice("train.model.linear-start", TrainConfig.LinearStartMode.class);
  public static final Setting<Double> TRAIN_MODEL_LINEAR_START_MARGIN =
      Setting.number("train.model.linear-start-margin", 0, 100, true, true);
  public static final Setting<Double> TRAIN_MODEL_WEIGHT_DECAY =
      Setting.number("train.model.weight-decay", 0, 1, true, true);
  public static final Setting<Boolean> TRAIN_MODEL_BATCH_NORMALIZATION =
      Setting.bool("train.model.batch-normalization");
  public static final Setting<TrainConfig.ClassificationOutput> TRAIN_MODEL_CLASSIFICATION_OUTPUT =
      Setting.choice("train.model.classification-output", TrainConfig.ClassificationOutput.class);
  public static final Setting<TrainConfig.UpdaterType> TRAIN_UPDATER_TYPE =
      Setting.choice("train.updater.type", TrainConfig.UpdaterType.class);
  public static final Setting<Double> TRAIN_UPDATER_LEARNING_RATE =
      Setting.number("train.updater.learning-rate", 0, 10, false, true);
  public static final Setting<Double> TRAIN_UPDATER_MOMENTUM =
      Setting.number("train.updater.momentum", 0, 1, true, false);
  public static final Setting<Double> TRAIN_UPDATER_RMS_DECAY =
      Setting.number("train.updater.rms-decay", 0, 1, false, false);
  public static final Setting<TrainConfig.ScheduleType> TRAIN_UPDATER_SCHEDULE_TYPE =
      Setting.choice("train.updater.schedule.type", TrainConfig.ScheduleType.class);
  public static final Setting<Double> TRAIN_UPDATER_SCHEDULE_DECAY_RATE =
      Setting.number("train.updater.schedule.decay-rate", 0, 1, false, true);
  public static final Setting<Integer> TRAIN_UPDATER_SCHEDULE_DECAY_EPOCHS =
      Setting.integer("train.updater.schedule.decay-epochs", 1, 100_000);
  public static final Setting<Integer> TRAIN_UPDATER_SCHEDULE_WARMUP_EPOCHS =
      Setting.integer("train.updater.schedule.warmup-epochs", 0, 100_000);
  public static final Setting<TrainConfig.MasterType> TRAIN_MASTER_TYPE =
      Setting.choice("train.master.type", TrainConfig.MasterType.class);
  public static final Setting<String> TRAIN_MASTER_GRADIENT_SHARING_NETWORK_MASK =
      Setting.text(
              "train.master.gradient-sharing-network-mask",
              "an IPv4 network in CIDR notation such as 10.1.0.0/16, or empty")
          .map(String::trim)
          .check(
              m -> m.isEmpty() || m.matches("^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$"),
              "an IPv4 network in CIDR notation such as 10.1.0.0/16, or empty");
  public static final Setting<Duration> TRAIN_MASTER_STALL_TIMEOUT =
      Setting.duration("train.master.stall-timeout", Duration.ofSeconds(1), Duration.ofDays(7));
  public static final Setting<Integer> TRAIN_BATCH_SIZE_PER_WORKER =
      Setting.integer("train.batch-size-per-worker", 0, 1_000_000);
  public static final Setting<Integer> TRAIN_AVERAGING_FREQUENCY =
      Setting.integer("train.averaging-frequency", 0, 100_000);
  public static final Setting<TrainConfig.AveragingMethod> TRAIN_AVERAGING_METHOD =
      Setting.choice("train.averaging.method", TrainConfig.AveragingMethod.class);
  public static final Setting<Double> TRAIN_AVERAGING_BLOCK_MOMENTUM =
      Setting.autoNumber("train.averaging.block-momentum", 0, 1, false);
  public static final Setting<Double> TRAIN_AVERAGING_BLOCK_LEARNING_RATE =
      Setting.autoNumber("train.averaging.block-learning-rate", 0, 10, true);
  public static final Setting<Boolean> TRAIN_AVERAGING_NESTEROV =
      Setting.bool("train.averaging.nesterov");
  public static final Setting<TrainConfig.UpdaterState> TRAIN_AVERAGING_UPDATER_STATE =
      Setting.choice("train.averaging.updater-state", TrainConfig.UpdaterState.class);
  public static final Setting<Boolean> TRAIN_AVERAGING_SCALE_LEARNING_RATE =
      Setting.bool("train.averaging.scale-learning-rate");
  public static final Setting<Integer> TRAIN_WORKER_PREFETCH_BATCHES =
      Setting.integer("train.worker-prefetch-batches", 0, 1_000);
  public static final Setting<Integer> TRAIN_WORKERS =
      Setting.integer("train.workers", 0, 1_000_000);
  public static final Setting<Integer> TRAIN_THREADS_PER_WORKER =
      Setting.integer("train.threads-per-worker", 0, 1_024);
  public static final Setting<TrainConfig.BatchScaling> TRAIN_LR_BATCH_SCALING =
      Setting.choice("train.lr-batch-scaling", TrainConfig.BatchScaling.class);
  public static final Setting<Integer> TRAIN_LR_BASE_BATCH_SIZE =
      Setting.integer("train.lr-base-batch-size", 1, 1_000_000);
  public static final Setting<Integer> TRAIN_LR_WARMUP_ITERATIONS =
      Setting.integer("train.lr-warmup-iterations", 0, 100_000_000);
  public static final Setting<TrainConfig.Approach> TRAIN_APPROACH =
      Setting.choice("train.approach", TrainConfig.Approach.class);
  public static final Setting<String> TRAIN_EXPORT_DIR =
      Setting.text("train.export-dir", "a Hadoop path, or empty for <output.dir>/model/_export")
          .map(String::trim);
  public static final Setting<TrainConfig.Repartition> TRAIN_REPARTITION =
      Setting.choice("train.repartition", TrainConfig.Repartition.class);
  public static final Setting<TrainConfig.RepartitionStrategy> TRAIN_REPARTITION_STRATEGY =
      Setting.choice("train.repartition-strategy", TrainConfig.RepartitionStrategy.class);
  public static final Setting<TrainConfig.StorageLevelName> TRAIN_STORAGE_LEVEL =
      Setting.choice("train.storage-level", TrainConfig.StorageLevelName.class);
  public static final Setting<Boolean> TRAIN_COLLECT_STATS = Setting.bool("train.collect-stats");
  public static final Setting<Integer> TRAIN_EVAL_BATCH_SIZE =
      Setting.integer("train.eval-batch-size", 1, 1_000_000);

  // ---- evaluate
  public static final Setting<Integer> EVALUATE_BATCH_SIZE =
      Setting.integer("evaluate.batch-size", 1, 1 << 20);
  public static final Setting<Boolean> EVALUATE_BASELINE = Setting.bool("evaluate.baseline");
  public static final Setting<List<EvaluateConfig.Rung>> EVALUATE_BASELINES =
      Setting.custom(
          "evaluate.baselines", Setting.Kind.TEXT_LIST, "a list of linear | gbt", Settings::rungs);
  public static final Setting<Integer> EVALUATE_GBT_MAX_ITER =
      Setting.integer("evaluate.gbt.max-iter", 1, 10_000);

  /** Null for auto: chosen on validation after training. */
  public static final Setting<Double> EVALUATE_THRESHOLD =
      Setting.custom(
          "evaluate.threshold",
          Setting.Kind.NUMBER,
          "auto or a number in (0, 1)",
          Settings::threshold);

  public static final Setting<Double> EVALUATE_COSTS_FALSE_POSITIVE =
      Setting.number("evaluate.costs.false-positive", 0, Double.MAX_VALUE, true, true);
  public static final Setting<Double> EVALUATE_COSTS_FALSE_NEGATIVE =
      Setting.number("evaluate.costs.false-negative", 0, Double.MAX_VALUE, true, true);
  public static final Setting<Boolean> EVALUATE_IMPORTANCE_ENABLED =
      Setting.bool("evaluate.importance.enabled");
  public static final Setting<Integer> EVALUATE_IMPORTANCE_SAMPLE_ROWS =
      Setting.integer("evaluate.importance.sample-rows", 10, 1_000_000);
  public static final Setting<Integer> EVALUATE_IMPORTANCE_REPEATS =
      Setting.integer("evaluate.importance.repeats", 1, 100);
  public static final Setting<Long> EVALUATE_IMPORTANCE_SEED =
      Setting.seed("evaluate.importance.seed");
  public static final Setting<Integer> EVALUATE_CROSS_VALIDATION_FOLDS =
      Setting.integer("evaluate.cross-validation.folds", 0, 20)
          .check(folds -> folds != 1, "0 (off) or an integer in [2, 20]");
  public static final Setting<Boolean> EVALUATE_REPORT = Setting.bool("evaluate.report");

  // ---- predict
  public static final Setting<String> PREDICT_TABLE_PARTITION_COLUMN =
      Setting.text(
              "predict.table.partition-column",
              "a column name of letters, digits and underscores, not starting with a digit")
          .map(String::trim)
          .check(
              c -> c.matches("[A-Za-z_][A-Za-z0-9_]*"),
              "a column name of letters, digits and underscores, not starting with a digit");
  public static final Setting<TableFormat> PREDICT_TABLE_FORMAT =
      Setting.choice("predict.table.format", TableFormat.class);

  // ---- security, privacy
  public static final Setting<List<String>> SECURITY_SECRET_KEYS =
      Setting.textList("security.secret-keys");
  public static final Setting<List<String>> PRIVACY_DROP_COLUMNS =
      Setting.textList("privacy.drop-columns");
  public static final Setting<List<String>> PRIVACY_HASH_COLUMNS =
      Setting.textList("privacy.hash-columns");

  // ---- run, schedule
  /** Null when no date is set. */
  public static final Setting<LocalDate> RUN_DATE =
      Setting.custom(
          "run.date",
          Setting.Kind.DATE,
          "a date YYYY-MM-DD, or null",
          (r, k) -> RunDates.date(r.config()));

  public static final Setting<ScheduleConfig.Retrain> SCHEDULE_RETRAIN =
      Setting.choice("schedule.retrain", ScheduleConfig.Retrain.class);
  public static final Setting<DayOfWeek> SCHEDULE_WEEKDAY =
      Setting.choice("schedule.weekday", DayOfWeek.class);
  public static final Setting<Double> SCHEDULE_DRIFT_PSI_THRESHOLD =
      Setting.number("schedule.drift.psi-threshold", 0, 100, false, true);
  public static final Setting<Double> SCHEDULE_DRIFT_UNSEEN_THRESHOLD =
      Setting.number("schedule.drift.unseen-threshold", 0, 1, false, true);
  public static final Setting<Double> SCHEDULE_PROMOTION_MAX_REGRESSION =
      Setting.number("schedule.promotion.max-regression", 0, 1, true, true);

  // ---- tune
  public static final Setting<Integer> TUNE_TRIALS = Setting.integer("tune.trials", 0, 10_000);
  public static final Setting<Long> TUNE_SEED = Setting.seed("tune.seed");
  public static final Setting<Map<String, List<Object>>> TUNE_SPACE =
      Setting.customObject(
          "tune.space", "an object of config key to a list of values", Settings::tuneSpace);
  public static final Setting<Long> TUNE_PARALLEL_MAX_VALUES =
      Setting.longInteger("tune.parallel-max-values", 0, Long.MAX_VALUE / 2);

  private static final class Table {
    /** Every row, in the order of the defaults file (the order the reference lists them in). */
    static final List<Setting<?>> ALL = rows();

    static final Map<String, Setting<?>> BY_KEY = byKey(ALL);

    private static List<Setting<?>> rows() {
      List<Setting<?>> rows = new ArrayList<>();
      for (java.lang.reflect.Field f : Settings.class.getDeclaredFields()) {
        if (f.getType() == Setting.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
          try {
            rows.add((Setting<?>) f.get(null));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      rows.sort(
          Comparator.<Setting<?>>comparingInt(s -> Setting.Defaults.line(s.key()))
              .thenComparing(Setting::key));
      return List.copyOf(rows);
    }

    private static Map<String, Setting<?>> byKey(List<Setting<?>> rows) {
      Map<String, Setting<?>> out = new LinkedHashMap<>();
      for (Setting<?> s : rows) {
        if (out.put(s.key(), s) != null) {
          throw new IllegalStateException("Two rows of Settings declare " + s.key());
        }
      }
      return out;
    }
  }

  /** Every setting, in the order of the defaults file. */
  public static List<Setting<?>> all() {
    return Table.ALL;
  }

  /** The row of {@code key}, if dlpipe knows it. */
  public static Optional<Setting<?>> byKey(String key) {
    return Optional.ofNullable(Table.BY_KEY.get(key));
  }

  // ---- The rows with rules of their own.

  /** input.csv.multi-line: auto, or a boolean (HOCON reads a bare true/false as one). */
  private static CsvMultiLine multiLine(ConfigReader r, String key) {
    String expected = "auto | true | false";
    if (r.isNull(key)) {
      throw ConfigReader.invalid(key, expected, r.value(key));
    }
    ConfigValue v = r.value(key);
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) v.unwrapped() ? CsvMultiLine.TRUE : CsvMultiLine.FALSE;
    }
    CsvMultiLine m =
        v.valueType() == ConfigValueType.STRING
            ? ConfigReader.parseEnum(CsvMultiLine.class, (String) v.unwrapped())
            : null;
    if (m == null) {
      throw ConfigReader.invalid(key, expected, v);
    }
    return m;
  }

  /** target.positive-class: null, or a label as text (a number such as 1 is the label "1"). */
  private static String positiveClass(ConfigReader r, String key) {
    if (r.isNull(key)) {
      return null;
    }
    String expected = "a class label of the target, or null";
    String label = r.string(key, expected).trim();
    if (label.isEmpty()) {
      throw ConfigReader.invalid(key, expected, r.value(key));
    }
    return label;
  }

  private static List<Integer> layerWidths(ConfigReader r, String key) {
    List<Integer> widths = new ArrayList<>();
    for (String s : r.stringList(key)) {
      int width;
      try {
        double d = Double.parseDouble(s.trim());
        width = d == Math.rint(d) && d >= 1 && d <= 65_536 ? (int) d : -1;
      } catch (NumberFormatException e) {
        width = -1;
      }
      if (width < 1) {
        throw ConfigReader.invalid(
            key, "a list of layer widths, integers in [1, 65536]", r.value(key));
      }
      widths.add(width);
    }
    return widths;
  }

  /**
   * train.class-weights: auto, none, or an object of class label to a positive weight; with its
   * cap.
   */
  private static TrainConfig.ClassWeights classWeights(ConfigReader r, String key) {
    ConfigValue v = r.value(key);
    double cap = r.get(TRAIN_CLASS_WEIGHT_CAP);
    if (v.valueType() == ConfigValueType.STRING && "auto".equals(v.unwrapped())) {
      return new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.AUTO, Map.of(), cap);
    }
    if (v.valueType() == ConfigValueType.STRING && "none".equals(v.unwrapped())) {
      return new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.NONE, Map.of(), cap);
    }
    if (v.valueType() == ConfigValueType.OBJECT) {
      Map<String, Double> explicit = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
        Object w = e.getValue().unwrapped();
        if (!(w instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > 1000) {
          throw ConfigReader.invalid(
              key + "." + ConfigUtil.joinPath(e.getKey()), "a weight in (0, 1000]", e.getValue());
        }
        explicit.put(e.getKey(), n.doubleValue());
      }
      return new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.EXPLICIT, explicit, cap);
    }
    throw ConfigReader.invalid(key, TRAIN_CLASS_WEIGHTS.expected(), v);
  }

  private static List<EvaluateConfig.Rung> rungs(ConfigReader r, String key) {
    List<EvaluateConfig.Rung> rungs = new ArrayList<>();
    for (String name : r.stringList(key)) {
      EvaluateConfig.Rung rung =
          Arrays.stream(EvaluateConfig.Rung.values())
              .filter(x -> EnumNames.kebab(x).equals(name.trim()))
              .findFirst()
              .orElseThrow(() -> ConfigReader.invalid(key, "a list of linear | gbt", r.value(key)));
      if (!rungs.contains(rung)) {
        rungs.add(rung);
      }
    }
    return rungs;
  }

  private static Double threshold(ConfigReader r, String key) {
    ConfigValue t = r.value(key);
    if (t.valueType() == ConfigValueType.STRING && "auto".equals(t.unwrapped())) {
      return null;
    }
    if (t.valueType() == ConfigValueType.NUMBER
        && ((Number) t.unwrapped()).doubleValue() > 0
        && ((Number) t.unwrapped()).doubleValue() < 1) {
      return ((Number) t.unwrapped()).doubleValue();
    }
    throw ConfigReader.invalid(key, "auto or a number in (0, 1)", t);
  }

  /** tune.space: each key one dlpipe knows, outside tune, to a non-empty list of values to try. */
  private static Map<String, List<Object>> tuneSpace(ConfigReader r, String key) {
    // Sorted: HOCON objects do not keep their order, and tuning.csv columns must not move between
    // runs.
    Map<String, List<Object>> space = new TreeMap<>();
    ConfigValue root = r.value(key);
    if (!(root instanceof ConfigObject)) {
      throw ConfigReader.invalid(key, "an object of config key to a list of values", root);
    }
    List<String> leaves = new ArrayList<>();
    ConfigLoader.leafPaths("", ((ConfigObject) root).toConfig().root(), leaves);
    for (String leaf : leaves) {
      ConfigValue v = ((ConfigObject) root).toConfig().getValue(leaf);
      if (!ConfigLoader.isKnown(Setting.Defaults.CONFIG, leaf) || leaf.startsWith("tune.")) {
        throw ConfigReader.invalid(key + "." + leaf, "a train.* or evaluate.* key dlpipe knows", v);
      }
      if (v.valueType() != ConfigValueType.LIST || ((List<?>) v.unwrapped()).isEmpty()) {
        throw ConfigReader.invalid(key + "." + leaf, "a non-empty list of values to try", v);
      }
      space.put(leaf, List.copyOf((List<?>) v.unwrapped()));
    }
    return space;
  }
}
