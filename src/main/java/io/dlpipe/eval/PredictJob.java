package io.dlpipe.eval;

import io.dlpipe.ConfigException;
import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.InputConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Privacy;
import io.dlpipe.input.InputReader;
import io.dlpipe.input.TableSink;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.OutputMarker;
import io.dlpipe.workspace.StagedOutput;
import io.dlpipe.workspace.WorkspaceGuard;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch prediction: new raw data in the input format, transformed by exactly the fitted transform
 * the model was trained with (through {@link FittedTransform#apply}, the code etl used), scored on
 * Spark. The scoring itself is {@link BundleScorer}, the same code as the Spark ML model's; this
 * job adds the I/O around it: reading, privacy, the output guards, staging, the quarantine, the
 * reject ratio, the unseen-level counts and the summary. Writes the input's columns plus {@code
 * prediction}, the class probabilities, {@code model_id} and {@code scored_at}. Rows that cannot be
 * transformed go to {@code <output>_quarantine} with a reason; the counts reconcile. Schema drift
 * stops the job before anything is scored.
 *
 * <p>The output is the user's path, so it is guarded: it must not overlap the input, output.dir or
 * the model; an existing path is replaced only when it is an earlier prediction output (its {@code
 * _dlpipe.json} marker says so) and {@code overwrite} is set. Both folders are written to staging
 * folders beside them and renamed into place at the end ({@link StagedOutput}).
 */
public final class PredictJob {
  private static final Logger LOG = LoggerFactory.getLogger(PredictJob.class);
  public static final String MODEL_ID = BundleScorer.MODEL_ID;
  public static final String SCORED_AT = "scored_at";
  public static final String PROBABILITY_PREFIX = BundleScorer.PROBABILITY_PREFIX;

  /** Beside the Parquet files; Spark's readers skip names that start with an underscore. */
  public static final String SUMMARY = "_dlpipe-predict-summary.json";

  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final String input;
  private final String output;
  private final boolean overwrite;
  private final String quarantine;

  /**
   * A partition of the workspace (run --date), not the user's path: it lies inside output.dir by
   * design.
   */
  private final boolean workspacePartition;

  /** How messages name the output: "--output", or the day's partition of run --date. */
  private final String outputRole;

  /**
   * Set when the rows go into tables ({@code --output-table}) instead of the folder {@code output}.
   */
  private final TableSink tables;

  private StagedOutput stagedOutput;
  private StagedOutput stagedQuarantine;

  public PredictJob(SparkSession spark, DlpipeConfig cfg, String input, String output) {
    this(spark, cfg, input, output, false);
  }

  /**
   * @param overwrite replace an earlier prediction output at {@code output} (never anything else)
   */
  public PredictJob(
      SparkSession spark, DlpipeConfig cfg, String input, String output, boolean overwrite) {
    this(spark, cfg, input, output, quarantineOf(output), overwrite, false, "--output", null);
  }

  /**
   * Scores into tables: this run's partition of the output table and of its quarantine table
   * ({@link TableSink}).
   */
  public PredictJob(SparkSession spark, DlpipeConfig cfg, String input, TableSink tables) {
    this(
        spark,
        cfg,
        input,
        tables.table(),
        tables.quarantineTable(),
        false,
        false,
        "--output-table",
        tables);
  }

  private PredictJob(
      SparkSession spark,
      DlpipeConfig cfg,
      String input,
      String output,
      String quarantine,
      boolean overwrite,
      boolean workspacePartition,
      String outputRole,
      TableSink tables) {
    this.outputRole = outputRole;
    this.spark = spark;
    this.cfg = cfg;
    this.input = input;
    this.output = output;
    this.quarantine = quarantine;
    this.overwrite = overwrite;
    this.workspacePartition = workspacePartition;
    this.tables = tables;
  }

  /**
   * Scores {@code input} into one day's partition of the workspace ({@code run --date}): {@code
   * output} and {@code quarantine} lie inside output.dir, and an earlier prediction output there
   * (the same day run again) is replaced; anything dlpipe did not write there is still refused.
   */
  public static PredictJob partition(
      SparkSession spark,
      DlpipeConfig cfg,
      String input,
      String output,
      String quarantine,
      String role) {
    return new PredictJob(spark, cfg, input, output, quarantine, true, true, role, null);
  }

  /** How messages name the predictions partition of a run date. */
  public static String partitionRole(java.time.LocalDate date) {
    return "the predictions of " + date;
  }

  /** The quarantine folder beside an output folder. */
  public static String quarantineOf(String output) {
    return (output.endsWith("/") ? output.substring(0, output.length() - 1) : output)
        + "_quarantine";
  }

  /** Runs the prediction; returns rows read, scored and quarantined. */
  public Map<String, Long> run() {
    HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    if (tables == null) {
      checkOutputs(files);
    } else {
      tables.check();
    }
    try {
      return execute(files);
    } catch (Exception e) {
      RuntimeException failure =
          e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      for (StagedOutput staged : new StagedOutput[] {stagedQuarantine, stagedOutput}) {
        if (staged != null) {
          failure = staged.failed(failure);
        }
      }
      throw failure;
    }
  }

  /**
   * Refuses, before anything is read or written, an output that could destroy data (exit code 2).
   */
  private void checkOutputs(HadoopFiles files) {
    WorkspaceGuard.predict(
            files.conf(), cfg, input, output, quarantine, outputRole, workspacePartition)
        .check();
    if (!overwrite) {
      for (String path : List.of(output, quarantine)) {
        if (files.status(path) != null) {
          OutputMarker m = OutputMarker.read(files, path);
          throw new ConfigException(
              "Refusing to replace "
                  + path
                  + ": it holds an earlier prediction output (run "
                  + m.runId()
                  + ", "
                  + m.createdAt()
                  + "); pass --overwrite to replace it, or choose another --output");
        }
      }
    }
  }

  private Map<String, Long> execute(HadoopFiles files) {
    ModelBundle bundle = ModelBundle.open(files, spark.sparkContext().hadoopConfiguration(), cfg);
    FittedTransform transform = bundle.transform();
    // Predict applies privacy to everything it reads (below), because it writes the rows back out.
    BundleScorer scorer = new BundleScorer(bundle, null);
    InputConfig in = cfg.input();
    InputConfig source = in.withSource(input);
    StageTimer timer = new StageTimer(spark, "predict", 3);
    Instant scoredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Dataset<Row> typed;
    try (StageTimer.Stage s =
        timer.start("check", "read the input and check its schema against training")) {
      // The same privacy rules as etl, so the model sees the same hashed values it was trained on.
      typed = Privacy.apply(InputReader.readTyped(spark, source), cfg.privacy(), source, false);
      BundleScorer.checkSchema(typed.schema(), transform, input);
      checkOutputNames(typed.schema(), input);
    }
    Dataset<Row> raw = InputReader.asText(typed);
    List<String> inputColumns = InputReader.columnNames(raw);
    Dataset<Row> validated = scorer.validate(raw, input).persist(StorageLevel.MEMORY_AND_DISK());
    if (tables == null) {
      stagedQuarantine =
          StagedOutput.begin(
              files, quarantine, OutputKind.PREDICT_QUARANTINE, "the quarantine of " + outputRole);
      stagedOutput = StagedOutput.begin(files, output, OutputKind.PREDICTIONS, outputRole);
    }
    long read = 0;
    Map<String, Long> byReason = new TreeMap<>();
    try (StageTimer.Stage s = timer.start("validate", "validate rows and write the quarantine")) {
      for (Row r : validated.groupBy(Columns.REASON).count().collectAsList()) {
        read += r.getLong(1);
        if (!r.isNullAt(0)) {
          byReason.put(r.getString(0), r.getLong(1));
        }
      }
      if (tables == null) {
        writeQuarantine(scorer.quarantine(validated));
      } else {
        tables.writeQuarantine(scorer.quarantine(validated));
      }
      s.rows(read);
    }
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    // An earlier output keeps the quarantine that belongs to it: a failed --overwrite leaves the
    // new one in its staging folder.
    boolean earlierOutput = stagedQuarantine != null && files.status(output) != null;
    try {
      checkRejects(
          read,
          quarantined,
          byReason,
          earlierOutput
              ? stagedQuarantine.path()
                  + " (the earlier output "
                  + output
                  + " and its quarantine are kept)"
              : quarantine);
    } catch (DataException e) {
      // The quarantine is complete and is what tells the user why: it becomes visible, the output
      // does not.
      if (earlierOutput) {
        stagedQuarantine.keepForInspection();
      } else if (stagedQuarantine != null) {
        stagedQuarantine.commit();
      }
      throw e;
    }
    Dataset<Row> good = validated.where(functions.col(Columns.REASON).isNull());
    Map<String, Long> unseen = UnseenLevels.count(good, transform);

    long scored;
    try (StageTimer.Stage s = timer.start("score", "transform and score")) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Broadcast<byte[]> network = jsc.broadcast(bundle.network());
      Dataset<Row> result = scorer.score(good, network, cfg.evaluate().batchSize());
      Dataset<Row> rows =
          result.select(
              outputColumns(typed.schema(), inputColumns, scorer, scoredAt).toArray(new Column[0]));
      if (tables == null) {
        writeOutput(rows);
        scored = spark.read().parquet(stagedOutput.path()).count();
      } else {
        // Counted in the partition after the write: a rerun that duplicated rows would not
        // reconcile below.
        scored = tables.writeScored(rows);
      }
      network.destroy();
      s.rows(scored);
    }
    validated.unpersist();
    if (scored == 0) {
      throw new DataException(
          "Nothing was scored: the input "
              + input
              + " has no rows that could be scored ("
              + read
              + " read, "
              + quarantined
              + " quarantined)");
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("rows_read", read);
    counts.put("rows_scored", scored);
    counts.put("rows_quarantined", quarantined);
    if (read != scored + quarantined) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "Counts do not reconcile: read %d != scored %d + quarantined %d",
              read,
              scored,
              quarantined));
    }
    Map<String, Object> summary = new LinkedHashMap<>(counts);
    summary.put("quarantined_by_reason", byReason);
    summary.put("unseen_levels", unseen);
    summary.put("model_id", bundle.modelId());
    summary.put("scored_at", scoredAt.toString());
    summary.put("input", cfg.masker().scrub(input)); // an --input URL may carry credentials
    summary.put("quarantine", quarantine);
    if (tables == null) {
      files.writeText(HadoopFiles.join(stagedOutput.path(), SUMMARY), Json.write(summary));
      // The quarantine first: an output that is visible always has its quarantine beside it.
      stagedQuarantine.commit();
      stagedOutput.commit();
    } else {
      // A table has no folder of dlpipe's to hold the summary file; the log keeps it.
      summary.put("partition", tables.partition());
      LOG.info("Predict summary: {}", Json.write(summary).replaceAll("\\s*\\R\\s*", " "));
    }
    LOG.info(
        "Predict done: read {}, scored {}, quarantined {} {} -> {}",
        read,
        scored,
        quarantined,
        byReason,
        output);
    return counts;
  }

  /** The rejected rows, with their reasons, into the quarantine's staging folder. */
  private void writeQuarantine(Dataset<Row> rows) {
    // Append into the fresh staging folder: Overwrite would delete it, marker and all.
    rows.write().mode(SaveMode.Append).parquet(stagedQuarantine.path());
  }

  /** The scored rows into the output's staging folder. */
  private void writeOutput(Dataset<Row> rows) {
    rows.write().mode(SaveMode.Append).parquet(stagedOutput.path());
  }

  /**
   * Predict fails like etl when too much of the input is bad, after the quarantine is written so
   * that the reasons can be inspected: a model scoring a fraction of the rows is not a success.
   */
  private void checkRejects(
      long read, long quarantined, Map<String, Long> byReason, String quarantine) {
    if (read == 0) {
      throw new DataException("Input is empty: " + input + " has no data rows to score");
    }
    double ratio = (double) quarantined / read;
    if (ratio > cfg.etl().maxRejectRatio()) {
      throw new DataException(
          String.format(
              Locale.ROOT,
              "Too many bad rows: %d of %d rows (%.2f%%) were quarantined, more than etl.max-reject-ratio = %s; reasons: %s; see %s",
              quarantined,
              read,
              100.0 * ratio,
              cfg.etl().maxRejectRatio(),
              byReason,
              quarantine));
    }
  }

  /**
   * An input column named like one predict adds would be written twice (Spark refuses that) or be
   * mistaken for a prediction downstream: refused as a usage error before anything runs.
   */
  static void checkOutputNames(StructType schema, String where) {
    List<String> clashes = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals(Scoring.PREDICTION)
          || lower.equals(MODEL_ID)
          || lower.equals(SCORED_AT)
          || lower.startsWith(PROBABILITY_PREFIX)) {
        clashes.add(name);
      }
    }
    if (!clashes.isEmpty()) {
      throw new io.dlpipe.ConfigException(
          "Input columns "
              + clashes
              + " of "
              + where
              + " have the names of predict's output columns (prediction, "
              + PROBABILITY_PREFIX
              + "<class>, "
              + MODEL_ID
              + ", "
              + SCORED_AT
              + "); rename or drop them before predicting");
    }
  }

  /**
   * The input's columns with their original types, then the prediction columns, then {@code
   * scored_at}.
   */
  private static List<Column> outputColumns(
      StructType typed, List<String> inputColumns, BundleScorer scorer, Instant scoredAt) {
    List<Column> out = new ArrayList<>();
    for (String name : inputColumns) {
      StructField f = typed.apply(name);
      DataType t = f.dataType();
      boolean atomic = !(t instanceof StructType || t instanceof ArrayType || t instanceof MapType);
      // Text was only the reading format: numbers and booleans go out as they came in.
      out.add(
          atomic && !t.equals(DataTypes.StringType)
              ? Columns.col(name).cast(t).as(name)
              : Columns.col(name));
    }
    for (StructField f : scorer.predictionFields()) {
      out.add(Columns.col(f.name()));
    }
    out.add(functions.lit(java.sql.Timestamp.from(scoredAt)).as(SCORED_AT));
    return out;
  }
}
