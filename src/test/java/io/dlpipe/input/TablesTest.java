package io.dlpipe.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.SparkSettings;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.EtlResult;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables in and out on real table formats in a temporary folder: Spark's Hive catalog on a local
 * Derby metastore (Parquet and Delta metastore tables), a Delta table by path, and a Hadoop-catalog
 * Iceberg warehouse. etl reads one date partition of a table; predict writes one partition per run
 * into each format, and a rerun for the same date replaces it without touching the other date.
 */
class TablesTest {
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path ws;
  private static Path newRows;

  /** Rows of the predict input that score, and the malformed ones that go to the quarantine. */
  private static final long SCORED = 200;

  private static final long BAD = 3;

  @BeforeAll
  static void sessionWithEveryCatalog() throws Exception {
    TestSpark.stop();
    System.setProperty("derby.system.home", tmp.resolve("derby").toString());
    Map<String, String> conf =
        Map.ofEntries(
            Map.entry("spark.ui.enabled", "false"),
            Map.entry("spark.sql.shuffle.partitions", "2"),
            Map.entry("spark.default.parallelism", "2"),
            Map.entry("spark.sql.catalogImplementation", "hive"),
            Map.entry("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString()),
            Map.entry(
                "spark.hadoop.javax.jdo.option.ConnectionURL",
                "jdbc:derby:;databaseName=" + tmp.resolve("metastore_db") + ";create=true"),
            Map.entry(
                "spark.sql.extensions",
                "io.delta.sql.DeltaSparkSessionExtension,org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"),
            Map.entry(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog"),
            Map.entry("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog"),
            Map.entry("spark.sql.catalog.ice.type", "hadoop"),
            Map.entry("spark.sql.catalog.ice.warehouse", tmp.resolve("ice").toString()));
    spark =
        SparkSessions.getOrCreate(
            "local[2]", new SparkSettings("local[2]", "dlpipe-tables-test", conf, ""));
    spark.sparkContext().setLogLevel("WARN");
    spark.sql("CREATE DATABASE lake");

    // lake.credit: two date partitions of the bundled credit data; 2026-11-28 holds the first 1,000
    // rows plus 5 whose label is not a declared class (etl quarantines them).
    Dataset<Row> credit =
        spark
            .read()
            .option("header", true)
            .option("inferSchema", true)
            .csv(TestData.credit().toString());
    Dataset<Row> day =
        credit.limit(1000).union(credit.limit(5).withColumn("Status", functions.lit("maybe")));
    credit
        .withColumn("dt", functions.lit("2026-11-27"))
        .union(day.withColumn("dt", functions.lit("2026-11-28")))
        .writeTo("lake.credit")
        .using("parquet")
        .partitionedBy(functions.col("dt"), noMore())
        .create();

    ws = tmp.resolve("ws");
    EtlResult etl = new EtlJob(spark, config()).run();
    assertEquals(1005, etl.summary().rowsRead());
    new TrainJob(spark, config("train.epochs=1", "train.model.hidden-layers=[8]")).run(false);

    // New raw rows to score: the first 200 data lines of the CSV and 3 with a word in a numeric
    // column.
    newRows = TestData.creditRowsToScore(tmp.resolve("new/rows.csv"), (int) SCORED, (int) BAD);
  }

  @AfterAll
  static void stop() {
    TestSpark.stop();
  }

  private static scala.collection.Seq<org.apache.spark.sql.Column> noMore() {
    return scala.collection.JavaConverters.asScalaBuffer(
            new ArrayList<org.apache.spark.sql.Column>())
        .toSeq();
  }

  private static DlpipeConfig config(String... extra) {
    return TestConfig.of("", "Status", "classification", ws)
        .unset("input.path")
        .format("table")
        .set(
            "input.table=lake.credit",
            "input.where=dt = '2026-11-28'",
            "target.classes=[good, bad]")
        .set(extra)
        .load();
  }

  private static CliRun.Outcome predict(String table, String date, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "predict",
                "--set",
                "input.format=csv",
                "--set",
                "input.path=" + newRows,
                "--set",
                "target.column=Status",
                "--set",
                "target.task=classification",
                "--set",
                "target.classes=[good, bad]",
                "--set",
                "output.dir=" + ws,
                "--set",
                "run.date=" + date,
                "--input",
                newRows.toString(),
                "--output-table",
                table));
    args.addAll(List.of(extra));
    return CliRun.run(args.toArray(new String[0]));
  }

  private static long rows(String table, String date) {
    return spark.table(table).where(functions.col("dt").equalTo(date)).count();
  }

  @Test
  void etlReadsExactlyThePartitionThatInputWhereSelects() throws Exception {
    String summary = Files.readString(ws.resolve("prepared/etl-summary.json"));
    assertTrue(summary.contains("\"rows_read\" : 1005"), summary);
    assertTrue(summary.contains("\"rows_quarantined\" : 5"), summary);
    assertTrue(
        summary.contains("\"input_path\" : \"table lake.credit where dt = '2026-11-28'\""),
        summary);
    long written =
        spark.read().parquet(ws.resolve("prepared/train").toString()).count()
            + spark.read().parquet(ws.resolve("prepared/validation").toString()).count()
            + spark.read().parquet(ws.resolve("prepared/test").toString()).count();
    assertEquals(1000, written);
    assertEquals(5, spark.read().parquet(ws.resolve("prepared/quarantine").toString()).count());
  }

  @Test
  void predictReplacesItsPartitionInEveryFormatAndLeavesTheOtherDate() {
    String deltaPath = "delta.`" + tmp.resolve("delta-scores") + "`";
    for (String[] t :
        new String[][] {
          {"lake.scores_parquet", "parquet"},
          {"lake.scores_delta", "delta"},
          {deltaPath, "delta"},
          {"ice.lake.scores", "iceberg"}
        }) {
      String format = "predict.table.format=" + t[1];
      for (String date : List.of("2026-11-27", "2026-11-28", "2026-11-28")) {
        CliRun.Outcome run = predict(t[0], date, "--set", format);
        assertEquals(ExitCodes.OK, run.code(), t[0] + ": " + run.err());
      }
      String quarantine =
          t[0].endsWith("`")
              ? t[0].substring(0, t[0].length() - 1) + "_quarantine`"
              : t[0] + "_quarantine";
      assertEquals(SCORED, rows(t[0], "2026-11-28"), t[0]);
      assertEquals(SCORED, rows(t[0], "2026-11-27"), t[0]);
      assertEquals(2 * SCORED, spark.table(t[0]).count(), t[0]);
      assertEquals(BAD, rows(quarantine, "2026-11-28"), quarantine);
      assertEquals(BAD, rows(quarantine, "2026-11-27"), quarantine);
      assertEquals(
          List.of("unparseable_numeric"),
          spark
              .table(quarantine)
              .select("reason")
              .distinct()
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList(),
          quarantine);
      assertEquals(
          "predictions",
          TableRef.resolve(spark, t[0], "test")
              .load()
              .orElseThrow()
              .properties()
              .get(TableSink.KIND_PROPERTY),
          t[0]);
      assertEquals(
          "predict-quarantine",
          TableRef.resolve(spark, quarantine, "test")
              .load()
              .orElseThrow()
              .properties()
              .get(TableSink.KIND_PROPERTY),
          quarantine);
    }
    assertEquals(
        "delta",
        TableRef.resolve(spark, "lake.scores_delta", "test")
            .load()
            .orElseThrow()
            .properties()
            .get("provider"));

    // A table of the same shape that dlpipe did not create: written only with
    // --allow-foreign-table,
    // and then only this run's partition; its other date keeps its one row.
    spark.sql(
        "CREATE TABLE lake.theirs_fit USING parquet PARTITIONED BY (dt) AS SELECT * FROM lake.scores_parquet WHERE dt = '2026-11-27' LIMIT 1");
    CliRun.Outcome allowed = predict("lake.theirs_fit", "2026-11-28", "--allow-foreign-table");
    assertEquals(ExitCodes.OK, allowed.code(), allowed.err());
    assertEquals(1, rows("lake.theirs_fit", "2026-11-27"));
    assertEquals(SCORED, rows("lake.theirs_fit", "2026-11-28"));
    assertEquals(
        null,
        TableRef.resolve(spark, "lake.theirs_fit", "test")
            .load()
            .orElseThrow()
            .properties()
            .get(TableSink.KIND_PROPERTY));
    assertEquals(
        "parquet",
        TableRef.resolve(spark, "lake.scores_parquet", "test")
            .load()
            .orElseThrow()
            .properties()
            .get("provider"));
  }

  @Test
  void aTableDlpipeDidNotCreateIsRefusedAndSurvives() {
    spark.sql(
        "CREATE TABLE lake.theirs (Status STRING, prediction STRING, dt STRING) USING parquet PARTITIONED BY (dt)");
    spark.sql("INSERT INTO lake.theirs VALUES ('good', 'good', '2026-11-28')");
    CliRun.Outcome run = predict("lake.theirs", "2026-11-28");
    assertEquals(ExitCodes.USAGE, run.code(), run.err());
    assertEquals(
        "dlpipe: Refusing to write --output-table lake.theirs: the table exists and was not created by dlpipe (no table property dlpipe.kind); pass "
            + "--allow-foreign-table to replace only the partition dt = '2026-11-28' in it, or choose another --output-table\n",
        run.err());
    assertEquals(1, spark.table("lake.theirs").count());
  }

  @Test
  void aDlpipeTableWhoseColumnDoesNotFitIsRefused() {
    spark.sql(
        "CREATE TABLE lake.narrow (prediction DOUBLE, dt STRING) USING parquet PARTITIONED BY (dt) TBLPROPERTIES ('dlpipe.kind' = 'predictions')");
    CliRun.Outcome run = predict("lake.narrow", "2026-11-28");
    assertEquals(ExitCodes.USAGE, run.code(), run.err());
    assertEquals(
        "dlpipe: Refusing to write --output-table lake.narrow: the table has no column 'Status' (string), which predict writes (its columns: [prediction, dt]); "
            + "choose another --output-table (predict creates it), or move this table away\n",
        run.err());
    assertEquals(0, spark.table("lake.narrow").count());
  }

  @Test
  void aMissingTableIsADataErrorAndAWhereOnAMissingColumnToo() {
    CliRun.Outcome missing =
        CliRun.run(
            "etl",
            "--set",
            "input.format=table",
            "--set",
            "input.table=lake.nope",
            "--set",
            "target.column=Status",
            "--set",
            "target.task=classification",
            "--set",
            "output.dir=" + tmp.resolve("ws-missing"));
    assertEquals(ExitCodes.DATA, missing.code(), missing.err());
    assertEquals(
        "dlpipe: Input not found: table lake.nope (input.table) does not exist in the session's catalog\n",
        missing.err());

    DataException e =
        assertThrows(
            DataException.class,
            () -> InputReader.read(spark, config("input.where=day = '2026-11-28'").input()));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Schema mismatch: input.where \"day = '2026-11-28'\" does not apply to table lake.credit: [UNRESOLVED_COLUMN.WITH_SUGGESTION]"),
        e.getMessage());
  }

  @Test
  void inputWhereFiltersCsvRowsAndKeepsMalformedOnes() throws Exception {
    Path csv = tmp.resolve("where/days.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, "dt,x\n2026-11-27,1\n2026-11-28,2\n2026-11-28,3\n2026-11-27,4,extra\n");
    DlpipeConfig cfg =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=" + csv,
                "input.where=dt = '2026-11-28'",
                "target.column=x",
                "target.task=regression",
                "output.dir=" + tmp.resolve("w")));
    List<Row> read =
        InputReader.read(spark, cfg.input()).select("dt", "x").orderBy("x").collectAsList();
    assertEquals("[[2026-11-28,2], [2026-11-28,3], [2026-11-27,4]]", read.toString());
  }
}
