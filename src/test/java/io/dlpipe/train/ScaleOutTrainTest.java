package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.io.Json;
import io.dlpipe.synth.Shape;
import io.dlpipe.synth.SyntheticData;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Width without loss of quality, on a seeded synthetic Ames-shaped fixture under local[2]: the 16
 * workers take turns on the cores, so the averaging is exactly what a cluster of that width does.
 * Quality per epoch, never time, is asserted.
 */
class ScaleOutTrainTest {
  /**
   * Raw rows of the fixture: about 80,000 train rows, 5,000 per worker at 16 workers, where the
   * scale-out suite measured 32 workers level with one worker's best R² in three epochs. (At 1,000
   * rows per worker, 16 workers ended at 0.695 against 0.856 with the earlier rules: too few rows
   * per worker to average, which train warns about.)
   */
  static final int ROWS = 100_000;

  /** Epochs both widths train. */
  static final int EPOCHS = 3;

  /**
   * How far below the one-worker best validation R² the 16-worker best may end. At block momentum 1
   * - 1/√16 the 16 workers ended 0.0001 and 0.0003 below in two runs (0.8705 against 0.8706, 0.8702
   * against 0.8705); at 0.5 the margin was 0.01. Runs of the same seed differ (one worker's second
   * epoch: 0.8489 in one run, 0.8614 in the other), so the margin is not the target's 0.003.
   */
  static final double MARGIN = 0.005;

  @TempDir static Path shared;
  static Path prepared;
  static String raw;

  @BeforeAll
  static void prepare() {
    raw =
        new SyntheticData(Shape.AMES, 7, 0.0)
            .write(TestSpark.get(), shared.resolve("raw").toString(), ROWS, 2);
    prepared = shared.resolve("etl");
    new EtlJob(TestSpark.get(), config(prepared)).run();
  }

  static DlpipeConfig config(Path ws, String... extra) {
    return TestConfig.of(raw, "Sale_Price", "regression", ws)
        .format("csv")
        .set(
            "spark.master=local[2]",
            "evaluate.baseline=false",
            "train.early-stopping.patience=0",
            "train.average-epochs=1")
        .set(extra)
        .load();
  }

  static Path workspace(Path tmp) throws Exception {
    Path ws = tmp.resolve("ws");
    TrainFixtures.copyTree(prepared.resolve("prepared"), ws.resolve("prepared"));
    return ws;
  }

  static double best(TrainResult r) {
    return r.history().history().stream().mapToDouble(EpochRecord::metric).max().orElseThrow();
  }

  @Test
  void sixteenWorkersWithBlockMomentumLearnAsMuchPerEpochAsOne(@TempDir Path tmp) throws Exception {
    Path ws1 = workspace(tmp.resolve("one"));
    TrainResult one =
        new TrainJob(TestSpark.get(), config(ws1, "train.workers=1", "train.epochs=" + EPOCHS))
            .run(true);
    Path ws16 = workspace(tmp.resolve("sixteen"));
    TrainJob job =
        new TrainJob(
            TestSpark.get(),
            config(
                ws16,
                "train.workers=16",
                "train.epochs=" + EPOCHS,
                "train.averaging.method=block-momentum"));
    TrainResult sixteen = job.run(true);
    assertEquals(16, sixteen.provenance().training().workers());
    assertEquals(0.75, job.resolved().master().averaging().blockMomentum(), "auto: 1 - 1/√16");
    assertEquals(EPOCHS, sixteen.history().epoch());
    double b1 = best(one);
    double b16 = best(sixteen);
    assertTrue(b1 > 0.5, "the one-worker model learns: R² " + b1);
    assertTrue(
        b16 >= b1 - MARGIN,
        "16 workers reach R² "
            + b16
            + ", one worker "
            + b1
            + " in "
            + EPOCHS
            + " epochs (margin "
            + MARGIN
            + ")");
  }

  @Test
  void aBlockMomentumRunResumesWithItsMomentumBuffer(@TempDir Path tmp) throws Exception {
    Path ws = workspace(tmp);
    String[] bm = {"train.workers=4", "train.averaging.method=block-momentum"};
    TrainJob first = new TrainJob(TestSpark.get(), config(ws, concat(bm, "train.epochs=1")));
    TrainResult r1 = first.run(true);
    assertEquals(1, r1.history().epoch());
    assertTrue(
        first.rounds().get(0)[1] >= 2,
        "at least two averaging rounds in the epoch: " + first.rounds().get(0)[1]);
    Checkpoints checkpoints =
        new Checkpoints(new Configuration(), ws.resolve("checkpoints").toString());
    INDArray saved = checkpoints.momentum(1).orElseThrow();
    assertEquals(r1.network().numParams(), saved.length());
    assertTrue(saved.norm2Number().doubleValue() > 0, "the buffer moved");

    TrainJob second = new TrainJob(TestSpark.get(), config(ws, concat(bm, "train.epochs=2")));
    TrainResult r2 = second.run(false);
    assertEquals(1, r2.provenance().training().resumedFromEpoch());
    assertEquals(
        saved, second.restoredMomentum, "the restored buffer is the saved one, value for value");
    assertEquals(List.of(1, 2), r2.history().history().stream().map(EpochRecord::epoch).toList());
    INDArray after = checkpoints.momentum(2).orElseThrow();
    assertNotEquals(saved, after, "training carried on with the buffer");
    assertTrue(Double.isFinite(after.norm2Number().doubleValue()));

    // A checkpoint trained with simple averaging has no buffer.
    Path plain = workspace(tmp.resolve("plain"));
    new TrainJob(
            TestSpark.get(),
            config(plain, "train.workers=4", "train.epochs=1", "train.averaging.method=simple"))
        .run(true);
    assertTrue(
        new Checkpoints(new Configuration(), plain.resolve("checkpoints").toString())
            .momentum(1)
            .isEmpty());
  }

  @Test
  void blockMomentumAlsoDrivesTheRoundsOfTheDirectApproach(@TempDir Path tmp) throws Exception {
    Path ws = workspace(tmp);
    TrainJob job =
        new TrainJob(
            TestSpark.get(),
            config(ws, "train.workers=4", "train.epochs=2", "train.approach=direct"));
    TrainResult r = job.run(true);
    assertEquals(
        TrainConfig.AveragingMethod.BLOCK_MOMENTUM,
        job.resolved().master().averaging().method(),
        "the default");
    assertEquals(2, job.rounds().size());
    for (long[] epoch : job.rounds()) {
      assertTrue(epoch[1] >= 2, "rounds in epoch " + epoch[0] + ": " + epoch[1]);
    }
    assertTrue(best(r) > 0.5, "direct block momentum learns: R² " + best(r));
    assertTrue(
        new Checkpoints(new Configuration(), ws.resolve("checkpoints").toString())
            .momentum(2)
            .isPresent());
  }

  /**
   * A driver killed with SIGKILL after an averaging round of its second epoch resumes from the
   * first epoch's checkpoint with that checkpoint's momentum buffer, and finishes: the buffer is
   * part of the checkpoint, so the killed round's momentum is not lost to a zero buffer.
   */
  @Test
  void aDriverKilledAfterAnAveragingRoundResumesWithItsMomentumBuffer(@TempDir Path tmp)
      throws Exception {
    Path ws = workspace(tmp);
    // The per-round debug line of EpochRunner tells the test when a round of epoch 2 has finished.
    Path log4j = tmp.resolve("log4j2.properties");
    try (var in = ScaleOutTrainTest.class.getResourceAsStream("/log4j2.properties")) {
      Files.writeString(
          log4j,
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              + "\nlogger.rounds.name = io.dlpipe.train.EpochRunner\nlogger.rounds.level = debug\n");
    }
    List<String> args =
        List.of(
            "input.path=" + raw,
            "input.format=csv",
            "target.column=Sale_Price",
            "target.task=regression",
            "output.dir=" + ws,
            "spark.master=local[2]",
            "evaluate.baseline=false",
            "train.early-stopping.patience=0",
            "train.average-epochs=1",
            "train.workers=4",
            "train.averaging.method=block-momentum",
            "train.epochs=2");
    Path checkpoint1 = ws.resolve("checkpoints/epoch-000001/_SUCCESS");
    Path firstLog = tmp.resolve("first.log");
    Process first = driver(args, log4j, firstLog);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (!Files.exists(checkpoint1) && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long roundsOfEpoch1 = rounds(firstLog);
    while (rounds(firstLog) == roundsOfEpoch1 && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(
        first.isAlive(),
        "the driver must still be training when it is killed:\n" + Files.readString(firstLog));
    first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
    long rounds = rounds(firstLog);
    assertTrue(
        rounds > roundsOfEpoch1 && roundsOfEpoch1 >= 2,
        "killed after round " + rounds + ", epoch 1 had " + roundsOfEpoch1);
    Checkpoints checkpoints =
        new Checkpoints(new Configuration(), ws.resolve("checkpoints").toString());
    assertEquals(
        1,
        checkpoints.latest().orElseThrow().epoch(),
        "killed inside epoch 2, after one of its rounds");
    INDArray saved = checkpoints.momentum(1).orElseThrow();
    assertTrue(saved.norm2Number().doubleValue() > 0, "epoch 1's buffer moved");

    Path secondLog = tmp.resolve("second.log");
    Process second = driver(args, log4j, secondLog);
    assertTrue(second.waitFor(600, TimeUnit.SECONDS));
    String log = Files.readString(secondLog);
    assertEquals(0, second.exitValue(), log);
    assertTrue(log.contains("TrainJob: resumed from epoch 1 ("), log);
    assertTrue(log.contains("Block momentum: the momentum buffer of epoch 1 restored"), log);
    assertEquals(
        2, Json.MAPPER.readTree(ws.resolve("model/model.json").toFile()).get("epochs_run").asInt());
    INDArray after = checkpoints.momentum(2).orElseThrow();
    assertNotEquals(saved, after, "epoch 2 carried the buffer on");
  }

  /** Averaging rounds a driver's debug log has reported so far. */
  private static long rounds(Path log) throws Exception {
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("EpochRunner: round ")).count();
    }
  }

  /** {@code dlpipe train --set ...} in a JVM of its own, as a scheduler would start it. */
  private static Process driver(List<String> sets, Path log4j, Path log) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-Dlog4j2.configurationFile=" + log4j));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "io.dlpipe.cli.Main", "train"));
    for (String s : sets) {
      cmd.addAll(List.of("--set", s));
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
