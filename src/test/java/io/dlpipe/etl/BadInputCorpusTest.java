package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.input.InputReader;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small bad-input corpus, generated here: every file either parses right or its rows land in the
 * quarantine with an exact reason, and the counts reconcile. docs/RELIABILITY.md ("Bad input")
 * lists what each item shows.
 */
class BadInputCorpusTest {
  private static final String HEADER = "y,x,c\n";
  private static final String[] ROLES = {
    "input.columns.x=numeric", "input.columns.c=categorical", "etl.max-reject-ratio=1"
  };

  @TempDir Path tmp;

  private final SparkSession spark = TestSpark.get();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private Path write(Path dir, String name, byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), bytes);
  }

  private DlpipeConfig config(Path input, String format, String... extra) {
    return TestConfig.of(input, "y", "regression", tmp.resolve("ws-" + format))
        .format(format)
        .set(ROLES)
        .set(extra)
        .load();
  }

  /** File name -> reason -> rows, from the quarantine Parquet. */
  private Map<String, Map<String, Long>> quarantineByFile(Path ws) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    Dataset<Row> q = spark.read().parquet(ws.resolve("prepared/quarantine").toString());
    for (Row r : q.groupBy("source_file", "reason").count().collectAsList()) {
      String file = r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1);
      out.computeIfAbsent(file, k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
    }
    return out;
  }

  @Test
  void csvCorpusParsesRightOrQuarantinesWithTheExactReason() throws IOException {
    Path dir = tmp.resolve("csv");
    StringBuilder good = new StringBuilder(HEADER);
    for (int i = 1; i <= 40; i++) {
      good.append(100 + i)
          .append(',')
          .append(2 * i)
          .append(',')
          .append("abc".charAt(i % 3))
          .append('\n');
    }
    write(dir, "good.csv", utf8(good.toString()));
    // A BOM, CRLF line ends and blank lines: two rows, nothing lost (blank lines are not records).
    write(dir, "crlf-bom-blank.csv", utf8("\uFEFFy,x,c\r\n201,2,a\r\n\r\n202,4,b\r\n\n"));
    write(dir, "field-counts.csv", utf8(HEADER + "301,2\n302,2,a,extra\n303,6,a\n"));
    // A stray quote in a number, and a quote never closed at the end of the file.
    write(dir, "broken-quotes.csv", utf8(HEADER + "401,8,a\n402,\"4\"x,a\n403,\"2,a\n"));
    // RFC 4180: newlines inside quoted fields (LF and CRLF), last and first field.
    write(
        dir,
        "quoted-newlines.csv",
        utf8(HEADER + "501,2,\"multi\nline\"\n\"502\",4,\"a\r\nb\"\n503,6,a\n"));
    write(
        dir,
        "latin1.csv",
        concat(utf8(HEADER + "601,2,caf"), new byte[] {(byte) 0xE9}, utf8("\n")));
    write(dir, "control.csv", utf8(HEADER + "701,2,a\u0000b\n702,4,\"x\u0001\"\n703,6,\ttabbed\n"));
    write(
        dir,
        "numbers.csv",
        utf8(
            HEADER
                + "801,NaN,a\n802,Infinity,a\n803,1e400,a\n804,-0,a\n805,0x1F,a\n806,\"1,200\",a\n"));
    write(dir, "empty.csv", new byte[0]);
    write(dir, "header-only.csv", utf8(HEADER));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(gz)) {
      o.write(utf8(HEADER + "901,2,a\n902,4,\"b\nc\"\n"));
    }
    write(dir, "compressed.csv.gz", gz.toByteArray());
    // A 10 MB line: read whole, and the detail quotes only the start of the cell.
    write(dir, "long-line.csv", utf8(HEADER + "1001," + "9".repeat(10 << 20) + "x,a\n1002,2,a\n"));

    DlpipeConfig cfg = config(dir, "csv");
    EtlSummary s = new EtlJob(spark, cfg).run().summary();

    Map<String, Map<String, Long>> expected = new TreeMap<>();
    expected.put("field-counts.csv", Map.of("malformed_row", 2L));
    expected.put("broken-quotes.csv", Map.of("malformed_row", 1L, "unparseable_numeric", 1L));
    expected.put("latin1.csv", Map.of("bad_encoding", 1L));
    expected.put("control.csv", Map.of("control_character", 2L));
    expected.put("numbers.csv", Map.of("non_finite_numeric", 2L, "unparseable_numeric", 2L));
    expected.put("long-line.csv", Map.of("unparseable_numeric", 1L));
    assertEquals(expected, quarantineByFile(tmp.resolve("ws-csv")));

    // good 40, crlf 2, field counts 1, broken quotes 1, quoted newlines 3, control 1 (the tab),
    // numbers 2 (NaN is a null value, -0 is 0), compressed 2, long line 1.
    assertEquals(53 + 12, s.rowsRead());
    assertEquals(12, s.rowsQuarantined());
    assertEquals(
        Map.of(
            "malformed_row",
            3L,
            "unparseable_numeric",
            4L,
            "non_finite_numeric",
            2L,
            "bad_encoding",
            1L,
            "control_character",
            2L),
        s.quarantinedByReason());
    assertEquals(0, s.duplicatesFound());
    assertEquals(53, s.totalWritten());
    assertTrue(s.reconciles());
    assertEquals(s.rowsRead(), s.totalWritten() + s.duplicatesRemoved() + s.rowsQuarantined());

    Dataset<Row> q = spark.read().parquet(tmp.resolve("ws-csv/prepared/quarantine").toString());
    assertEquals(
        List.of("column x: '" + "9".repeat(80) + "... (10485761 characters)' is not a number"),
        q.where("source_file like '%long-line.csv'").select("detail").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList());
    assertEquals(
        List.of(
            "column c: control character U+0000 at position 2",
            "column c: control character U+0001 at position 2"),
        q
            .where("reason = 'control_character'")
            .orderBy("detail")
            .select("detail")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
    assertEquals(
        List.of(
            "column x: '0x1F' is not a number",
            "column x: '1,200' is not a number",
            "column x: '1e400' is not a finite number",
            "column x: 'Infinity' is not a finite number"),
        q
            .where("source_file like '%numbers.csv'")
            .orderBy("detail")
            .select("detail")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
  }

  @Test
  void quotedNewlinesAreReadWholeInAutoAndTrueAndStopTheJobInFalse() throws IOException {
    Path dir = tmp.resolve("ml");
    write(dir, "plain.csv", utf8(HEADER + "1,2,a\n3,4,b\n"));
    write(dir, "spanning.csv", utf8(HEADER + "5,6,\"hel\nlo\"\n\"7\n\",8,c\n"));
    for (String mode : List.of("auto", "true")) {
      Dataset<Row> raw =
          InputReader.read(spark, config(dir, "csv", "input.csv.multi-line=" + mode).input());
      assertEquals(
          List.of("1|2|a", "3|4|b", "5|6|hel\nlo", "7\n|8|c"),
          raw.orderBy("x").collectAsList().stream()
              .map(r -> r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2))
              .toList(),
          mode);
      assertEquals(0, raw.where("_dlp_corrupt is not null").count(), mode);
    }
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                InputReader.read(spark, config(dir, "csv", "input.csv.multi-line=false").input()));
    assertEquals(
        "Quoted newline: 1 file(s) under "
            + dir
            + " have a quoted field that spans lines (or a quote never closed), first file://"
            + dir.resolve("spanning.csv")
            + "; read line by line (input.csv.multi-line = false) such a record would be split, so set input.csv.multi-line = auto",
        e.getMessage());
    // Without quoted newlines, false reads line by line like auto.
    assertEquals(
        2,
        InputReader.read(
                spark,
                config(dir.resolve("plain.csv"), "csv", "input.csv.multi-line=false").input())
            .count());
  }

  @Test
  void jsonWithEmptyStringsWrongTypesAndNestedValues() throws IOException {
    Path dir = tmp.resolve("json");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      lines
          .append("{\"y\": ")
          .append(i)
          .append(", \"x\": ")
          .append(i * 3)
          .append(", \"c\": \"")
          .append("ab".charAt(i % 2))
          .append("\"}\n");
    }
    lines.append("{\"y\": 11, \"x\": \"\", \"c\": \"a\"}\n"); // "" is missing, imputed as in CSV
    lines.append("{\"y\": 12, \"x\": \"abc\", \"c\": \"a\"}\n");
    lines.append("{\"y\": 13, \"x\": {\"n\": 1}, \"c\": \"a\"}\n");
    lines.append("{\"y\": 14, \"x\": true, \"c\": \"a\"}\n");
    lines.append(
        "{\"y\": 15, \"x\": 4, \"c\": [\"p\", \"q\"]}\n"); // a nested categorical cell is a level:
    // its JSON text
    lines.append("{\"y\": \"sixteen\", \"x\": 4, \"c\": \"a\"}\n");
    lines.append("{\"y\": 17, \"x\": 4\n");
    write(dir, "rows.json", utf8(lines.toString()));

    EtlSummary s = new EtlJob(spark, config(dir, "json")).run().summary();
    assertEquals(17, s.rowsRead());
    assertEquals(
        Map.of("unparseable_numeric", 3L, "unparseable_target", 1L, "malformed_row", 1L),
        s.quarantinedByReason());
    assertEquals(12, s.totalWritten());
    assertTrue(s.reconciles());
    Dataset<Row> q = spark.read().parquet(tmp.resolve("ws-json/prepared/quarantine").toString());
    assertEquals(
        List.of(
            "column x: 'abc' is not a number",
            "column x: 'true' is not a number",
            "column x: '{\"n\":1}' is not a number"),
        q
            .where("reason = 'unparseable_numeric'")
            .orderBy("detail")
            .select("detail")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
  }

  /**
   * 600 data rows; line 52 (row 51) opens a quote that is never closed, and no other line has one.
   */
  private Path strayQuote() throws IOException {
    StringBuilder text = new StringBuilder(HEADER);
    for (int i = 1; i <= 600; i++) {
      text.append(i)
          .append(',')
          .append(i == 51 ? "\"" : "")
          .append(i * 2)
          .append(',')
          .append("ab".charAt(i % 2))
          .append('\n');
    }
    return write(tmp.resolve("stray"), "rows.csv", utf8(text.toString()));
  }

  private EtlSummary stagedSummary(Path ws) throws IOException {
    return io.dlpipe.io.Json.MAPPER.readValue(
        Files.readString(
            ws.resolve(
                "_prepared.staging-" + io.dlpipe.workspace.RunId.current() + "/etl-summary.json")),
        EtlSummary.class);
  }

  @Test
  void aStrayQuoteThatFoldsLinesIsARecordTooLongNamingTheLineAndTheRatioCountsLines()
      throws IOException {
    Path file = strayQuote();
    Path ws = tmp.resolve("ws-csv");
    DataException tooLong =
        assertThrows(
            DataException.class, () -> new EtlJob(spark, config(file.getParent(), "csv")).run());
    assertEquals(
        "Record too long: 1 record(s) span more than input.csv.max-record-lines = 100 lines, the first at file://"
            + file
            + " line 52 (550 lines): a quote that is never"
            + " closed, or closed far below, folds the lines after it into one record. Fix the quoting there (or raise input.csv.max-record-lines for cells that really hold"
            + " that many lines); the records are in "
            + ws.resolve(
                "_prepared.staging-" + io.dlpipe.workspace.RunId.current() + "/quarantine"),
        tooLong.getMessage());
    EtlSummary failed = stagedSummary(ws);
    // Records reconcile (51 read: 50 good, 1 quarantined); lines say what was lost: 550 of 600.
    assertEquals(
        List.of(51L, 1L, 600L, 550L),
        List.of(
            failed.rowsRead(),
            failed.rowsQuarantined(),
            failed.linesRead(),
            failed.linesQuarantined()));
    assertEquals(Map.of("record_too_long", 1L), failed.quarantinedByReason());

    // With a limit above the fold, the record is malformed, and the reject ratio weighs its 550
    // lines, not one row.
    DataException ratio =
        assertThrows(
            DataException.class,
            () ->
                new EtlJob(
                        spark,
                        config(
                            file.getParent(),
                            "csv",
                            "input.csv.max-record-lines=1000",
                            "etl.max-reject-ratio=0.05"))
                    .run());
    assertEquals(
        "Too many bad rows: 550 of 600 rows (91.67%) were quarantined, more than etl.max-reject-ratio = 0.05; reasons: {malformed_row=1}; see "
            + ws.resolve("_prepared.staging-" + io.dlpipe.workspace.RunId.current() + "/quarantine")
            + " (rows counted as the physical lines of the records: 1 of 51 records)",
        ratio.getMessage());

    CliRun.Outcome cli =
        CliRun.run(
            "etl",
            "--set",
            "input.path=" + file,
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=" + tmp.resolve("ws-cli"));
    assertEquals(3, cli.code());
    assertTrue(
        cli.err()
            .startsWith(
                "dlpipe: Record too long: 1 record(s) span more than input.csv.max-record-lines = 100 lines, the first at file://"
                    + file
                    + " line 52 (550 lines)"),
        cli.err());
    assertEquals(1, cli.err().lines().count());
  }

  @Test
  void quotedNewlinesCountTheirLinesAndPass() throws IOException {
    StringBuilder text = new StringBuilder(HEADER);
    for (int i = 1; i <= 10; i++) {
      text.append(i)
          .append(',')
          .append(i)
          .append(',')
          .append(i == 4 ? "\"two\r\nmore\nlines\"" : "a")
          .append('\n');
    }
    Path file = write(tmp.resolve("quoted-lines"), "rows.csv", utf8(text.toString()));
    EtlSummary s =
        new EtlJob(spark, config(file.getParent(), "csv", "input.columns.c=categorical"))
            .run()
            .summary();
    assertEquals(
        List.of(10L, 0L, 12L, 0L, 10L),
        List.of(
            s.rowsRead(),
            s.rowsQuarantined(),
            s.linesRead(),
            s.linesQuarantined(),
            s.totalWritten()));
    assertTrue(s.reconciles());
  }

  @Test
  void aJsonEmptyStringInAnOtherwiseNumericFieldIsMissingAndTheTypesStay() throws IOException {
    Path dir = tmp.resolve("json-empty");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      // Every x is a number but two: Spark infers x as a number and would reject "" as a malformed
      // record.
      String x = i % 7 == 0 ? "\"\"" : String.valueOf(i * 3);
      lines
          .append("{\"y\": ")
          .append(i)
          .append(".5, \"x\": ")
          .append(x)
          .append(", \"c\": \"")
          .append("ab".charAt(i % 2))
          .append("\"}\n");
    }
    write(dir, "rows.json", utf8(lines.toString()));
    DlpipeConfig cfg = config(dir, "json");

    Dataset<Row> typed = InputReader.readTyped(spark, cfg.input());
    assertEquals(
        "struct<c:string,x:bigint,y:double," + io.dlpipe.spark.Columns.CORRUPT + ":string>",
        typed.schema().simpleString());
    assertEquals(
        List.of(7.5, 14.5),
        typed.where("x is null").orderBy("y").collectAsList().stream()
            .map(r -> r.getDouble(r.fieldIndex("y")))
            .toList());

    EtlSummary s = new EtlJob(spark, cfg).run().summary();
    assertEquals(20, s.rowsRead());
    assertEquals(Map.of(), s.quarantinedByReason());
    assertEquals(20, s.totalWritten());
    assertTrue(s.reconciles());
  }

  private static String mixedHeaders(Path dir, String header) {
    return "Schema mismatch: the files under "
        + dir
        + " (input.path) do not all have the same header: file://"
        + dir.resolve("b.csv")
        + " has the header line \""
        + header
        + "\", but the input's columns are y,x,c (3 columns); give every file the same header, or read the files separately";
  }

  @Test
  void mixedOrDuplicateHeadersAndTruncatedParquetAreDataErrorsNamingTheFileOrColumn()
      throws IOException {
    Path mixed = tmp.resolve("mixed");
    // a.csv is the larger file, so Spark takes the header from it (files are packed by size).
    write(mixed, "a.csv", utf8(HEADER + "1,2,a\n3,4,b\n"));
    write(mixed, "b.csv", utf8("y,c,x\n1,a,2\n"));
    DataException m =
        assertThrows(DataException.class, () -> new EtlJob(spark, config(mixed, "csv")).run());
    assertEquals(mixedHeaders(mixed, "y,c,x"), m.getMessage());
    // A missing name, fewer and more columns: the header as the file has it, never the reader's
    // internal null marker.
    for (String other : List.of("y,,c", "y,x", "y,x,c,d", "y,\"\",c")) {
      write(mixed, "b.csv", utf8(other + "\n1,2,a\n"));
      DataException e =
          assertThrows(DataException.class, () -> new EtlJob(spark, config(mixed, "csv")).run());
      assertEquals(mixedHeaders(mixed, other), e.getMessage());
    }
    CliRun.Outcome cli =
        CliRun.run(
            "etl",
            "--set",
            "input.path=" + mixed,
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=" + tmp.resolve("ws-cli"));
    assertEquals(3, cli.code());
    assertEquals("dlpipe: " + mixedHeaders(mixed, "y,\"\",c") + "\n", cli.err());

    Path dup = write(tmp.resolve("dup"), "dup.csv", utf8("y,x,X\n1,2,3\n"));
    DataException d =
        assertThrows(DataException.class, () -> new EtlJob(spark, config(dup, "csv")).run());
    assertEquals(
        "Duplicate column name 'X' in the header of file://"
            + dup
            + " (columns 2 and 3; names compare case-insensitively); every column needs its own name",
        d.getMessage());

    spark
        .range(20)
        .selectExpr("cast(id as double) as y", "id * 2 as x", "cast(id % 3 as string) as c")
        .coalesce(1)
        .write()
        .parquet(tmp.resolve("pq").toString());
    Path part =
        Files.list(tmp.resolve("pq"))
            .filter(f -> f.toString().endsWith(".parquet"))
            .findFirst()
            .orElseThrow();
    byte[] bytes = Files.readAllBytes(part);
    Path truncated =
        write(
            tmp.resolve("pq-truncated"),
            "part-00000.parquet",
            Arrays.copyOf(bytes, bytes.length / 2));
    DataException t =
        assertThrows(
            DataException.class,
            () -> new EtlJob(spark, config(truncated.getParent(), "parquet")).run());
    assertTrue(
        t.getMessage()
            .startsWith(
                "Corrupt or truncated Parquet file file:"
                    + truncated
                    + ": it cannot be read (file:"
                    + truncated
                    + " is not a Parquet file."),
        t.getMessage());

    // One good file beside a truncated one: the schema comes from the good one, the scan fails on
    // the other.
    Path two = tmp.resolve("pq-two");
    write(two, "part-00000.parquet", bytes);
    Path cut = write(two, "part-00001.parquet", Arrays.copyOf(bytes, bytes.length - 10));
    DataException t2 =
        assertThrows(DataException.class, () -> new EtlJob(spark, config(two, "parquet")).run());
    assertTrue(
        t2.getMessage()
            .startsWith("Corrupt or truncated Parquet file file:" + cut + ": it cannot be read ("),
        t2.getMessage());
  }
}
