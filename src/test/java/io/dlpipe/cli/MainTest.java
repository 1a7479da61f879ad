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
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void helpListsEveryCommandAndOption() {
    Outcome top = run("--help");
    assertEquals(ExitCodes.OK, top.code());
    for (String command : new String[] {"run", "etl", "train", "evaluate", "predict", "doctor", "synth", "config"}) {
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
    assertTrue(noCommand.err().startsWith("Missing command: give one of run, etl, train, evaluate, predict, doctor, synth, config (see dlpipe --help)"), noCommand.err());
    assertEquals(ExitCodes.USAGE, run("train-everything").code());
    assertEquals(ExitCodes.USAGE, run("etl", "--no-such-option").code());
  }

  @Test
  void configErrorsExitWithTwoBeforeSparkStarts() {
    Outcome bad = run("etl", "--set", "input.path=/x", "--set", "target.column=y", "--set", "target.task=regresion", "--set", "output.dir=/w");
    assertEquals(ExitCodes.USAGE, bad.code());
    assertEquals("dlpipe: Invalid configuration: target.task: expected one of regression | classification, found string \"regresion\" (--set target.task=regresion)\n", bad.err());
  }

  @Test
  void configCommandPrintsTheResolvedConfigWithoutSpark() {
    Outcome ok = run("config", "--conf", TestData.projectDir().resolve("conf/examples/credit.conf").toString(), "--set", "etl.split.seed=7");
    assertEquals(ExitCodes.OK, ok.code(), ok.err());
    assertTrue(ok.out().contains("seed=7"), ok.out());
    assertTrue(ok.out().contains("column=Status"), ok.out());
  }

  @Test
  void dataErrorsExitWithThreeAndSuccessWithZero() throws Exception {
    TestSpark.get();
    Outcome missing = run("etl", "--set", "input.path=" + tmp.resolve("none.csv"), "--set", "target.column=y", "--set", "target.task=regression", "--set", "output.dir=" + tmp);
    assertEquals(ExitCodes.DATA, missing.code());
    assertEquals("dlpipe: Input not found: " + tmp.resolve("none.csv") + " (input.path) does not exist or matches no file\n", missing.err());

    Path conf = tmp.resolve("credit.conf");
    Files.writeString(conf, "input { path = \"" + TestData.credit() + "\", format = csv }\ntarget { column = Status, task = classification }\noutput { dir = \"" + tmp.resolve("ws") + "\" }\n");
    Outcome ok = run("etl", "--conf", conf.toString());
    assertEquals(ExitCodes.OK, ok.code(), ok.err());
    assertTrue(Files.exists(tmp.resolve("ws/prepared/_SUCCESS")));
  }

  @Test
  void splitSharesThatLeaveTestEmptyFailInConfigItself() {
    Outcome bad = run("config", "--conf", TestData.projectDir().resolve("conf/examples/credit.conf").toString(), "--set", "etl.split.train=0.9", "--set", "etl.split.test=0");
    assertEquals(ExitCodes.USAGE, bad.code());
    assertEquals("dlpipe: Invalid configuration: etl.split.test: expected a number in (0, 1), found number 0 (--set etl.split.test=0)\n", bad.err());
  }

  private String[] etl(String input, String format, String... extra) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("etl", "--set", "input.path=" + input, "--set", "input.format=" + format, "--set", "target.column=y",
        "--set", "target.task=regression", "--set", "output.dir=" + tmp.resolve("ws")));
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
    assertEquals("dlpipe: Duplicate column name 'x' in the header of file://" + dup + " (columns 2 and 3; names compare case-insensitively); every column needs its own name\n", d.err());

    Outcome host = run(etl("hdfs://no-such-host.invalid:8020/raw/x.csv", "csv"));
    assertEquals(ExitCodes.DATA, host.code());
    // The output-safety check resolves input.path before anything is read, so it meets the host first.
    assertEquals("dlpipe: Unknown host no-such-host.invalid: the file system named in the path cannot be reached (check the host name in input.path and output.dir)\n", host.err());

    Path pq = tmp.resolve("pq");
    Files.createDirectories(pq);
    Files.write(pq.resolve("part-00000.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 0, 0, 0, 1, 2, 3});
    Outcome corrupt = run(etl(pq.toString(), "parquet"));
    assertEquals(ExitCodes.DATA, corrupt.code());
    assertTrue(corrupt.err().startsWith("dlpipe: Corrupt or truncated Parquet file file:" + pq.resolve("part-00000.parquet") + ": it cannot be read ("), corrupt.err());
    assertEquals(1, corrupt.err().lines().count(), corrupt.err());

    Outcome verbose = run(etl(pq.toString(), "parquet", "--verbose"));
    assertEquals(ExitCodes.DATA, verbose.code());
    assertTrue(verbose.err().startsWith(corrupt.err()), verbose.err());
    assertTrue(verbose.err().contains("\n\tat org.apache.spark."), verbose.err());
  }
}
