package io.dlpipe.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.ExitCodes;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.SparkSettings;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict --output-table on the default build: Spark's in-memory catalog, which forgets every table
 * when the JVM ends while the table's folder stays in the warehouse. Each "run" here gets a new
 * SparkContext, and with it a new, empty catalog over the same warehouse, as a new process would.
 */
class DefaultCatalogTablesTest {
  @TempDir static Path tmp;
  private static Path ws;
  private static Path newRows;
  private static final long SCORED = 100;
  private static final long BAD = 2;

  @BeforeAll
  static void model() throws Exception {
    SparkSession spark = newProcess();
    ws = tmp.resolve("ws");
    DlpipeConfig cfg =
        TestData.creditConfig(
            TestData.credit(),
            ws,
            "train.epochs=1",
            "train.model.hidden-layers=[8]",
            "etl.max-reject-ratio=0.5");
    new EtlJob(spark, cfg).run();
    new TrainJob(spark, cfg).run(true);
    newRows = TestData.creditRowsToScore(tmp.resolve("new/rows.csv"), (int) SCORED, (int) BAD);
  }

  @AfterAll
  static void stop() {
    TestSpark.stop();
  }

  /**
   * A session as a new dlpipe process on the default build has it: an empty in-memory catalog over
   * the warehouse.
   */
  private static SparkSession newProcess() {
    TestSpark.stop();
    Map<String, String> conf =
        Map.of(
            "spark.ui.enabled",
            "false",
            "spark.sql.shuffle.partitions",
            "2",
            "spark.default.parallelism",
            "2",
            "spark.sql.catalogImplementation",
            "in-memory",
            "spark.sql.warehouse.dir",
            tmp.resolve("warehouse").toString());
    SparkSession spark =
        SparkSessions.getOrCreate(
            "local[2]", new SparkSettings("local[2]", "dlpipe-default-catalog-test", conf, ""));
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  private static CliRun.Outcome predict(String input, String date, String... target) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "predict",
                "--set",
                "input.path=" + TestData.credit(),
                "--set",
                "target.column=Status",
                "--set",
                "target.task=classification",
                "--set",
                "target.classes=[good, bad]",
                "--set",
                "output.dir=" + ws,
                "--set",
                "etl.max-reject-ratio=0.5",
                "--date",
                date,
                "--input",
                input));
    args.addAll(List.of(target));
    return CliRun.run(args.toArray(new String[0]));
  }

  /** Rows per date partition of a table, read through the catalog. */
  private static Map<String, Long> partitions(SparkSession spark, String table) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : spark.table(table).groupBy("dt").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  @Test
  void aSecondDateInANewProcessAddsItsPartitionAndARerunReplacesIt() {
    assertEquals(
        ExitCodes.OK, predict(newRows.toString(), "2026-11-27", "--output-table", "scores").code());
    SparkSession second = newProcess();
    CliRun.Outcome next = predict(newRows.toString(), "2026-11-28", "--output-table", "scores");
    assertEquals(ExitCodes.OK, next.code(), next.err());
    assertEquals(Map.of("2026-11-27", SCORED, "2026-11-28", SCORED), partitions(second, "scores"));
    assertEquals(
        Map.of("2026-11-27", BAD, "2026-11-28", BAD), partitions(second, "scores_quarantine"));

    SparkSession third = newProcess();
    assertEquals(
        ExitCodes.OK, predict(newRows.toString(), "2026-11-28", "--output-table", "scores").code());
    assertEquals(Map.of("2026-11-27", SCORED, "2026-11-28", SCORED), partitions(third, "scores"));
    assertEquals(
        "predictions",
        third
            .sql("SHOW TBLPROPERTIES scores ('" + TableSink.KIND_PROPERTY + "')")
            .first()
            .getString(1));
  }

  @Test
  void badTableNamesAndEmptyPathsAreOneLineWithExitCode2() throws Exception {
    newProcess();
    String d = "2026-11-28";
    assertEquals(
        new CliRun.Outcome(
            ExitCodes.USAGE,
            "dlpipe: Invalid --output-table '`a;b`': the session catalog takes only letters, digits and _ in database and table names, "
                + "found 'a;b'\n"),
        predict(newRows.toString(), d, "--output-table", "`a;b`"));
    assertEquals(
        new CliRun.Outcome(
            ExitCodes.USAGE,
            "dlpipe: Invalid --output-table 'nodb.t': the database nodb does not exist in the session catalog (predict creates tables, "
                + "not databases); create it, or name a table of an existing database\n"),
        predict(newRows.toString(), d, "--output-table", "nodb.t"));
    Path foreign = tmp.resolve("warehouse/theirs");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("notes.txt"), "someone's");
    assertEquals(
        new CliRun.Outcome(
            ExitCodes.USAGE,
            "dlpipe: Refusing to write --output-table theirs: the session catalog has no such table, but its location file:"
                + foreign
                + " holds files that dlpipe did not write as a table (no _dlpipe.json); move them away, or choose another --output-table\n"),
        predict(newRows.toString(), d, "--output-table", "theirs"));
    assertEquals("someone's", Files.readString(foreign.resolve("notes.txt")));
    assertEquals(
        new CliRun.Outcome(
            ExitCodes.USAGE, "dlpipe: Invalid --output: expected a path, found an empty value\n"),
        predict(newRows.toString(), d, "--output", ""));
    assertEquals(
        new CliRun.Outcome(
            ExitCodes.USAGE,
            "dlpipe: Invalid --input: expected a path, or a table when input.format = table, found an empty value\n"),
        predict("", d, "--output", tmp.resolve("out").toString()));
    assertEquals(
        new CliRun.Outcome(
            ExitCodes.USAGE,
            "dlpipe: Invalid --output-table: expected a table name, found an empty value\n"),
        predict(newRows.toString(), d, "--output-table", " "));
  }
}
