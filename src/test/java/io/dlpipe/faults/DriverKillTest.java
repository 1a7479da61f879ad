package io.dlpipe.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.ExitCodes;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.eval.EvaluateJob;
import io.dlpipe.io.Json;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the driver, a JVM of its own, in the middle of etl's write, of evaluate and of
 * predict; then a rerun. Nothing of the killed run looks complete, the previous result (if any) is
 * still in place, the rerun takes over the dead driver's workspace lock, and it gives exactly what
 * an undisturbed run gives. (Training killed after a checkpoint: {@code TrainResumeTest}.)
 */
class DriverKillTest {
  @TempDir static Path tmp;
  private static Path big;

  @BeforeAll
  static void syntheticInput() {
    big = tmp.resolve("big");
    TestSpark.get();
    assertEquals(
        ExitCodes.OK,
        CliRun.run(
                "synth",
                "--shape",
                "credit",
                "--rows",
                "40000",
                "--out",
                big.toString(),
                "--master",
                "local[2]")
            .code());
  }

  private static List<String> sets(Path ws, String input) {
    return List.of(
        "--set",
        "input.path=" + input,
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
        "--set",
        "etl.max-reject-ratio=0.5");
  }

  @Test
  void etlKilledWhileWritingLeavesNothingCompleteAndTheRerunMatchesAnUndisturbedRun()
      throws Exception {
    Path ws = tmp.resolve("etl");
    List<String> args = new ArrayList<>(List.of("etl"));
    args.addAll(sets(ws, big.toString()));
    killWhen(
        args,
        tmp.resolve("etl.log"),
        () -> staged(ws, "_prepared.staging-", p -> Files.exists(p.resolve("train"))));
    assertFalse(Files.exists(ws.resolve("prepared")), "nothing of the killed run is visible");

    CliRun.Outcome rerun = CliRun.run(args.toArray(new String[0]));
    assertEquals(ExitCodes.OK, rerun.code(), rerun.err());
    // The workspace marker, written once the lock was held, and the prepared data: nothing else.
    assertEquals(
        List.of("_dlpipe.json", "prepared"),
        visible(ws),
        "the rerun deleted the killed run's staging folder");

    Path undisturbed = tmp.resolve("etl-undisturbed");
    // The same command, never killed: a rerun must give what an undisturbed run of it gives.
    List<String> clean = new ArrayList<>(List.of("etl"));
    clean.addAll(sets(undisturbed, big.toString()));
    CliRun.Outcome first = CliRun.run(clean.toArray(new String[0]));
    assertEquals(ExitCodes.OK, first.code(), first.err());
    assertArrayEquals(
        Files.readAllBytes(undisturbed.resolve("prepared/transform.json")),
        Files.readAllBytes(ws.resolve("prepared/transform.json")));
    JsonNode a = Json.MAPPER.readTree(undisturbed.resolve("prepared/etl-summary.json").toFile());
    JsonNode b = Json.MAPPER.readTree(ws.resolve("prepared/etl-summary.json").toFile());
    for (String key :
        List.of(
            "rows_read",
            "rows_quarantined",
            "quarantined_by_reason",
            "duplicates_found",
            "rows_written",
            "feature_count")) {
      assertEquals(a.get(key), b.get(key), key);
    }
    assertEquals(40000, b.get("rows_read").asLong());
  }

  @Test
  void evaluateAndPredictKilledMidwayLeaveThePreviousResultAndTheRerunMatches() throws Exception {
    Path ws = tmp.resolve("ws");
    new EtlJob(TestSpark.get(), TestData.creditConfig(TestData.credit(), ws)).run();
    new TrainJob(
            TestSpark.get(),
            TestData.creditConfig(
                TestData.credit(), ws, "train.epochs=1", "train.model.hidden-layers=[8]"))
        .run(false);
    new EvaluateJob(TestSpark.get(), TestData.creditConfig(TestData.credit(), ws)).run();
    byte[] metrics = Files.readAllBytes(ws.resolve("evaluation/metrics.json"));

    List<String> evaluate = new ArrayList<>(List.of("evaluate"));
    evaluate.addAll(sets(ws, TestData.credit().toString()));
    killWhen(
        evaluate,
        tmp.resolve("evaluate.log"),
        () -> staged(ws, "_evaluation.staging-", p -> Files.exists(p.resolve("predictions"))));
    assertArrayEquals(
        metrics,
        Files.readAllBytes(ws.resolve("evaluation/metrics.json")),
        "the previous evaluation is still in place");
    assertTrue(Files.exists(ws.resolve("evaluation/_SUCCESS")));
    CliRun.Outcome rerun = CliRun.run(evaluate.toArray(new String[0]));
    assertEquals(ExitCodes.OK, rerun.code(), rerun.err());
    // The counts equal the undisturbed run's and the model's metrics agree to 1e-3; the last digits
    // differ between any two runs.
    JsonNode before = Json.MAPPER.readTree(metrics);
    JsonNode after = Json.MAPPER.readTree(ws.resolve("evaluation/metrics.json").toFile());
    assertEquals(before.get("counts"), after.get("counts"));
    int compared = 0;
    for (var it = before.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.startsWith("model.") && before.get(key).isNumber()) {
        // Two undisturbed evaluations of the same model differ by up to ~1e-4 in AUC (seen:
        // 0.456986 vs 0.456925): Spark's binned
        // curves depend on task order. 1e-3 is far below anything a damaged result would show.
        assertEquals(
            before.get(key).asDouble(),
            after.get(key).asDouble(),
            1e-3 * Math.max(1, Math.abs(before.get(key).asDouble())),
            key);
        compared++;
      }
    }
    assertTrue(compared >= 5, "model metrics compared: " + compared);

    Path scoresA = tmp.resolve("scores-a");
    Path scoresB = tmp.resolve("scores-b");
    List<String> predictA =
        new ArrayList<>(
            List.of("predict", "--input", big.toString(), "--output", scoresA.toString()));
    predictA.addAll(sets(ws, TestData.credit().toString()));
    assertEquals(ExitCodes.OK, CliRun.run(predictA.toArray(new String[0])).code());
    List<String> predictB =
        new ArrayList<>(
            List.of("predict", "--input", big.toString(), "--output", scoresB.toString()));
    predictB.addAll(sets(ws, TestData.credit().toString()));
    killWhen(
        predictB, tmp.resolve("predict.log"), () -> staged(tmp, "_scores-b.staging-", p -> true));
    assertFalse(Files.exists(scoresB), "nothing of the killed prediction is visible");
    assertFalse(Files.exists(tmp.resolve("scores-b_quarantine")));
    CliRun.Outcome again = CliRun.run(predictB.toArray(new String[0]));
    assertEquals(ExitCodes.OK, again.code(), again.err());
    JsonNode a = Json.MAPPER.readTree(scoresA.resolve("_dlpipe-predict-summary.json").toFile());
    JsonNode b = Json.MAPPER.readTree(scoresB.resolve("_dlpipe-predict-summary.json").toFile());
    // Not model_id: it hashes the network as serialized by each run, which is not byte-stable yet
    // (issue 9, section 5).
    for (String key :
        List.of("rows_read", "rows_scored", "rows_quarantined", "quarantined_by_reason")) {
      assertEquals(a.get(key), b.get(key), key);
    }
    assertEquals(40000, b.get("rows_read").asLong());
    assertTrue(
        visible(tmp).stream().noneMatch(n -> n.startsWith("_scores-b.")), visible(tmp).toString());
  }

  /**
   * Whether a staging folder of a killed run, named with {@code prefix}, exists in {@code dir} and
   * passes {@code test}.
   */
  private static boolean staged(Path dir, String prefix, Predicate<Path> test) {
    try (var s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix) && test.test(p));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static List<String> visible(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  /**
   * Starts {@code dlpipe args} in a driver JVM of its own and SIGKILLs it as soon as {@code when}
   * holds.
   */
  private static void killWhen(List<String> args, Path log, java.util.function.BooleanSupplier when)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.dlpipe.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process driver = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!when.getAsBoolean() && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(
        driver.isAlive(),
        "the driver must still be running when it is killed:\n" + Files.readString(log));
    driver
        .destroyForcibly()
        .waitFor(); // SIGKILL: no shutdown hook, no cleanup, the lock stays behind
  }
}
