package io.dlpipe.etl;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.Json;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.PreparedLayout;
import io.dlpipe.workspace.StagedOutput;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ETL stage: raw data to {@code prepared/} (three Parquet splits, the fitted transform, the
 * quarantine, the summary, and {@code _SUCCESS} last). Orchestration only: each step is a pure
 * transformation in this package, and I/O goes through {@code io}.
 *
 * <p>Everything is written to a staging folder beside {@code prepared/} and made visible by a
 * rename at the end ({@link StagedOutput}), so a run that fails or is killed half-way leaves the
 * previous {@code prepared/} untouched and nothing that looks complete. {@code prepared/} is
 * replaced only when it carries etl's marker, and never when the input lies inside it.
 */
public final class EtlJob {
  private static final Logger LOG = LoggerFactory.getLogger(EtlJob.class);
  private static final List<String> SPLITS = List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST);
  /** Rough Parquet bytes per row beyond the features: the label, page and row-group overhead. */
  private static final long ROW_OVERHEAD_BYTES = 16;
  private static final long QUARANTINE_ROWS_PER_FILE = 1_000_000;

  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final HadoopFiles files;
  private final PreparedLayout layout;
  /** The staging folder of this run, once the input has been checked. */
  private StagedOutput staged;
  /** A frame to read instead of input.path (the Spark ML estimator's), or null. */
  private final Dataset<Row> source;

  public EtlJob(SparkSession spark, DlpipeConfig cfg) {
    this(spark, cfg, null);
  }

  /**
   * ETL over a frame a Spark program already has (typed columns, any source) instead of
   * input.path; everything after reading is the same code. {@code io.dlpipe.ml.DlpipeEstimator}
   * fits through here.
   */
  public EtlJob(SparkSession spark, DlpipeConfig cfg, Dataset<Row> source) {
    this.spark = spark;
    this.cfg = cfg;
    this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    this.layout = new PreparedLayout(cfg.output().preparedDir());
    this.source = source;
  }

  public EtlResult run() {
    try {
      return execute();
    } catch (Exception e) {
      Exception failure = staged == null ? e : staged.failed(e);
      if (failure instanceof io.dlpipe.DlpipeException d) {
        throw d;
      }
      throw InputReader.explain(spark, failure, cfg.input());
    }
  }

  private EtlResult execute() {
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    EtlConfig etl = cfg.etl();
    List<String> nullValues = cfg.input().nullValues();
    StageTimer timer = new StageTimer(spark, "etl", 8);
    // Before anything is read or written: prepared/ must be etl's, and the input must not lie inside it.
    if (source == null) { // a frame handed over by the Spark ML estimator has no path to overlap with
      String why = "etl replaces that folder, so it would destroy its own input. Move the input out of it";
      if (!cfg.input().isTable()) {
        OutputGuard.requireDisjoint(files.conf(), cfg.input().path(), "input.path", layout.root(), "the etl output folder", why);
      } else {
        // A table's files are where its catalog says; a table without a location (JDBC, in-memory) has no files etl could replace.
        String table = cfg.input().table();
        io.dlpipe.input.TableRef.resolve(spark, table, "input.table").location().ifPresent(location ->
            OutputGuard.requireDisjoint(files.conf(), location, "the location of input.table " + table, layout.root(), "the etl output folder", why));
      }
    }
    OutputGuard.requireReplaceable(files, layout.root(), OutputKind.PREPARED, "the etl output folder");

    Dataset<Row> raw;
    List<String> inputColumns;
    try (StageTimer.Stage s = timer.start("read", "read the raw input's layout")) {
      // Personal columns are dropped or hashed before any stage, log or file can see them.
      raw = Privacy.apply(source == null ? InputReader.read(spark, cfg.input()) : InputReader.fromFrame(source), cfg.privacy(), cfg.input(), true);
      inputColumns = InputReader.columnNames(raw);
      RoleInference.checkSchema(inputColumns, cfg.input(), cfg.target().column(), etl.split().idColumn(), etl.dedup().keyColumns());
      LOG.info("Input {} ({}): {} columns", cfg.input().describe(), cfg.input().format().name().toLowerCase(Locale.ROOT), inputColumns.size());
    }
    staged = StagedOutput.begin(files, layout.root(), OutputKind.PREPARED, "the etl output folder");
    PreparedLayout out = new PreparedLayout(staged.path());

    // Files are parsed twice, by infer and by validate, and every later pass reads validate's
    // cached copy. Caching the parse as well would write the whole input to executor disk a second
    // time when it exceeds memory, to save one parse (about 10% of etl's CPU at 300k rows, measured
    // with and without). A frame from a Spark program is cached: its lineage may be costly to recompute.
    Dataset<Row> parsed = source == null ? raw : raw.persist(StorageLevel.MEMORY_AND_DISK());
    List<ColumnSpec> specs;
    try (StageTimer.Stage s = timer.start("infer", "parse the input once and infer column roles")) {
      specs = RoleInference.infer(parsed, inputColumns, cfg.input(), cfg.target().column(), etl.infer());
      logRoles(specs);
    }

    // Validation, the split and every statistic of the fit come from one aggregation over this.
    boolean csv = source == null && cfg.input().format() == io.dlpipe.config.InputFormat.CSV;
    int maxLines = csv ? cfg.input().maxRecordLines() : Integer.MAX_VALUE;
    Dataset<Row> checked = Splitter.split(RowValidator.validate(parsed, specs, cfg.target().task(), cfg.target().classes(), true, nullValues, maxLines), etl.split(), specs, nullValues)
        .persist(StorageLevel.MEMORY_AND_DISK());
    FitStatistics stats;
    long rowsRead;
    Map<String, Long> byReason;
    try (StageTimer.Stage s = timer.start("validate", "validate rows, split, and measure train for the fit")) {
      stats = TransformFitter.measure(checked, specs, cfg.target(), etl, nullValues);
      byReason = new TreeMap<>(stats.reasons);
      rowsRead = stats.reasons.values().stream().mapToLong(Long::longValue).sum() + stats.splits.values().stream().mapToLong(Long::longValue).sum();
      s.rows(rowsRead);
    }
    parsed.unpersist();
    if (rowsRead == 0) {
      throw new DataException("Input is empty: " + cfg.input().describe() + " (" + cfg.input().sourceKey() + (cfg.input().where().isEmpty() ? "" : ", input.where") + ") has no data rows");
    }
    if (etl.split().idColumn().isEmpty()) {
      FeatureRows.requireFeatures(specs);
    }
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    long[] lines = csv ? lines(checked) : new long[] {rowsRead, quarantined};
    double rejectRatio = (double) lines[1] / lines[0];

    try (StageTimer.Stage s = timer.start("quarantine", "write the quarantine")) {
      int qFiles = (int) Math.max(1, Math.min(checked.rdd().getNumPartitions(), quarantined / QUARANTINE_ROWS_PER_FILE + 1));
      RowValidator.quarantine(checked, inputColumns).coalesce(qFiles).write().mode(SaveMode.Overwrite).parquet(out.quarantine());
      s.rows(quarantined);
    }
    String tooLong = byReason.containsKey(QuarantineReason.RECORD_TOO_LONG.code()) ? tooLong(checked, byReason.get(QuarantineReason.RECORD_TOO_LONG.code()), out) : null;
    if (tooLong != null || rejectRatio > etl.maxRejectRatio()) {
      String error = tooLong != null ? tooLong : String.format(Locale.ROOT, "%d of %d rows (%.2f%%) were quarantined, more than etl.max-reject-ratio = %s; reasons: %s; see %s",
          lines[1], lines[0], 100.0 * rejectRatio, etl.maxRejectRatio(), byReason, out.quarantine())
          + (lines[0] == rowsRead ? "" : " (rows counted as the physical lines of the records: " + quarantined + " of " + rowsRead + " records)");
      files.writeText(out.summary(), Json.write(summary("failed", error, rowsRead, quarantined, byReason, lines, 0, 0, Map.of(), 0, null, timer, started)));
      checked.unpersist();
      // The previous prepared/ stays; this run's quarantine and summary stay in the staging folder until the next etl.
      staged.keepForInspection();
      throw new DataException(tooLong != null ? "Record too long: " + error : "Too many bad rows: " + error);
    }

    Dataset<Row> good = checked.where(functions.col(Columns.REASON).isNull());
    long duplicates;
    Dataset<Row> splitted = good;
    boolean report = etl.dedup().mode() == EtlConfig.DedupMode.REPORT;
    try (StageTimer.Stage s = timer.start("dedup", report ? "count duplicate rows" : "remove duplicate rows")) {
      if (report) {
        duplicates = Deduplicator.countDuplicates(good, Deduplicator.identity(etl.dedup(), inputColumns));
      } else {
        // Removal changes what the fit sees: measure the remaining rows again, and count what went.
        splitted = Deduplicator.remove(good, etl.dedup(), inputColumns).persist(StorageLevel.MEMORY_AND_DISK());
        stats = TransformFitter.measure(splitted, specs, cfg.target(), etl, nullValues);
        duplicates = rowsRead - quarantined - stats.splits.values().stream().mapToLong(Long::longValue).sum();
      }
      s.rows(rowsRead - quarantined);
      LOG.info("Duplicates: {} found ({}), {}", duplicates, etl.dedup().mode() == EtlConfig.DedupMode.KEYS ? "by key columns " + etl.dedup().keyColumns() : "identical rows",
          report ? "kept (etl.dedup.mode = report)" : "removed");
    }
    long removed = report ? 0 : duplicates;

    Map<String, Long> splitCounts = new LinkedHashMap<>();
    for (String name : SPLITS) {
      splitCounts.put(name, stats.splits.getOrDefault(name, 0L));
    }
    String splitRule = Splitter.rule(etl.split());
    LOG.info("Split by {} ({}): {}", etl.split().idColumn().isEmpty() ? "a hash of the feature columns, never the target" : "a hash of " + etl.split().idColumn(),
        splitRule, splitCounts);
    if (splitCounts.get(Columns.TRAIN) == 0) {
      checked.unpersist();
      splitted.unpersist();
      throw new DataException("The train split is empty: no good row was left after cleaning " + cfg.input().describe());
    }

    List<String> classes = cfg.target().task() == io.dlpipe.config.Task.CLASSIFICATION ? TransformFitter.classes(stats, cfg.target()) : List.of();
    FeatureRowStats featureRows;
    try (StageTimer.Stage s = timer.start("feature-rows", "count distinct feature rows and conflicting labels")) {
      // The positive class of a binary task is the last one, as the output head decides.
      featureRows = FeatureRows.measure(splitted, cfg.target().task(), classes.size() == 2 ? classes.get(1) : null, splitRule, SPLITS);
      s.rows(rowsRead - quarantined - removed);
      logFeatureRows(featureRows);
    }

    FittedTransform transform;
    try (StageTimer.Stage s = timer.start("fit", "fit the transform on train")) {
      Dataset<Row> train = splitted.where(functions.col(Columns.SPLIT).equalTo(Columns.TRAIN));
      transform = TransformFitter.fit(stats, train, specs, classes, cfg.target(), etl, nullValues)
          .withSplitRule(new FittedTransform.SplitRule(splitRule, etl.split().idColumn().isEmpty() ? FeatureRows.featureColumns(specs) : List.of(etl.split().idColumn())));
      s.rows(splitCounts.get(Columns.TRAIN));
      LOG.info("Transform fitted on {} train rows: {} features ({} numeric, {} date, {} categorical columns){}", splitCounts.get(Columns.TRAIN), transform.featureCount(),
          transform.numeric().size(), transform.dates().size(), transform.categorical().size(), classes.isEmpty() ? "" : ", classes " + classes);
    }

    Map<String, Long> written = new LinkedHashMap<>();
    try (StageTimer.Stage s = timer.start("write", "write the prepared splits")) {
      for (String name : SPLITS) {
        written.put(name, writeSplit(splitted, transform, name, splitCounts.get(name), inputColumns, out));
      }
      s.rows(written.values().stream().mapToLong(Long::longValue).sum());
    }
    splitted.unpersist();
    checked.unpersist();

    EtlSummary summary = summary("succeeded", null, rowsRead, quarantined, byReason, lines, duplicates, removed, written, transform.featureCount(), featureRows, timer, started);
    if (!summary.reconciles()) {
      throw new IllegalStateException(String.format(Locale.ROOT, "Counts do not reconcile: read %d != written %d + duplicates removed %d + quarantined %d",
          rowsRead, summary.totalWritten(), removed, quarantined));
    }
    files.writeText(out.transform(), transform.toJson());
    files.writeText(out.summary(), Json.write(summary));
    files.writeText(out.success(), "");
    staged.commit();
    LOG.info("ETL done: read {}, written {} (train {}, validation {}, test {}), quarantined {}, duplicates removed {} -> {}", rowsRead, summary.totalWritten(),
        written.get(Columns.TRAIN), written.get(Columns.VALIDATION), written.get(Columns.TEST), quarantined, removed, layout.root());
    return new EtlResult(summary, transform);
  }

  /**
   * Writes one split in files of about etl.write.target-file-mb, rows spread over files by a
   * seeded hash and ordered by it inside each file: a deterministic shuffle, so training never sees
   * the input's order (often sorted by date or id). Returns the rows actually written, counted
   * from the Parquet footers.
   */
  private long writeSplit(Dataset<Row> splitted, FittedTransform transform, String name, long rows, List<String> inputColumns, PreparedLayout out) {
    long bytesPerRow = 4L * transform.featureCount() + ROW_OVERHEAD_BYTES;
    long target = (long) cfg.etl().write().targetFileMb() << 20;
    int filesWanted = (int) Math.max(1, Math.min(100_000, (rows * bytesPerRow + target - 1) / target));
    String order = Columns.INTERNAL_PREFIX + "order";
    Dataset<Row> prepared =
        transform.apply(splitted.where(functions.col(Columns.SPLIT).equalTo(name)))
            .withColumn(order, Splitter.unitHash(cfg.etl().split().seed() + 1, inputColumns))
            .repartition(filesWanted, functions.col(order))
            .sortWithinPartitions(order)
            .select(Columns.FEATURES, Columns.LABEL);
    prepared.write().mode(SaveMode.Overwrite).option("compression", cfg.etl().write().compression()).parquet(out.split(name));
    return spark.read().parquet(out.split(name)).count();
  }

  private EtlSummary summary(String status, String error, long read, long quarantined, Map<String, Long> byReason, long[] lines, long duplicates, long removed,
      Map<String, Long> written, int features, FeatureRowStats featureRows, StageTimer timer, Instant started) {
    // Written to etl-summary.json: the one secret policy (URL credentials in the path, secret values in the error).
    return new EtlSummary(status, cfg.masker().scrub(error), cfg.masker().scrub(cfg.input().describe()), cfg.input().format().name().toLowerCase(Locale.ROOT), read, quarantined, byReason, lines[0], lines[1],
        lines[0] == 0 ? 0 : TransformFitter.round((double) lines[1] / lines[0]), cfg.etl().maxRejectRatio(), duplicates, removed, written, features,
        timer.seconds(), started.toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), featureRows);
  }

  private static void logFeatureRows(FeatureRowStats f) {
    for (Map.Entry<String, FeatureRowStats.Part> e : f.bySplit().entrySet()) {
      FeatureRowStats.Part p = e.getValue();
      Double bound = p.maxAuc() != null ? p.maxAuc() : p.maxAccuracy() != null ? p.maxAccuracy() : p.maxR2();
      String metric = p.maxAuc() != null ? "AUC" : p.maxAccuracy() != null ? "accuracy" : "R²";
      LOG.info("Feature rows of {}: {} rows, {} distinct feature rows, {} of them ({} rows) with more than one label; no model exceeds {} {} on these rows",
          e.getKey(), p.rows(), p.distinct(), p.withSeveralLabels(), p.rowsWithSeveralLabels(), metric, bound);
    }
    if (f.inSeveralSplits() > 0) {
      LOG.info("{} distinct feature rows occur in more than one split (etl.split.id-column decides the split)", f.inSeveralSplits());
    }
    f.warnings().forEach(w -> LOG.warn("{}", w));
  }

  /**
   * Physical lines read and quarantined: one pass over the cached validated rows, for CSV only
   * (a record of the other formats is one line).
   */
  private static long[] lines(Dataset<Row> checked) {
    Column l = functions.col(Columns.LINES).cast("long");
    Row r = checked.agg(functions.sum(l), functions.sum(functions.when(functions.col(Columns.REASON).isNotNull(), l).otherwise(0L))).head();
    return new long[] {r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1)};
  }

  /**
   * The error for records longer than input.csv.max-record-lines: the first such file, and the
   * line where its first such record starts (one read of that file on the driver, on this failure only).
   */
  private String tooLong(Dataset<Row> checked, long records, PreparedLayout out) {
    Row first = checked.where(functions.col(Columns.REASON).equalTo(QuarantineReason.RECORD_TOO_LONG.code()))
        .groupBy(Columns.SOURCE).agg(functions.max(Columns.LINES)).orderBy(Columns.SOURCE).head();
    String file = first.getString(0);
    int max = cfg.input().maxRecordLines();
    long[] at = InputReader.firstLongRecord(spark, cfg.input(), file, max);
    String where = at == null ? file : file + " line " + at[0] + " (" + at[1] + " lines)";
    return String.format(Locale.ROOT, "%d record(s) span more than input.csv.max-record-lines = %d lines, the first at %s: a quote that is never closed, or closed far"
        + " below, folds the lines after it into one record. Fix the quoting there (or raise input.csv.max-record-lines for cells that really hold that many lines);"
        + " the records are in %s", records, max, where, out.quarantine());
  }

  private static void logRoles(List<ColumnSpec> specs) {
    long numeric = specs.stream().filter(ColumnSpec::isNumeric).count();
    long categorical = specs.stream().filter(ColumnSpec::isCategorical).count();
    long dates = specs.stream().filter(ColumnSpec::isDate).count();
    long ignored = specs.stream().filter(s -> s.role().equals("ignore")).count();
    LOG.info("Column roles: {} numeric, {} categorical, {} date, {} ignored, 1 target", numeric, categorical, dates, ignored);
    for (ColumnSpec s : specs) {
      LOG.info("  {} -> {} ({}: {})", s.name(), s.role(), s.origin(), s.reason());
    }
  }
}
