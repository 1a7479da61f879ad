package io.dlpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ExitCodes;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line, as a scheduler sees them. */
class MainTest {
  @TempDir Path tmp;

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Outcome(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void helpListsEveryCommandAndOption() {
    Outcome top = run("--help");
    assertEquals(ExitCodes.OK, top.code());
    for (String command :
        new String[] {"run", "etl", "train", "evaluate", "predict", "doctor", "synth", "config"}) {
      assertTrue(top.out().contains("  " + command + " "), top.out());
    }
    Outcome etl = run("etl", "--help");
    assertEquals(ExitCodes.OK, etl.code());
    for (String option : new String[] {"--conf", "--set", "--date", "--master"}) {
      assertTrue(etl.out().contains(option), etl.out());
    }
  }

  @Test
  void usageErrorsExitWithTwo() {
    Outcome noCommand = run();
    assertEquals(ExitCodes.USAGE, noCommand.code());
    assertTrue(
        noCommand
            .err()
            .startsWith(
                "dlpipe: Missing command: give one of run, etl, train, evaluate, predict, doctor, synth, config (see dlpipe --help)"),
        noCommand.err());
    assertEquals(ExitCodes.USAGE, run("train-everything").code());
    assertEquals(ExitCodes.USAGE, run("etl", "--no-such-option").code());
  }

  @Test
  void configErrorsExitWithTwoBeforeSparkStarts() {
    Outcome bad =
        run(
            "etl",
            "--set",
            "input.path=/x",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regresion",
            "--set",
            "output.dir=/w");
    assertEquals(ExitCodes.USAGE, bad.code());
    assertEquals(
        "dlpipe: Invalid configuration: target.task: expected one of regression | classification, found string \"regresion\" (--set target.task=regresion)\n",
        bad.err());
  }

  @Test
  void configCommandPrintsTheResolvedConfigWithoutSpark() {
    Outcome ok =
        run(
            "config",
            "--conf",
            TestData.projectDir().resolve("conf/examples/credit.conf").toString(),
            "--set",
            "etl.split.seed=7");
    assertEquals(ExitCodes.OK, ok.code(), ok.err());
    assertTrue(ok.out().contains("seed=7"), ok.out());
    assertTrue(ok.out().contains("column=Status"), ok.out());
  }

  @Test
  void dataErrorsExitWithThreeAndSuccessWithZero() throws Exception {
    TestSpark.get();
    Outcome missing =
        run(
            "etl",
            "--set",
            "input.path=" + tmp.resolve("none.csv"),
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=" + tmp);
    assertEquals(ExitCodes.DATA, missing.code());
    assertEquals(
        "dlpipe: Input not found: "
            + tmp.resolve("none.csv")
            + " (input.path) does not exist or matches no file\n",
        missing.err());

    Path conf = tmp.resolve("credit.conf");
    Files.writeString(
        conf,
        "input { path = \""
            + TestData.credit()
            + "\", format = csv }\ntarget { column = Status, task = classification }\noutput { dir = \""
            + tmp.resolve("ws")
            + "\" }\n");
    Outcome ok = run("etl", "--conf", conf.toString());
    assertEquals(ExitCodes.OK, ok.code(), ok.err());
    assertTrue(Files.exists(tmp.resolve("ws/prepared/_SUCCESS")));
  }

  @Test
  void splitSharesThatLeaveTestEmptyFailInConfigItself() {
    Outcome bad =
        run(
            "config",
            "--conf",
            TestData.projectDir().resolve("conf/examples/credit.conf").toString(),
            "--set",
            "etl.split.train=0.9",
            "--set",
            "etl.split.test=0");
    assertEquals(ExitCodes.USAGE, bad.code());
    assertEquals(
        "dlpipe: Invalid configuration: etl.split.test: expected a number in (0, 1), found number 0 (--set etl.split.test=0)\n",
        bad.err());
  }

  private String[] etl(String input, String format, String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "etl",
                "--set",
                "input.path=" + input,
                "--set",
                "input.format=" + format,
                "--set",
                "target.column=y",
                "--set",
                "target.task=regression",
                "--set",
                "output.dir=" + tmp.resolve("ws")));
    args.addAll(java.util.List.of(extra));
    return args.toArray(new String[0]);
  }

  @Test
  void dataErrorsOfTheFilesAreOneLineNamingTheFileOrColumnAndTracesNeedVerbose() throws Exception {
    TestSpark.get();
    Path dup = tmp.resolve("dup.csv");
    Files.writeString(dup, "y,x,x\n1,2,3\n");
    Outcome d = run(etl(dup.toString(), "csv"));
    assertEquals(ExitCodes.DATA, d.code());
    assertEquals(
        "dlpipe: Duplicate column name 'x' in the header of file://"
            + dup
            + " (columns 2 and 3; names compare case-insensitively); every column needs its own name\n",
        d.err());

    Outcome host = run(etl("hdfs://no-such-host.invalid:8020/raw/x.csv", "csv"));
    assertEquals(ExitCodes.DATA, host.code());
    // The output-safety check resolves input.path before anything is read, so it meets the host
    // first.
    assertEquals(
        "dlpipe: Unknown host no-such-host.invalid: hdfs://no-such-host.invalid:8020/raw/x.csv (input.path) cannot be reached; check the host name\n",
        host.err());
    // The workspace lock is the first to open output.dir.
    Outcome outputHost =
        run(
            etl(
                TestData.credit().toString(),
                "csv",
                "--set",
                "output.dir=hdfs://no-such-host.invalid:8020/dlpipe/ws"));
    assertEquals(ExitCodes.DATA, outputHost.code());
    assertEquals(
        "dlpipe: Unknown host no-such-host.invalid: hdfs://no-such-host.invalid:8020/dlpipe/ws (output.dir) cannot be reached; check the host name\n",
        outputHost.err());

    Path pq = tmp.resolve("pq");
    Files.createDirectories(pq);
    Files.write(
        pq.resolve("part-00000.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 0, 0, 0, 1, 2, 3});
    Outcome corrupt = run(etl(pq.toString(), "parquet"));
    assertEquals(ExitCodes.DATA, corrupt.code());
    assertTrue(
        corrupt
            .err()
            .startsWith(
                "dlpipe: Corrupt or truncated Parquet file file:"
                    + pq.resolve("part-00000.parquet")
                    + ": it cannot be read ("),
        corrupt.err());
    assertEquals(1, corrupt.err().lines().count(), corrupt.err());

    Outcome verbose = run(etl(pq.toString(), "parquet", "--verbose"));
    assertEquals(ExitCodes.DATA, verbose.code());
    assertTrue(verbose.err().startsWith(corrupt.err()), verbose.err());
    assertTrue(verbose.err().contains("\n\tat org.apache.spark."), verbose.err());
  }

  @Test
  void duplicateColumnNamesInParquetAndJsonAreOneLineNamingTheColumnAndTheParquetFile()
      throws Exception {
    org.apache.spark.sql.SparkSession spark = TestSpark.get();
    // A session that compares names case-sensitively (or pandas) writes Parquet whose schema
    // repeats a name.
    Path pq = tmp.resolve("dup-pq");
    String before = spark.conf().get("spark.sql.caseSensitive");
    spark.conf().set("spark.sql.caseSensitive", "true");
    try {
      spark.sql("SELECT 1.0 AS y, 2 AS x, 3 AS X").coalesce(1).write().parquet(pq.toString());
    } finally {
      spark.conf().set("spark.sql.caseSensitive", before);
    }
    Path part;
    try (java.util.stream.Stream<Path> files = Files.list(pq)) {
      part =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    Outcome p = run(etl(pq.toString(), "parquet"));
    assertEquals(ExitCodes.DATA, p.code());
    assertEquals(
        "dlpipe: Duplicate column name 'X' in the schema of the Parquet file file:"
            + part
            + " (columns 2 and 3; names compare case-insensitively) under "
            + pq
            + " (input.path); every column needs its own name\n",
        p.err());

    // Keys that differ only in case, in one record or in two: the inferred schema repeats a name.
    Path json = tmp.resolve("dup.json");
    Files.writeString(json, "{\"y\":1,\"x\":2,\"X\":3}\n{\"y\":2,\"x\":4,\"X\":5}\n");
    Outcome j = run(etl(json.toString(), "json"));
    assertEquals(ExitCodes.DATA, j.code());
    assertEquals(
        "dlpipe: Duplicate column name 'x' in the input "
            + json
            + " (input.path); every column needs its own name\n",
        j.err());

    Path sameKey = tmp.resolve("same-key.json");
    Files.writeString(sameKey, "{\"y\":1,\"x\":2,\"x\":3}\n");
    Outcome k = run(etl(sameKey.toString(), "json"));
    assertEquals(ExitCodes.DATA, k.code());
    assertEquals(
        "dlpipe: Duplicate column name 'x' in the input "
            + sameKey
            + " (input.path); every column needs its own name\n",
        k.err());
  }

  @Test
  void everyCommandThatWritesTheWorkspaceExitsThreeAtOnceWhileAnotherHoldsItsLock() {
    Path ws = tmp.resolve("busy");
    try (io.dlpipe.workspace.WorkspaceLock held =
        io.dlpipe.workspace.WorkspaceLock.acquire(
            new org.apache.hadoop.conf.Configuration(),
            ws.toString(),
            "test-holder",
            java.time.Duration.ofSeconds(120))) {
      for (String command : new String[] {"run", "etl", "train", "evaluate", "predict"}) {
        java.util.List<String> args =
            new java.util.ArrayList<>(
                java.util.List.of(
                    command,
                    "--set",
                    "input.path=" + TestData.credit(),
                    "--set",
                    "target.column=Status",
                    "--set",
                    "target.task=classification",
                    "--set",
                    "output.dir=" + ws));
        if (command.equals("predict")) {
          args.addAll(
              java.util.List.of(
                  "--input",
                  TestData.credit().toString(),
                  "--output",
                  tmp.resolve("scores").toString()));
        }
        Outcome o = run(args.toArray(new String[0]));
        assertEquals(ExitCodes.DATA, o.code(), command + ": " + o.err());
        assertTrue(
            o.err()
                .startsWith(
                    "dlpipe: Workspace "
                        + ws
                        + " is in use by another dlpipe command ("
                        + ws
                        + "/_dlpipe.lock): host "),
            command + ": " + o.err());
        assertTrue(o.err().contains(", pid " + ProcessHandle.current().pid() + ", run "), o.err());
        assertTrue(o.err().contains(", command test-holder, started "), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
      }
      assertEquals(
          java.util.List.of("_dlpipe.lock"),
          java.util.Arrays.stream(ws.toFile().list()).toList(),
          "nothing but the holder's lock was written");
      assertTrue(!Files.exists(tmp.resolve("scores")));
    }
  }
}
