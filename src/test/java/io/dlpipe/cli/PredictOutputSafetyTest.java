package io.dlpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ExitCodes;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.io.Json;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import io.dlpipe.workspace.OutputMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --output} never destroys data: a user's folder, the input's folder, the workspace
 * and anything inside it are refused with exit code 2 and survive; an earlier prediction output is
 * replaced only with {@code --overwrite}.
 */
class PredictOutputSafetyTest {
  @TempDir static Path tmp;
  private static Path ws;
  private static Path input;

  @BeforeAll
  static void trainATinyModel() throws Exception {
    ws = tmp.resolve("ws");
    new EtlJob(TestSpark.get(), TestData.creditConfig(TestData.credit(), ws)).run();
    new TrainJob(
            TestSpark.get(),
            TestData.creditConfig(
                TestData.credit(), ws, "train.epochs=1", "train.model.hidden-layers=[8]"))
        .run(false);
    input = tmp.resolve("in/new.csv");
    Files.createDirectories(input.getParent());
    Files.copy(TestData.credit(), input);
  }

  private static CliRun.Outcome predict(Path output, String... extra) {
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
                "spark.master=local[2]",
                "--input",
                input.toString(),
                "--output",
                output.toString()));
    args.addAll(List.of(extra));
    return CliRun.run(args.toArray(new String[0]));
  }

  private static final String WHY =
      "; predict replaces its output folders, so it could destroy the data there, or read what it writes. "
          + "Choose an --output outside the input, output.dir and the model\n";

  @Test
  void aUsersFolderTheInputsFolderAndTheWorkspaceSurvive() throws Exception {
    Path mine = tmp.resolve("mine");
    Files.createDirectories(mine);
    Files.writeString(mine.resolve("keep.txt"), "precious");
    CliRun.Outcome user = predict(mine);
    assertEquals(ExitCodes.USAGE, user.code(), user.err());
    assertEquals(
        "dlpipe: Refusing to write --output "
            + mine
            + ": the folder exists and was not written by dlpipe (no _dlpipe.json); dlpipe only "
            + "replaces folders it wrote itself (they carry a _dlpipe.json marker). Move it away or choose another path\n",
        user.err());
    assertEquals("precious", Files.readString(mine.resolve("keep.txt")));

    CliRun.Outcome inputs = predict(input.getParent());
    assertEquals(ExitCodes.USAGE, inputs.code(), inputs.err());
    assertEquals(
        "dlpipe: Refusing --output " + input.getParent() + ": it contains --input " + input + WHY,
        inputs.err());
    assertTrue(Files.exists(input));

    CliRun.Outcome workspace = predict(ws);
    assertEquals(ExitCodes.USAGE, workspace.code(), workspace.err());
    assertEquals(
        "dlpipe: Refusing --output " + ws + ": it contains the model " + ws + "/model" + WHY,
        workspace.err());
    CliRun.Outcome inside = predict(ws.resolve("scores"));
    assertEquals(ExitCodes.USAGE, inside.code(), inside.err());
    assertEquals(
        "dlpipe: Refusing --output "
            + ws.resolve("scores")
            + ": it lies inside output.dir "
            + ws
            + WHY,
        inside.err());
    CliRun.Outcome model = predict(ws.resolve("model/scores"));
    assertEquals(
        "dlpipe: Refusing --output "
            + ws.resolve("model/scores")
            + ": it lies inside the model "
            + ws
            + "/model"
            + WHY,
        model.err());
    for (String f :
        List.of("model/_SUCCESS", "model/model.zip", "prepared/_SUCCESS", "prepared/train")) {
      assertTrue(Files.exists(ws.resolve(f)), f);
    }

    Path file = tmp.resolve("scores.parquet");
    Files.writeString(file, "not a folder");
    CliRun.Outcome aFile = predict(file);
    assertEquals(
        "dlpipe: Refusing to write --output "
            + file
            + ": a file is there, not a dlpipe output folder; dlpipe only replaces folders it wrote "
            + "itself (they carry a _dlpipe.json marker). Move it away or choose another path\n",
        aFile.err());
    assertEquals("not a folder", Files.readString(file));

    Files.createDirectories(tmp.resolve("x_quarantine"));
    CliRun.Outcome quarantine = predict(tmp.resolve("x"));
    assertEquals(ExitCodes.USAGE, quarantine.code(), quarantine.err());
    assertTrue(
        quarantine
            .err()
            .startsWith(
                "dlpipe: Refusing to write the quarantine of --output "
                    + tmp.resolve("x_quarantine")
                    + ": the folder exists"),
        quarantine.err());
  }

  @Test
  void anEarlierPredictionIsReplacedOnlyWithOverwrite() throws Exception {
    Path scores = tmp.resolve("scores");
    CliRun.Outcome first = predict(scores);
    assertEquals(ExitCodes.OK, first.code(), first.err());
    OutputMarker marker =
        Json.MAPPER.readValue(scores.resolve(OutputMarker.FILE).toFile(), OutputMarker.class);
    assertEquals("predictions", marker.kind());
    assertEquals(
        "predict-quarantine",
        Json.MAPPER
            .readValue(tmp.resolve("scores_quarantine/_dlpipe.json").toFile(), OutputMarker.class)
            .kind());
    String summary = Files.readString(scores.resolve("_dlpipe-predict-summary.json"));
    assertTrue(summary.contains("\"rows_scored\" : 4454"), summary);

    CliRun.Outcome again = predict(scores);
    assertEquals(ExitCodes.USAGE, again.code(), again.err());
    assertEquals(
        "dlpipe: Refusing to replace "
            + scores
            + ": it holds an earlier prediction output (run "
            + marker.runId()
            + ", "
            + marker.createdAt()
            + "); pass --overwrite to replace it, or choose another --output\n",
        again.err());

    CliRun.Outcome overwrite = predict(scores, "--overwrite");
    assertEquals(ExitCodes.OK, overwrite.code(), overwrite.err());
    assertTrue(
        Files.readString(scores.resolve("_dlpipe-predict-summary.json"))
            .contains("\"rows_scored\" : 4454"));
    try (var s = Files.list(tmp)) {
      assertEquals(
          List.of(),
          s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("_")).toList(),
          "no staging folder is left");
    }
  }

  /**
   * Issue 19: a predict --overwrite that fails on too many bad rows leaves the earlier output and
   * its own quarantine byte for byte.
   */
  @Test
  void aFailedOverwriteKeepsTheEarlierOutputAndItsQuarantine() throws Exception {
    Path scores = tmp.resolve("failed/scores");
    assertEquals(ExitCodes.OK, predict(scores).code());
    Path quarantine = tmp.resolve("failed/scores_quarantine");
    Map<String, String> before = snapshot(scores.getParent());

    StringBuilder bad =
        new StringBuilder(Files.readAllLines(TestData.credit()).get(0)).append('\n');
    for (int i = 0; i < 40; i++) {
      bad.append("\"good\",").append(i).append(",\"rent\"\n"); // 3 of 14 fields
    }
    Path badInput = Files.writeString(tmp.resolve("bad-in.csv"), bad);
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
                "spark.master=local[2]",
                "--input",
                badInput.toString(),
                "--output",
                scores.toString(),
                "--overwrite"));
    CliRun.Outcome failed = CliRun.run(args.toArray(new String[0]));
    assertEquals(ExitCodes.DATA, failed.code(), failed.err());
    String staging =
        tmp.resolve("failed/_scores_quarantine.staging-" + io.dlpipe.workspace.RunId.current())
            .toString();
    assertTrue(
        failed
            .err()
            .startsWith("dlpipe: Too many bad rows: 40 of 40 rows (100.00%) were quarantined"),
        failed.err());
    assertTrue(
        failed
            .err()
            .endsWith(
                "; see "
                    + staging
                    + " (the earlier output "
                    + scores
                    + " and its quarantine are kept)\n"),
        failed.err());
    Map<String, String> after = snapshot(scores.getParent());
    after.keySet().removeIf(k -> k.startsWith(new java.io.File(staging).getName()));
    assertEquals(before, after, "the earlier output and its quarantine are unchanged");
    assertTrue(Files.isDirectory(quarantine));
    assertEquals(
        40,
        TestSpark.get().read().parquet(staging).count(),
        "the failed run's quarantine is kept for inspection");
  }

  /** Every file under {@code root} by relative path, with its SHA-256. */
  private static Map<String, String> snapshot(Path root) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), io.dlpipe.Digests.sha256(Files.readAllBytes(f)));
      }
    }
    return out;
  }
}
