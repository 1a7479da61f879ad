package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ExitCodes;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.io.Json;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestSpark;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and resume on credit (small, fast): a second run continues from the newest
 * checkpoint, --fresh starts over, a driver killed with SIGKILL mid-training resumes in a new
 * process, and the refusals of unusable input exit with code 3 and say what to do.
 */
class TrainResumeTest {
  static {
    // Bind the log's console appender to the real stderr before any test swaps System.err.
    org.slf4j.LoggerFactory.getLogger(TrainResumeTest.class).debug("logging initialized");
  }

  @TempDir Path tmp;

  @Test
  void aSecondRunResumesFromTheLastCheckpointAndFreshStartsOver() {
    Path ws = tmp.resolve("ws");
    TrainFixtures.prepare("credit", ws);
    TrainResult two =
        new TrainJob(TestSpark.get(), TrainFixtures.credit(ws, "train.epochs=2")).run(false);
    assertNull(two.provenance().training().resumedFromEpoch());
    assertEquals(2, two.history().epoch());

    TrainResult three =
        new TrainJob(TestSpark.get(), TrainFixtures.credit(ws, "train.epochs=3")).run(false);
    assertEquals(2, three.provenance().training().resumedFromEpoch());
    assertEquals(
        List.of(1, 2, 3), three.history().history().stream().map(EpochRecord::epoch).toList());
    assertEquals(
        two.history().history(),
        three.history().history().subList(0, 2),
        "the first two epochs come from the checkpoint");

    TrainResult fresh =
        new TrainJob(TestSpark.get(), TrainFixtures.credit(ws, "train.epochs=1")).run(true);
    assertNull(fresh.provenance().training().resumedFromEpoch());
    assertEquals(1, fresh.history().epoch());
    // The newest epoch, and the linear start the trained network is compared with at the end.
    assertEquals(
        List.of("_dlpipe.json", "epoch-000001", "start.zip"), list(ws.resolve("checkpoints")));
  }

  @Test
  void aKilledDriverResumesFromItsLastCheckpointInANewProcess() throws Exception {
    Path ws = tmp.resolve("ws");
    TrainFixtures.prepare("credit", ws);
    Path conf = tmp.resolve("credit.conf");
    Files.writeString(
        conf,
        "include file(\""
            + Path.of(System.getProperty("dlpipe.project.dir"), "conf/examples/credit.conf")
            + "\")\n"
            + "input.path = \""
            + io.dlpipe.testing.TestData.credit()
            + "\"\noutput.dir = \""
            + ws
            + "\"\nspark.master = \"local[2]\"\n"
            + "train { epochs = 6, early-stopping.patience = 0 }\n");
    Path checkpoint2 = ws.resolve("checkpoints/epoch-000002/_SUCCESS");

    Process first = driver(conf, tmp.resolve("first.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!Files.exists(checkpoint2) && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(
        first.isAlive(),
        "the driver must still be training when it is killed:\n"
            + Files.readString(tmp.resolve("first.log")));
    first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
    Checkpoints.Checkpoint last =
        new Checkpoints(new Configuration(), ws.resolve("checkpoints").toString())
            .latest()
            .orElseThrow();
    assertTrue(last.epoch() >= 2 && last.epoch() < 6, "killed after epoch " + last.epoch());
    assertTrue(!Files.exists(ws.resolve("model/_SUCCESS")));

    Process second = driver(conf, tmp.resolve("second.log"));
    assertTrue(second.waitFor(300, TimeUnit.SECONDS));
    String log = Files.readString(tmp.resolve("second.log"));
    assertEquals(0, second.exitValue(), log);
    assertTrue(log.contains("TrainJob: resumed from epoch " + last.epoch() + " ("), log);
    assertTrue(Files.exists(ws.resolve("model/_SUCCESS")));
    var json = Json.MAPPER.readTree(ws.resolve("model/model.json").toFile());
    assertEquals(6, json.get("epochs_run").asInt());
    assertEquals(last.epoch(), json.get("resumed_from_epoch").asInt());
    List<String> csv = Files.readAllLines(ws.resolve("model/training-history.csv"));
    assertEquals(7, csv.size(), String.join("\n", csv));
  }

  @Test
  void unusableInputExitsWithCodeThreeAndSaysWhatToDo() throws Exception {
    Path ws = tmp.resolve("ws");
    String set = "output.dir=" + ws;
    CliRun.Outcome missing =
        CliRun.run(
            "train",
            "--conf",
            example("credit.conf"),
            "--set",
            set,
            "--set",
            "spark.master=local[2]");
    assertEquals(ExitCodes.DATA, missing.code(), missing.err());
    assertEquals(
        "dlpipe: No finished etl output in "
            + ws
            + "/prepared: _SUCCESS is missing (etl never ran there, failed, or is "
            + "still running); run `dlpipe etl` with this config first\n",
        missing.err());

    TrainFixtures.prepare("credit", ws);
    CliRun.Outcome contradiction =
        CliRun.run(
            "train",
            "--conf",
            example("credit.conf"),
            "--set",
            set,
            "--set",
            "target.task=regression",
            "--set",
            "target.classes=[]",
            "--set",
            "target.positive-class=null",
            "--set",
            "spark.master=local[2]");
    assertEquals(ExitCodes.DATA, contradiction.code(), contradiction.err());
    assertEquals(
        "dlpipe: The config says target.task = regression, but the prepared data in "
            + ws
            + "/prepared was made for "
            + "classification; rerun etl with this config, or fix target.task\n",
        contradiction.err());

    Path transform = ws.resolve("prepared/transform.json");
    String original = Files.readString(transform);
    Files.writeString(
        transform,
        original.replace(
            "\"format_version\" : " + FittedTransform.FORMAT_VERSION, "\"format_version\" : 99"));
    CliRun.Outcome version =
        CliRun.run(
            "train",
            "--conf",
            example("credit.conf"),
            "--set",
            set,
            "--set",
            "spark.master=local[2]");
    assertEquals(ExitCodes.DATA, version.code(), version.err());
    assertEquals(
        "dlpipe: Transform "
            + transform
            + " has format_version 99, but this dlpipe reads versions 1 to "
            + FittedTransform.FORMAT_VERSION
            + "; rerun etl with this version\n",
        version.err());
    Files.writeString(transform, original);

    assertEquals(
        ExitCodes.OK,
        CliRun.run(
                "train",
                "--conf",
                example("credit.conf"),
                "--set",
                set,
                "--set",
                "train.epochs=1",
                "--set",
                "spark.master=local[2]")
            .code());
    CliRun.Outcome changed =
        CliRun.run(
            "train",
            "--conf",
            example("credit.conf"),
            "--set",
            set,
            "--set",
            "train.epochs=2",
            "--set",
            "train.model.hidden-layers=[16]",
            "--set",
            "spark.master=local[2]");
    assertEquals(ExitCodes.DATA, changed.code(), changed.err());
    assertEquals(
        "dlpipe: The checkpoints in "
            + ws
            + "/checkpoints were trained for another network or other prepared data "
            + "(train.model, train.updater, train.class-weights, train.target-transform or transform.json changed since); run train with --fresh to start over, or restore the "
            + "settings they were made with\n",
        changed.err());
    assertEquals(
        ExitCodes.OK,
        CliRun.run(
                "train",
                "--conf",
                example("credit.conf"),
                "--set",
                set,
                "--set",
                "train.epochs=1",
                "--set",
                "train.model.hidden-layers=[16]",
                "--set",
                "spark.master=local[2]",
                "--fresh")
            .code());
  }

  private static String example(String name) {
    return Path.of(System.getProperty("dlpipe.project.dir"), "conf/examples", name).toString();
  }

  private static List<String> list(Path dir) {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code dlpipe train} in a JVM of its own, as a scheduler would start it. */
  private static Process driver(Path conf, Path log) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.dlpipe.cli.Main",
            "train",
            "--conf",
            conf.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }
}
