package io.dlpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dlpipe.Digests;
import io.dlpipe.ExitCodes;
import io.dlpipe.io.Json;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.OutputMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: the workspace guard checks every path a command writes or replaces before its first
 * byte. Each refusal is exit code 2 with one line, and the refused folder survives byte for byte.
 */
class WorkspaceGuardTest {
  @TempDir Path tmp;

  private static List<String> keys(Path input, Path ws, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set",
                "input.path=" + input,
                "--set",
                "target.column=Status",
                "--set",
                "target.task=classification",
                "--set",
                "output.dir=" + ws,
                "--set",
                "spark.master=local[2]"));
    for (String e : extra) {
      args.addAll(List.of("--set", e));
    }
    return args;
  }

  private static CliRun.Outcome cli(String command, List<String> args, String... more) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(args);
    all.addAll(List.of(more));
    return CliRun.run(all.toArray(new String[0]));
  }

  /** Every file under {@code root} by relative path, with its SHA-256, and every folder. */
  static Map<String, String> snapshot(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        out.put(
            root.relativize(p).toString(),
            Files.isDirectory(p) ? "dir" : Digests.sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static void mark(Path dir, OutputKind kind) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(OutputMarker.FILE), Json.write(OutputMarker.of(kind)));
  }

  @Test
  void runRefusesAnInputInsideAnyFolderItsStagesReplaceBeforeWritingAnything() throws Exception {
    Path ws = tmp.resolve("ws");
    mark(ws.resolve("model"), OutputKind.MODEL);
    mark(ws.resolve("evaluation"), OutputKind.EVALUATION);
    mark(ws.resolve("checkpoints"), OutputKind.CHECKPOINTS);
    mark(ws.resolve("predictions/dt=2026-11-29"), OutputKind.PREDICTIONS);
    String[][] cases = {
      {
        "model", "the model folder", "train replaces that folder, so it would destroy the input", ""
      },
      {
        "evaluation",
        "the evaluation folder",
        "evaluate replaces that folder, so it would destroy the input",
        ""
      },
      {
        "checkpoints",
        "the checkpoints folder",
        "train replaces that folder, so it would destroy the input",
        ""
      },
      {
        "predictions/dt=2026-11-29",
        "the predictions folder of the workspace",
        "run --date writes the day's results there, so a later day could replace its own input",
        "2026-11-30"
      },
    };
    for (String[] c : cases) {
      Path input = ws.resolve(c[0]).resolve("raw.csv");
      Files.copy(TestData.credit(), input);
      Map<String, String> before = snapshot(ws);
      List<String> args = keys(input, ws);
      CliRun.Outcome o = c[3].isEmpty() ? cli("run", args) : cli("run", args, "--date", c[3]);
      assertEquals(ExitCodes.USAGE, o.code(), o.err());
      Path folder = c[0].startsWith("predictions") ? ws.resolve("predictions") : ws.resolve(c[0]);
      assertEquals(
          "dlpipe: Refusing input.path "
              + input
              + ": it lies inside "
              + c[1]
              + " "
              + folder
              + "; "
              + c[2]
              + ". Move the input out of it\n",
          o.err());
      assertEquals(
          before,
          snapshot(ws),
          "nothing was written or deleted: no lock, no run-summary.json, no marker");
    }
  }

  @Test
  void aUsersFolderWhereTheDaysModelCandidateGoesSurvivesRunDate() throws Exception {
    Path ws = tmp.resolve("ws");
    mark(ws.resolve("model"), OutputKind.MODEL);
    Path users = ws.resolve("model-candidates/dt=2026-11-30");
    Files.createDirectories(users);
    Files.writeString(users.resolve("notes.txt"), "mine");
    Map<String, String> before = snapshot(ws);
    CliRun.Outcome o = cli("run", keys(TestData.credit(), ws), "--date", "2026-11-30");
    assertEquals(ExitCodes.USAGE, o.code(), o.err());
    assertEquals(
        "dlpipe: Refusing to write the model retrained on 2026-11-30, before the promotion gate "
            + users
            + ": the folder exists and was not "
            + "written by dlpipe (no _dlpipe.json); dlpipe only replaces folders it wrote itself (they carry a _dlpipe.json marker). Move it away or choose "
            + "another path\n",
        o.err());
    assertEquals(before, snapshot(ws), "the user's folder and everything else are as they were");
  }

  @Test
  void theRootAUsersFolderAndAFileAreRefusedAsWorkspaceByConfigAndEveryCommand() throws Exception {
    Path home = tmp.resolve("home");
    Files.createDirectories(home.resolve("Documents"));
    Files.writeString(home.resolve("run-summary.json"), "{\"mine\": true}");
    Files.writeString(home.resolve("notes.txt"), "precious");
    Map<String, String> before = snapshot(home);
    String refusal =
        "dlpipe: Refusing output.dir "
            + home
            + ": the folder holds 3 entries (Documents, notes.txt, run-summary.json) and no _dlpipe.json, "
            + "so it is not a dlpipe workspace; dlpipe writes run-summary.json, its lock and its folders there. output.dir must be a new or empty folder, "
            + "or a workspace dlpipe wrote (it carries _dlpipe.json)\n";
    for (String command : List.of("config", "run", "etl", "train", "evaluate")) {
      CliRun.Outcome o = cli(command, keys(TestData.credit(), home));
      assertEquals(ExitCodes.USAGE, o.code(), command + ": " + o.err());
      assertEquals(refusal, o.err(), command);
    }
    CliRun.Outcome predict =
        cli(
            "predict",
            keys(TestData.credit(), home),
            "--input",
            TestData.credit().toString(),
            "--output",
            tmp.resolve("p").toString());
    assertEquals(refusal, predict.err());
    assertEquals(before, snapshot(home), "the user's folder is byte for byte as it was");
    assertFalse(Files.exists(tmp.resolve("p")));

    for (String root : List.of("/", "/tmp/..", "file:///")) {
      CliRun.Outcome o =
          cli("run", keys(TestData.credit(), tmp), "--set", "output.dir=\"" + root + "\"");
      assertEquals(ExitCodes.USAGE, o.code(), o.err());
      assertEquals(
          "dlpipe: Refusing output.dir "
              + root
              + ": it is the root of its file system; dlpipe creates and replaces folders inside the workspace, "
              + "so output.dir must be a new or empty folder, or a workspace dlpipe wrote (it carries _dlpipe.json). Give a folder below it\n",
          o.err());
      assertEquals(
          o.err(),
          cli("config", keys(TestData.credit(), tmp), "--set", "output.dir=\"" + root + "\"")
              .err());
    }
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    CliRun.Outcome onFile = cli("etl", keys(TestData.credit(), file));
    assertEquals(
        "dlpipe: Refusing output.dir "
            + file
            + ": a file is there, not a folder; output.dir must be a new or empty folder, or a workspace dlpipe "
            + "wrote (it carries _dlpipe.json)\n",
        onFile.err());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void aNewOrEmptyFolderBecomesAMarkedWorkspaceAndAnEarlierReleasesWorkspaceIsAccepted()
      throws Exception {
    io.dlpipe.io.HadoopFiles files =
        new io.dlpipe.io.HadoopFiles(new org.apache.hadoop.conf.Configuration());
    Path fresh = tmp.resolve("fresh");
    io.dlpipe.workspace.WorkspaceGuard.workspace(files.conf(), fresh.toString()).claim("etl");
    OutputMarker marker = OutputMarker.read(files, fresh.toString());
    assertEquals(List.of("workspace", "etl"), List.of(marker.kind(), marker.stage()));
    Files.writeString(fresh.resolve("run-summary.json"), "{}");
    io.dlpipe.workspace.WorkspaceGuard.requireWorkspace(
        files, fresh.toString()); // marked: anything dlpipe wrote may be in it

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    io.dlpipe.workspace.WorkspaceGuard.workspace(files.conf(), empty.toString()).claim("run");
    assertEquals("workspace", OutputMarker.read(files, empty.toString()).kind());

    Path older = tmp.resolve("older");
    mark(older.resolve("prepared"), OutputKind.PREPARED);
    Files.writeString(older.resolve("run-summary.json"), "{}");
    io.dlpipe.workspace.WorkspaceGuard.workspace(files.conf(), older.toString()).claim("run");
    assertEquals("workspace", OutputMarker.read(files, older.toString()).kind());
  }

  @Test
  void synthWritesOnlyIntoANewEmptyOrEarlierSynthFolder() throws Exception {
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(mine.resolve("part-00000.csv"), "my own data");
    Map<String, String> before = snapshot(mine);
    CliRun.Outcome refused =
        CliRun.run(
            "synth",
            "--shape",
            "credit",
            "--rows",
            "10",
            "--out",
            mine.toString(),
            "--master",
            "local[1]");
    assertEquals(ExitCodes.USAGE, refused.code(), refused.err());
    assertEquals(
        "dlpipe: Refusing to write --out "
            + mine
            + ": the folder exists and was not written by dlpipe (no _dlpipe.json); dlpipe only replaces "
            + "folders it wrote itself (they carry a _dlpipe.json marker). Move it away or choose another path\n",
        refused.err());
    assertEquals(before, snapshot(mine));

    Path out = tmp.resolve("synth");
    for (int files : new int[] {3, 1}) {
      CliRun.Outcome o =
          CliRun.run(
              "synth",
              "--shape",
              "credit",
              "--rows",
              "30",
              "--files",
              Integer.toString(files),
              "--out",
              out.toString(),
              "--master",
              "local[1]");
      assertEquals(ExitCodes.OK, o.code(), o.err());
      try (Stream<Path> list = Files.list(out)) {
        assertEquals(
            files,
            list.filter(p -> p.getFileName().toString().endsWith(".csv")).count(),
            "a rerun replaces the folder as a whole");
      }
      assertEquals(
          "synth",
          OutputMarker.read(
                  new io.dlpipe.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()),
                  out.toString())
              .kind());
    }
  }

  @Test
  void runDateRefusesAnInputWithThePartitionColumn() throws Exception {
    Path input = tmp.resolve("with-dt.csv");
    List<String> lines = Files.readAllLines(TestData.credit());
    StringBuilder csv = new StringBuilder(lines.get(0)).append(",\"dt\"\n");
    for (String l : lines.subList(1, 51)) {
      csv.append(l).append(",2020-01-01\n");
    }
    Files.writeString(input, csv);
    Path ws = tmp.resolve("ws");
    CliRun.Outcome o = cli("run", keys(input, ws), "--date", "2026-11-30");
    assertEquals(ExitCodes.USAGE, o.code(), o.err());
    assertEquals(
        "dlpipe: Refusing the input "
            + input
            + " of run --date 2026-11-30: it has a column 'dt', the partition column of "
            + "<output.dir>/predictions/ (predict.table.partition-column = dt), which would read back as the run's date instead of its own values; "
            + "set predict.table.partition-column to another name\n",
        o.err());
    try (Stream<Path> list = Files.list(ws)) {
      assertEquals(
          List.of("_dlpipe.json"),
          list.map(p -> p.getFileName().toString()).sorted().toList(),
          "only the workspace's marker was written");
    }
  }
}
