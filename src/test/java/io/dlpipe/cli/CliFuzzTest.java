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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: every command gets empty, missing, relative, {@code ..}, symlinked, unreadable and
 * absurd values for each path and option. Each case must end with exit code 2 or 3, exactly one
 * line on stderr starting with {@code dlpipe: } and no stack trace, and a sentinel user folder
 * (with files in it, also reached through a symbolic link and through {@code ..}) must survive byte
 * for byte.
 *
 * <p>The commands run in this JVM with the shared test session already started, so the few cases
 * that get past the checks made before Spark (a missing input is found by Spark's reader) reuse it.
 * As root, a file with mode 000 is still readable: the "unreadable" values are then files whose
 * content is also wrong, so they are refused either way.
 */
class CliFuzzTest {
  @TempDir static Path tmp;
  private static Path sentinel;
  private static final Map<String, String> PATHS = new LinkedHashMap<>();
  private static final List<String> WORKSPACE_COMMANDS = List.of("run", "etl", "train", "evaluate");

  @BeforeAll
  static void userFolderAndTheValues() throws Exception {
    sentinel = Files.createDirectories(tmp.resolve("sentinel"));
    Files.writeString(sentinel.resolve("keep.txt"), "precious\n");
    Files.createDirectories(sentinel.resolve("sub"));
    Files.writeString(sentinel.resolve("sub/nested.csv"), "a,b\n1,2\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), sentinel);
    Path locked = Files.writeString(tmp.resolve("locked.conf"), "this is { not HOCON");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    Path lockedDir = Files.createDirectories(tmp.resolve("locked-dir"));
    Files.writeString(lockedDir.resolve("x.csv"), "q\n1\n");
    Files.setPosixFilePermissions(lockedDir, PosixFilePermissions.fromString("---------"));
    PATHS.put("empty", "");
    PATHS.put("relative", "src");
    PATHS.put("relative-missing", "no/such/relative/path");
    PATHS.put("dotdot", sentinel.resolve("sub").resolve("..").toString());
    PATHS.put("symlink", link.toString());
    PATHS.put("user-folder", sentinel.toString());
    PATHS.put("user-file", sentinel.resolve("keep.txt").toString());
    PATHS.put("unreadable-file", locked.toString());
    PATHS.put("unreadable-dir", lockedDir.toString());
    PATHS.put("root", "/");
    PATHS.put("nul", "a\u0000b");
    PATHS.put("newline", "a\nb");
    PATHS.put("long", "x".repeat(5000));
    PATHS.put("colons", "::::");
    PATHS.put("scheme-only", "hdfs://");
    PATHS.put("unknown-scheme", "nosuchfs://bucket/x");
    TestSpark.get();
  }

  private record Case(String label, List<String> args) {}

  private record Outcome(int code, String out, String err) {}

  private static List<String> keys(String input, String outputDir) {
    return new ArrayList<>(
        List.of(
            "--set",
            "input.path=\"" + input + "\"",
            "--set",
            "target.column=Status",
            "--set",
            "target.task=classification",
            "--set",
            "output.dir=\"" + outputDir + "\"",
            "--set",
            "spark.master=\"local[2]\""));
  }

  private static String hocon(String value) {
    return value
        .replace("\\", "\\\\")
        .replace("\"", "\\\"")
        .replace("\n", "\\n")
        .replace("\u0000", "\\u0000");
  }

  private static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    String ws = tmp.resolve("ws").toString();
    String credit = TestData.credit().toString();
    List<String> configCommands = new ArrayList<>(List.of("config", "doctor", "predict"));
    configCommands.addAll(WORKSPACE_COMMANDS);
    for (String command : configCommands) {
      List<String> extra =
          command.equals("predict")
              ? List.of("--input", credit, "--output", tmp.resolve("scores-" + command).toString())
              : List.of();
      // --conf: every kind of path; missing value; a --set that is not KEY=VALUE; --date and
      // --master.
      for (Map.Entry<String, String> v : PATHS.entrySet()) {
        if (v.getKey().equals("relative")) {
          continue; // src/ is a folder: the same as user-folder
        }
        List<String> args = new ArrayList<>(List.of(command, "--conf", v.getValue()));
        args.addAll(keys(credit, ws));
        args.addAll(extra);
        out.add(new Case(command + " --conf " + v.getKey(), args));
      }
      out.add(new Case(command + " --conf missing", List.of(command, "--conf")));
      out.add(new Case(command + " --set missing", List.of(command, "--set")));
      out.add(new Case(command + " --set no-equals", List.of(command, "--set", "output.dir")));
      out.add(
          new Case(command + " --set unknown key", List.of(command, "--set", "output.dirr=/x")));
      for (String date : List.of("", "2026-13-45", "yesterday", "9".repeat(40))) {
        List<String> args = new ArrayList<>(List.of(command, "--date", date));
        args.addAll(keys(credit, ws));
        args.addAll(extra);
        out.add(
            new Case(
                command + " --date '" + date.substring(0, Math.min(date.length(), 12)) + "'",
                args));
      }
      out.add(new Case(command + " --date missing", List.of(command, "--date")));
      for (String master : List.of("", "bogus", "local[-1]", "spark:/x")) {
        List<String> args = new ArrayList<>(List.of(command, "--master", master));
        args.addAll(keys(credit, ws));
        args.addAll(extra);
        out.add(new Case(command + " --master '" + master + "'", args));
      }
      out.add(new Case(command + " unknown option", List.of(command, "--no-such-option")));
      if (command.equals("doctor")) {
        continue; // doctor reports a bad output.dir or input as a finding (exit 1 by design); its
        // probe is checked below
      }
      // output.dir: every kind of path.
      for (Map.Entry<String, String> v : PATHS.entrySet()) {
        if (v.getKey().equals("relative-missing")) {
          continue; // a new relative folder is a valid workspace, created in the working directory
        }
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(keys(credit, hocon(v.getValue())));
        args.addAll(
            command.equals("predict")
                ? List.of(
                    "--input",
                    credit,
                    "--output",
                    tmp.resolve("scores-ws-" + v.getKey()).toString())
                : List.of());
        out.add(new Case(command + " output.dir " + v.getKey(), args));
      }
    }
    // input.path of etl and run: every kind of path; the workspace is new each time.
    for (String command : List.of("etl", "run")) {
      for (Map.Entry<String, String> v : PATHS.entrySet()) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(
            keys(hocon(v.getValue()), tmp.resolve("ws-" + command + "-" + v.getKey()).toString()));
        out.add(new Case(command + " input.path " + v.getKey(), args));
      }
    }
    // predict --input and --output.
    for (Map.Entry<String, String> v : PATHS.entrySet()) {
      List<String> in = new ArrayList<>(List.of("predict"));
      in.addAll(keys(credit, ws));
      in.addAll(
          List.of(
              "--input",
              v.getValue(),
              "--output",
              tmp.resolve("scores-in-" + v.getKey()).toString()));
      out.add(new Case("predict --input " + v.getKey(), in));
      if (v.getKey().equals("relative-missing")) {
        continue; // a new relative output folder is valid
      }
      List<String> o = new ArrayList<>(List.of("predict"));
      o.addAll(keys(credit, ws));
      o.addAll(List.of("--input", credit, "--output", v.getValue()));
      out.add(new Case("predict --output " + v.getKey(), o));
    }
    out.add(new Case("predict --input missing", List.of("predict", "--output", "x", "--input")));
    out.add(
        new Case("predict --output missing", List.of("predict", "--input", credit, "--output")));
    out.add(new Case("predict no --output", List.of("predict", "--input", credit)));
    // synth --out and its numbers.
    for (Map.Entry<String, String> v : PATHS.entrySet()) {
      if (v.getKey().equals("relative-missing")) {
        continue;
      }
      out.add(
          new Case(
              "synth --out " + v.getKey(),
              List.of(
                  "synth",
                  "--shape",
                  "credit",
                  "--rows",
                  "10",
                  "--out",
                  v.getValue(),
                  "--master",
                  "local[1]")));
    }
    String fresh = tmp.resolve("synth-new").toString();
    for (String[] bad :
        new String[][] {
          {"--rows", "-1"},
          {"--rows", "abc"},
          {"--rows", "1e99"},
          {"--rows", ""},
          {"--files", "0"},
          {"--columns", "1"},
          {"--malformed-ratio", "2"},
          {"--malformed-ratio", "NaN"},
          {"--shape", "nope"},
          {"--shape", ""},
          {"--master", "bogus"},
          {"--master", ""}
        }) {
      List<String> args =
          new ArrayList<>(List.of("synth", "--shape", "credit", "--rows", "10", "--out", fresh));
      args.addAll(List.of(bad));
      out.add(new Case("synth " + bad[0] + " '" + bad[1] + "'", args));
    }
    out.add(
        new Case(
            "synth --out missing", List.of("synth", "--shape", "credit", "--rows", "10", "--out")));
    out.add(new Case("no command", List.of()));
    out.add(new Case("unknown command", List.of("nosuchcommand")));
    return out;
  }

  private static Outcome execute(List<String> args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = Main.execute(args.toArray(new String[0]));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every file and folder under {@code root}, with the bytes of each file. */
  static Map<String, String> snapshot(Path root) throws Exception {
    return WorkspaceGuardTest.snapshot(root);
  }

  @Test
  void everyCommandRefusesBadPathsAndOptionsInOneLineAndTheUsersFolderSurvives() throws Exception {
    // Logging is bound to the real stderr before the test swaps it, as a scheduler sees dlpipe's
    // own lines apart from the log.
    org.slf4j.LoggerFactory.getLogger(CliFuzzTest.class).debug("logging initialized");
    Map<String, String> before = snapshot(sentinel);
    List<Case> cases = cases();
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> byCode = new TreeMap<>();
    List<String> slow = new ArrayList<>();
    for (Case c : cases) {
      long start = System.nanoTime();
      Outcome o = execute(c.args());
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ms > 1000) {
        slow.add(c.label() + " " + ms + " ms");
      }
      byCode.merge(o.code(), 1, Integer::sum);
      List<String> lines = o.err().lines().toList();
      boolean oneLine =
          lines.size() == 1
              && lines.get(0).startsWith("dlpipe: ")
              && !lines.get(0).startsWith("dlpipe: failed:");
      if ((o.code() != ExitCodes.USAGE && o.code() != ExitCodes.DATA)
          || !oneLine
          || o.err().contains("\tat ")) {
        failures.add(
            c.label()
                + " -> exit "
                + o.code()
                + ", stderr: "
                + o.err().strip().replace("\n", "\n    "));
      }
      if (!snapshot(sentinel).equals(before)) {
        failures.add(c.label() + " changed the user's folder: " + snapshot(sentinel).keySet());
        break;
      }
    }
    assertEquals(
        List.of(),
        failures,
        failures.size() + " of " + cases.size() + " cases failed:\n" + String.join("\n", failures));
    assertTrue(cases.size() > 250, "cases: " + cases.size());
    System.out.println(
        "CliFuzzTest: " + cases.size() + " cases, by exit code " + byCode + "; over 1 s: " + slow);

    // doctor never probes a user's folder: it says why the run would refuse it, and the folder is
    // unchanged.
    List<String> doctor = new ArrayList<>(List.of("doctor"));
    doctor.addAll(keys(TestData.credit().toString(), sentinel.toString()));
    Outcome d = execute(doctor);
    assertEquals(ExitCodes.FAILURE, d.code(), d.out() + d.err());
    assertTrue(
        d.out()
            .contains(
                "Refusing output.dir "
                    + sentinel
                    + ": the folder holds 2 entries (keep.txt, sub) and no _dlpipe.json"),
        d.out());
    assertEquals(before, snapshot(sentinel));
  }
}
