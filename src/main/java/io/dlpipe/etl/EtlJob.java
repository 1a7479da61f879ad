package io.dlpipe.etl;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.PreparedLayout;
import io.dlpipe.workspace.StagedOutput;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
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
  private static final List<String> SPLITS =
      List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST);

  /** Rough Parquet bytes per row beyond the features: the label, page and row-group overhead. */
  private static final long ROW_OVERHEAD_BYTES = 16;

  private static final long QUARANTINE_ROWS_PER_FILE = 1_000_000;

  /** Rows of fingerprints per shuffle partition in the duplicate count and feature-row facts. */
  private static final long ROWS_PER_SHUFFLE_PARTITION = 500_000;

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
   * ETL over a frame a Spark program already has (typed columns, any source) instead of input.path;
   * everything after reading is the same code. {@code io.dlpipe.ml.DlpipeEstimator} fits through
   * here.
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
    // Before anything is read or written: prepared/ must be etl's, and the input must not lie
    // inside it.
    if (source
        == null) { // a frame handed over by the Spark ML estimator has no path to overlap with
      String why =
          "etl replaces that folder, so it would destroy its own input. Move the input out of it";
      if (!cfg.input().isTable()) {
        OutputGuard.requireDisjoint(
            files.conf(),
            cfg.input().path(),
            "input.path",
            layout.root(),
            "the etl output folder",
            why);
      } else {
        // A table's files are where its catalog says; a table without a location (JDBC, in-memory)
        // has no files etl could replace.
        String table = cfg.input().table();
        io.dlpipe.input.TableRef.resolve(spark, table, "input.table")
            .location()
            .ifPresent(
                location ->
                    OutputGuard.requireDisjoint(
                        files.conf(),
                        location,
                        "the location of input.table " + table,
                        layout.root(),
                        "the etl output folder",
                        why));
      }
    }
    OutputGuard.requireReplaceable(
        files, layout.root(), OutputKind.PREPARED, "the etl output folder");

    // CSV with input.csv.multi-line = auto is first read line by line, without the scan for quoted
    // newlines (a full read of its own); only when the statistics pass finds malformed rows are
    // their
    // files scanned, and only when one holds a quoted newline is the input read again with the
    // scan.
    boolean deferScan = source == null && InputReader.scanDeferred(cfg.input());
    PreparedLayout out = null;
    Dataset<Row> raw;
    List<String> inputColumns;
    Dataset<Row> input;
    List<ColumnSpec> specs;
    RoleInference.Inferred inferred;
    boolean csv = source == null && cfg.input().format() == io.dlpipe.config.InputFormat.CSV;
    int maxLines = csv ? cfg.input().maxRecordLines() : Integer.MAX_VALUE;
    boolean report = etl.dedup().mode() == EtlConfig.DedupMode.REPORT;
    Dataset<Row> checked;
    StatisticsPass.Result pass;
    FitStatistics stats;
    long rowsRead;
    Map<String, Long> byReason;
    while (true) {
      try (StageTimer.Stage s = timer.start("read", "read the raw input's layout")) {
        // Personal columns are dropped or hashed before any stage, log or file can see them.
        Dataset<Row> read =
            source != null
                ? InputReader.fromFrame(source)
                : deferScan
                    ? InputReader.readDeferringScan(spark, cfg.input())
                    : InputReader.read(spark, cfg.input());
        raw = Privacy.apply(read, cfg.privacy(), cfg.input(), true);
        inputColumns = InputReader.columnNames(raw);
        RoleInference.checkSchema(
            inputColumns,
            cfg.input(),
            cfg.target().column(),
            etl.split().idColumn(),
            etl.dedup().keyColumns());
        LOG.info(
            "Input {} ({}): {} columns",
            cfg.input().describe(),
            cfg.input().format().name().toLowerCase(Locale.ROOT),
            inputColumns.size());
      }
      if (staged == null) {
        staged =
            StagedOutput.begin(files, layout.root(), OutputKind.PREPARED, "the etl output folder");
        out = new PreparedLayout(staged.path());
      }

      // The input is read in full twice: by the statistics pass and by the writing pass; role
      // inference
      // reads a bounded sample before them. Nothing of the size of the input is cached (a frame
      // from a
      // Spark program is: its lineage may be costly to recompute).
      input = source == null ? raw : raw.persist(StorageLevel.MEMORY_AND_DISK());
      try (StageTimer.Stage s =
          timer.start("infer", "infer column roles from a sample of the input")) {
        inferred =
            RoleInference.inferSampled(
                input, inputColumns, cfg.input(), cfg.target().column(), etl.infer());
        specs = inferred.specs();
        s.rows(inferred.recordsRead());
        LOG.info(
            "Roles inferred from {} records ({})",
            inferred.recordsRead(),
            inferred.wholeInput()
                ? "the whole input"
                : "a sample: etl.infer.sample-rows = " + etl.infer().sampleRows());
        logRoles(specs);
      }

      // Validated, split rows: a plan that the statistics pass and the writing pass each compute
      // from the input.
      checked =
          Splitter.split(
              RowValidator.validate(
                  input,
                  specs,
                  cfg.target().task(),
                  cfg.target().classes(),
                  true,
                  nullValues,
                  maxLines),
              etl.split(),
              specs,
              nullValues);
      try (StageTimer.Stage s =
          timer.start(
              "validate",
              "one pass: validate and split every row, and measure train for the fit")) {
        pass =
            StatisticsPass.run(
                spark,
                checked,
                specs,
                RowMeasure.of(specs, cfg.target(), etl, nullValues),
                inputColumns,
                Deduplicator.identity(etl.dedup(), inputColumns));
        stats = pass.stats();
        byReason = new TreeMap<>(stats.reasons);
        rowsRead =
            stats.reasons.values().stream().mapToLong(Long::longValue).sum()
                + stats.splits.values().stream().mapToLong(Long::longValue).sum();
        s.rows(rowsRead);
      }
      if (deferScan
          && byReason.containsKey(QuarantineReason.MALFORMED_ROW.code())
          && InputReader.hasQuotedNewlines(spark, cfg.input(), malformedFiles(pass.rows()))) {
        LOG.info(
            "Malformed rows come from a quoted field that spans lines: reading the input again, files with such fields whole (input.csv.multi-line = auto)");
        pass.release();
        deferScan = false;
        continue;
      }
      break;
    }
    Dataset<Row> compact = pass.rows();
    if (rowsRead == 0) {
      pass.release();
      throw new DataException(
          "Input is empty: "
              + cfg.input().describe()
              + " ("
              + cfg.input().sourceKey()
              + (cfg.input().where().isEmpty() ? "" : ", input.where")
              + ") has no data rows");
    }
    if (etl.split().idColumn().isEmpty()) {
      FeatureRows.requireFeatures(specs);
    }
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    long[] lines =
        csv ? new long[] {stats.lines, stats.quarantinedLines} : new long[] {rowsRead, quarantined};
    double rejectRatio = (double) lines[1] / lines[0];

    try (StageTimer.Stage s = timer.start("quarantine", "write the quarantine")) {
      int qFiles =
          (int)
              Math.max(
                  1,
                  Math.min(
                      compact.rdd().getNumPartitions(),
                      quarantined / QUARANTINE_ROWS_PER_FILE + 1));
      Dataset<Row> bad =
          compact
              .where(functions.col(Columns.REASON).isNotNull())
              .select(
                  functions.col(Columns.Q_RAW),
                  functions.col(Columns.REASON).as(Columns.Q_REASON),
                  functions.col(Columns.DETAIL).as(Columns.Q_DETAIL),
                  functions.col(Columns.SOURCE).as(Columns.Q_SOURCE));
      // Nothing quarantined (the counts already say so): an empty frame of the same schema writes
      // the same empty quarantine without scanning the input once more to find no row.
      (quarantined == 0
              ? spark.createDataFrame(java.util.List.<Row>of(), bad.schema())
              : bad.coalesce(qFiles))
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(out.quarantine());
      s.rows(quarantined);
    }
    EtlSummary.Reads reads = reads(inferred, stats, 2);
    String tooLong =
        byReason.containsKey(QuarantineReason.RECORD_TOO_LONG.code())
            ? tooLong(compact, byReason.get(QuarantineReason.RECORD_TOO_LONG.code()), out)
            : null;
    if (tooLong != null || rejectRatio > etl.maxRejectRatio()) {
      String error =
          tooLong != null
              ? tooLong
              : String.format(
                      Locale.ROOT,
                      "%d of %d rows (%.2f%%) were quarantined, more than etl.max-reject-ratio = %s; reasons: %s; see %s",
                      lines[1],
                      lines[0],
                      100.0 * rejectRatio,
                      etl.maxRejectRatio(),
                      byReason,
                      out.quarantine())
                  + (lines[0] == rowsRead
                      ? ""
                      : " (rows counted as the physical lines of the records: "
                          + quarantined
                          + " of "
                          + rowsRead
                          + " records)");
      files.writeText(
          out.summary(),
          Json.write(
              summary(
                  "failed",
                  error,
                  rowsRead,
                  quarantined,
                  byReason,
                  lines,
                  0,
                  0,
                  Map.of(),
                  0,
                  null,
                  timer,
                  started,
                  reads)));
      pass.release();
      // The previous prepared/ stays; this run's quarantine and summary stay in the staging folder
      // until the next etl.
      staged.keepForInspection();
      throw new DataException(
          tooLong != null ? "Record too long: " + error : "Too many bad rows: " + error);
    }

    // The good rows the writing pass transforms: recomputed from the input in report mode; removal
    // needs every good row's values at once, so there (the user asked for it) they are cached.
    Dataset<Row> good = checked.where(functions.col(Columns.REASON).isNull());
    Dataset<Row> goodFacts = compact.where(functions.col(Columns.REASON).isNull());
    long duplicates;
    String splitRule = Splitter.rule(etl.split());
    // Report mode: the duplicate count and the feature-row facts come out of one pass over the
    // fingerprints (FeatureRows.measure), run here; the rows it reads do not change after this
    // stage, nor do the classes.
    FeatureRowStats featureRows = null;
    try (StageTimer.Stage s =
        timer.start(
            "dedup",
            report
                ? "count duplicate rows, distinct feature rows and conflicting labels"
                : "remove duplicate rows")) {
      if (report) {
        FeatureRows.Measured m =
            measureFeatureRows(
                goodFacts,
                stats,
                rowsRead,
                splitRule,
                StatisticsPass.ROW_HASH64,
                StatisticsPass.ROW_HASH32);
        duplicates = m.duplicates();
        featureRows = m.facts();
      } else {
        // Removal changes what the fit sees: measure the remaining rows again, and count what went.
        good =
            Deduplicator.remove(good, etl.dedup(), inputColumns)
                .persist(StorageLevel.MEMORY_AND_DISK());
        goodFacts = good;
        stats = TransformFitter.measure(good, specs, cfg.target(), etl, nullValues);
        duplicates =
            rowsRead
                - quarantined
                - stats.splits.values().stream().mapToLong(Long::longValue).sum();
      }
      s.rows(rowsRead - quarantined);
      LOG.info(
          "Duplicates: {} found ({}), {}",
          duplicates,
          etl.dedup().mode() == EtlConfig.DedupMode.KEYS
              ? "by key columns " + etl.dedup().keyColumns()
              : "identical rows",
          report ? "kept (etl.dedup.mode = report)" : "removed");
    }
    long removed = report ? 0 : duplicates;

    Map<String, Long> splitCounts = new LinkedHashMap<>();
    for (String name : SPLITS) {
      splitCounts.put(name, stats.splits.getOrDefault(name, 0L));
    }
    LOG.info(
        "Split by {} ({}): {}",
        etl.split().idColumn().isEmpty()
            ? "a hash of the feature columns, never the target"
            : "a hash of " + etl.split().idColumn(),
        splitRule,
        splitCounts);
    if (splitCounts.get(Columns.TRAIN) == 0) {
      pass.release();
      good.unpersist();
      throw new DataException(
          "The train split is empty: no good row was left after cleaning "
              + cfg.input().describe());
    }

    List<String> classes =
        cfg.target().task() == io.dlpipe.config.Task.CLASSIFICATION
            ? TransformFitter.classes(stats, cfg.target())
            : List.of();
    try (StageTimer.Stage s =
        timer.start(
            "feature-rows",
            featureRows != null
                ? "distinct feature rows and conflicting labels (counted with the duplicates)"
                : "count distinct feature rows and conflicting labels")) {
      if (featureRows == null) {
        featureRows = measureFeatureRows(goodFacts, stats, rowsRead, splitRule, null, null).facts();
        s.rows(rowsRead - quarantined - removed);
      }
      logFeatureRows(featureRows);
    }

    FittedTransform transform;
    try (StageTimer.Stage s = timer.start("fit", "fit the transform on train")) {
      // Read only when clipping is on, or a column has more levels than the statistics pass counts.
      Dataset<Row> train = good.where(functions.col(Columns.SPLIT).equalTo(Columns.TRAIN));
      transform =
          TransformFitter.fit(stats, train, specs, classes, cfg.target(), etl, nullValues)
              .withSplitRule(
                  new FittedTransform.SplitRule(
                      splitRule,
                      etl.split().idColumn().isEmpty()
                          ? FeatureRows.featureColumns(specs)
                          : List.of(etl.split().idColumn())));
      s.rows(splitCounts.get(Columns.TRAIN));
      LOG.info(
          "Transform fitted on {} train rows: {} features ({} numeric, {} date, {} categorical columns){}",
          splitCounts.get(Columns.TRAIN),
          transform.featureCount(),
          transform.numeric().size(),
          transform.dates().size(),
          transform.categorical().size(),
          classes.isEmpty() ? "" : ", classes " + classes);
    }

    pass.release();
    Map<String, Long> written;
    try (StageTimer.Stage s =
        timer.start("write", "one pass: transform the good rows and write the three splits")) {
      written = writeSplits(good, transform, splitCounts, inputColumns, out);
      s.rows(written.values().stream().mapToLong(Long::longValue).sum());
    }
    good.unpersist();
    input.unpersist();

    // Clipping and a vocabulary beyond the level counts read train once more, from the input in
    // report
    // mode; removal reads the input a second time to cache the remaining rows, and everything after
    // from them.
    int extraReads =
        !report
            ? 0
            : (etl.clip().enabled() ? 1 : 0)
                + (Arrays.stream(stats.levels).anyMatch(BoundedCounts::overflowed) ? 1 : 0);
    EtlSummary summary =
        summary(
            "succeeded",
            null,
            rowsRead,
            quarantined,
            byReason,
            lines,
            duplicates,
            removed,
            written,
            transform.featureCount(),
            featureRows,
            timer,
            started,
            reads(inferred, stats, 2 + extraReads));
    if (!summary.reconciles()) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "Counts do not reconcile: read %d != written %d + duplicates removed %d + quarantined %d",
              rowsRead,
              summary.totalWritten(),
              removed,
              quarantined));
    }
    files.writeText(out.transform(), transform.toJson());
    files.writeText(out.summary(), Json.write(summary));
    files.writeText(out.success(), "");
    staged.commit();
    LOG.info(
        "ETL done: read {}, written {} (train {}, validation {}, test {}), quarantined {}, duplicates removed {} -> {}",
        rowsRead,
        summary.totalWritten(),
        written.get(Columns.TRAIN),
        written.get(Columns.VALIDATION),
        written.get(Columns.TEST),
        quarantined,
        removed,
        layout.root());
    return new EtlResult(summary, transform);
  }

  /**
   * Writes the three splits in one job, in files of about etl.write.target-file-mb: each split's
   * rows are spread over its files by a seeded hash of the row and ordered by it inside each file,
   * a deterministic shuffle, so training never sees the input's order (often sorted by date or id).
   * Every file holds rows of one split; the layout is the one a separate write per split made
   * ({@code repartition(files, order)}), so reruns and earlier releases give the same files.
   * Returns the rows actually written per split, as the writing tasks counted them ({@link
   * WrittenRows}).
   */
  private Map<String, Long> writeSplits(
      Dataset<Row> good,
      FittedTransform transform,
      Map<String, Long> splitCounts,
      List<String> inputColumns,
      PreparedLayout out) {
    long bytesPerRow = 4L * transform.featureCount() + ROW_OVERHEAD_BYTES;
    long target = (long) cfg.etl().write().targetFileMb() << 20;
    int[] filesOf = new int[SPLITS.size()];
    int[] offset = new int[SPLITS.size()];
    int total = 0;
    for (int i = 0; i < SPLITS.size(); i++) {
      long rows = splitCounts.get(SPLITS.get(i));
      filesOf[i] = (int) Math.max(1, Math.min(100_000, (rows * bytesPerRow + target - 1) / target));
      offset[i] = total;
      total += filesOf[i];
    }
    String order = Columns.INTERNAL_PREFIX + "order";
    String file = Columns.INTERNAL_PREFIX + "file";
    Column split = functions.col(Columns.SPLIT);
    Column first =
        functions
            .when(split.equalTo(Columns.TRAIN), offset[0])
            .when(split.equalTo(Columns.VALIDATION), offset[1])
            .otherwise(offset[2]);
    Column count =
        functions
            .when(split.equalTo(Columns.TRAIN), filesOf[0])
            .when(split.equalTo(Columns.VALIDATION), filesOf[1])
            .otherwise(filesOf[2]);
    // The file within the split is what repartition(files, order) would pick: pmod(murmur3(order),
    // files).
    Column index = first.plus(functions.pmod(functions.hash(functions.col(order)), count));
    Column key = functions.element_at(functions.lit(partitionKeys(total)), index.plus(1));
    Dataset<Row> prepared =
        transform
            .apply(good)
            .withColumn(order, Splitter.unitHash(cfg.etl().split().seed() + 1, inputColumns))
            .withColumn(file, key)
            .repartition(total, functions.col(file))
            .sortWithinPartitions(split, functions.col(order))
            .select(functions.col(Columns.FEATURES), functions.col(Columns.LABEL), split);
    String all = HadoopFiles.join(staged.path(), "_splits");
    Map<Integer, Long> byPartition;
    try (WrittenRows counter = new WrittenRows(spark.sparkContext())) {
      prepared
          .write()
          .mode(SaveMode.Overwrite)
          .option("compression", cfg.etl().write().compression())
          .partitionBy(Columns.SPLIT)
          .parquet(all);
      byPartition = counter.byPartition();
    }
    Map<String, Long> written = new LinkedHashMap<>();
    // The committer's own _SUCCESS (an S3A committer's is a JSON manifest naming it) is the one
    // job's record for all three splits; each split keeps a copy, as its own write left before.
    String jobSuccess = HadoopFiles.join(all, "_SUCCESS");
    String success = files.exists(jobSuccess) ? files.readText(jobSuccess) : "";
    for (String name : SPLITS) {
      String dir = HadoopFiles.join(all, Columns.SPLIT + "=" + name);
      if (files.exists(dir)) {
        files.rename(dir, out.split(name));
        files.writeText(HadoopFiles.join(out.split(name), "_SUCCESS"), success);
      } else {
        // No row in this split: an empty table with the schema, as a write of no rows leaves.
        spark
            .createDataFrame(List.<Row>of(), prepared.drop(Columns.SPLIT).schema())
            .write()
            .mode(SaveMode.Overwrite)
            .parquet(out.split(name));
      }
    }
    // Partition t holds file t, and the files of split i are offset[i] to offset[i] + filesOf[i] -
    // 1.
    for (int i = 0; i < SPLITS.size(); i++) {
      long rows = 0;
      for (int t = offset[i]; t < offset[i] + filesOf[i]; t++) {
        rows += byPartition.getOrDefault(t, 0L);
      }
      written.put(SPLITS.get(i), rows);
    }
    files.deleteRecursively(all);
    return written;
  }

  /**
   * The feature-row facts of the good rows (and their duplicate count, given row fingerprints): one
   * Spark job over the fingerprints, shuffled by the feature fingerprint.
   */
  private FeatureRows.Measured measureFeatureRows(
      Dataset<Row> goodFacts,
      FitStatistics stats,
      long rowsRead,
      String splitRule,
      String rowHash64,
      String rowHash32) {
    List<String> classes =
        cfg.target().task() == io.dlpipe.config.Task.CLASSIFICATION
            ? TransformFitter.classes(stats, cfg.target())
            : List.of();
    // The positive class of a binary task is the last one, as the output head decides.
    return FeatureRows.measure(
        goodFacts.repartition(
            shufflePartitions(rowsRead),
            functions.col(Columns.FEATURE_HASH64),
            functions.col(Columns.FEATURE_HASH32)),
        cfg.target().task(),
        classes.size() == 2 ? classes.get(1) : null,
        splitRule,
        SPLITS,
        rowHash64,
        rowHash32);
  }

  /**
   * The partitions of a shuffle of {@code rows} small rows (fingerprints, a split and a label): one
   * per {@value #ROWS_PER_SHUFFLE_PARTITION} rows, at most spark.sql.shuffle.partitions. The
   * default 200 cost several seconds of task overhead per group-by on inputs of a few thousand
   * rows, and the group-bys that follow a shuffle by the fingerprint need no shuffle of their own.
   */
  private int shufflePartitions(long rows) {
    int most = spark.sessionState().conf().numShufflePartitions();
    return (int)
        Math.max(
            1,
            Math.min(most, (rows + ROWS_PER_SHUFFLE_PARTITION - 1) / ROWS_PER_SHUFFLE_PARTITION));
  }

  /**
   * For each partition t of {@code partitions}, an int whose hash partitioning (Spark's Murmur3,
   * seed 42, pmod partitions) is t: repartitioning by these keys puts each chosen file in a
   * partition of its own, so that each written file is exactly one split's file.
   */
  static int[] partitionKeys(int partitions) {
    int[] keys = new int[partitions];
    java.util.Arrays.fill(keys, -1);
    int found = 0;
    for (int k = 0; found < partitions; k++) {
      int t = Math.floorMod(org.apache.spark.unsafe.hash.Murmur3_x86_32.hashInt(k, 42), partitions);
      if (keys[t] < 0) {
        keys[t] = k;
        found++;
      }
    }
    return keys;
  }

  /** The files of the malformed rows (bounded by the number of input files). */
  private static List<String> malformedFiles(Dataset<Row> compact) {
    List<String> out = new java.util.ArrayList<>();
    for (Row r :
        compact
            .where(functions.col(Columns.REASON).equalTo(QuarantineReason.MALFORMED_ROW.code()))
            .select(Columns.SOURCE)
            .distinct()
            .collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /** How this run read its input, and what is approximate. */
  private EtlSummary.Reads reads(
      RoleInference.Inferred inferred, FitStatistics stats, int fullReads) {
    List<String> approximate = new java.util.ArrayList<>();
    long sketched = Arrays.stream(stats.values).filter(BoundedCounts::overflowed).count();
    if (sketched > 0) {
      approximate.add(
          String.format(
              Locale.ROOT,
              "drift_reference: the train shares of %d numeric column(s) with more than %d distinct train values are read off"
                  + " the quantile sketch (within etl.quantile-relative-error = %s of the train rows)",
              sketched,
              FitStatistics.VALUE_CAP,
              cfg.etl().quantileRelativeError()));
    }
    if (cfg.etl().dedup().mode() == EtlConfig.DedupMode.REPORT) {
      approximate.add(
          "duplicates_found: rows compared by a 96-bit fingerprint of their values; a collision (below 1e-13 at 50 million rows) would add one");
    }
    return new EtlSummary.Reads(
        inferred.recordsRead(), !inferred.wholeInput(), fullReads, approximate);
  }

  private EtlSummary summary(
      String status,
      String error,
      long read,
      long quarantined,
      Map<String, Long> byReason,
      long[] lines,
      long duplicates,
      long removed,
      Map<String, Long> written,
      int features,
      FeatureRowStats featureRows,
      StageTimer timer,
      Instant started,
      EtlSummary.Reads reads) {
    // Written to etl-summary.json: the one secret policy (URL credentials in the path, secret
    // values in the error).
    return new EtlSummary(
        status,
        cfg.masker().scrub(error),
        cfg.masker().scrub(cfg.input().describe()),
        cfg.input().format().name().toLowerCase(Locale.ROOT),
        read,
        quarantined,
        byReason,
        lines[0],
        lines[1],
        lines[0] == 0 ? 0 : TransformFitter.round((double) lines[1] / lines[0]),
        cfg.etl().maxRejectRatio(),
        duplicates,
        removed,
        written,
        features,
        timer.seconds(),
        started.toString(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
        featureRows,
        reads);
  }

  private static void logFeatureRows(FeatureRowStats f) {
    for (Map.Entry<String, FeatureRowStats.Part> e : f.bySplit().entrySet()) {
      FeatureRowStats.Part p = e.getValue();
      Double bound =
          p.maxAuc() != null ? p.maxAuc() : p.maxAccuracy() != null ? p.maxAccuracy() : p.maxR2();
      String metric = p.maxAuc() != null ? "AUC" : p.maxAccuracy() != null ? "accuracy" : "R²";
      LOG.info(
          "Feature rows of {}: {} rows, {} distinct feature rows, {} of them ({} rows) with more than one label; no model exceeds {} {} on these rows",
          e.getKey(),
          p.rows(),
          p.distinct(),
          p.withSeveralLabels(),
          p.rowsWithSeveralLabels(),
          metric,
          bound);
    }
    if (f.inSeveralSplits() > 0) {
      LOG.info(
          "{} distinct feature rows occur in more than one split (etl.split.id-column decides the split)",
          f.inSeveralSplits());
    }
    f.warnings().forEach(w -> LOG.warn("{}", w));
  }

  /**
   * The error for records longer than input.csv.max-record-lines: the first such file, and the line
   * where its first such record starts (one read of that file on the driver, on this failure only).
   */
  private String tooLong(Dataset<Row> compact, long records, PreparedLayout out) {
    Row first =
        compact
            .where(functions.col(Columns.REASON).equalTo(QuarantineReason.RECORD_TOO_LONG.code()))
            .groupBy(Columns.SOURCE)
            .agg(functions.max(Columns.LINES))
            .orderBy(Columns.SOURCE)
            .head();
    String file = first.getString(0);
    int max = cfg.input().maxRecordLines();
    long[] at = InputReader.firstLongRecord(spark, cfg.input(), file, max);
    String where = at == null ? file : file + " line " + at[0] + " (" + at[1] + " lines)";
    return String.format(
        Locale.ROOT,
        "%d record(s) span more than input.csv.max-record-lines = %d lines, the first at %s: a quote that is never closed, or closed far"
            + " below, folds the lines after it into one record. Fix the quoting there (or raise input.csv.max-record-lines for cells that really hold that many lines);"
            + " the records are in %s",
        records,
        max,
        where,
        out.quarantine());
  }

  private static void logRoles(List<ColumnSpec> specs) {
    long numeric = specs.stream().filter(ColumnSpec::isNumeric).count();
    long categorical = specs.stream().filter(ColumnSpec::isCategorical).count();
    long dates = specs.stream().filter(ColumnSpec::isDate).count();
    long ignored = specs.stream().filter(s -> s.role().equals("ignore")).count();
    LOG.info(
        "Column roles: {} numeric, {} categorical, {} date, {} ignored, 1 target",
        numeric,
        categorical,
        dates,
        ignored);
    for (ColumnSpec s : specs) {
      LOG.info("  {} -> {} ({}: {})", s.name(), s.role(), s.origin(), s.reason());
    }
  }
}
