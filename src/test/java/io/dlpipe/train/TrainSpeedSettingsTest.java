package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.net.MlpSpec;
import io.dlpipe.submit.SparkSubmitPlan;
import io.dlpipe.testing.TestConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;

/**
 * The trainer's speed settings: learning-rate scaling and warm-up, the thread cap, the choice of
 * training master, their validation, and the progress line within an epoch. No Spark.
 */
class TrainSpeedSettingsTest {
  private static TrainConfig train(String... sets) {
    return TestConfig.of("x.csv", "y", "regression", "ws").set(sets).load().train();
  }

  private static String error(String... sets) {
    return assertThrows(ConfigException.class, () -> train(sets)).getMessage();
  }

  @Test
  void autoBatchIs512UnlessOneWorkerWouldGetFewerThan50UpdatesAnEpochOrAWideRunFewerThan256() {
    TrainConfig auto = train();
    TrainConfig two = train("train.workers=2");
    assertEquals(0, auto.master().batchSizePerWorker());
    assertEquals(
        512,
        TrainingMasters.resolveAuto(auto, 1, 158_034).master().batchSizePerWorker(),
        "one worker");
    assertEquals(
        256,
        TrainingMasters.resolveAuto(auto, 2, 158_034).master().batchSizePerWorker(),
        "two workers of 79,017 rows: 308 updates");
    // More than one worker: at least 256 updates of the averaged model per epoch, down to 8 rows.
    assertEquals(512, TrainingMasters.resolveAuto(two, 2, 262_144).master().batchSizePerWorker());
    assertEquals(256, TrainingMasters.resolveAuto(two, 2, 262_143).master().batchSizePerWorker());
    assertEquals(64, TrainingMasters.resolveAuto(two, 2, 51_200).master().batchSizePerWorker());
    assertEquals(
        256,
        TrainingMasters.resolveAuto(auto, 2, 25_599).master().batchSizePerWorker(),
        "one worker for this few rows");
    assertEquals(
        16,
        TrainingMasters.resolveAuto(train("train.workers=32"), 32, 160_018)
            .master()
            .batchSizePerWorker(),
        "5,000 rows each: 312 updates");
    assertEquals(
        8,
        TrainingMasters.resolveAuto(train("train.workers=64"), 64, 160_018)
            .master()
            .batchSizePerWorker(),
        "2,500 rows each: 312 updates");
    assertEquals(
        256,
        TrainingMasters.resolveAuto(train("train.workers=128"), 128, 10_000_000)
            .master()
            .batchSizePerWorker(),
        "78,125 rows each: 305 updates");
    assertEquals(
        8,
        TrainingMasters.resolveAuto(train("train.workers=4"), 4, 3_500)
            .master()
            .batchSizePerWorker(),
        "never below 8 at width");
    assertEquals(
        32,
        TrainingMasters.resolveAuto(train("train.workers=1"), 4, 1_500)
            .master()
            .batchSizePerWorker(),
        "one worker: never below lr-base-batch-size");
    assertEquals(
        16,
        TrainingMasters.resolveAuto(train("train.lr-base-batch-size=16", "train.workers=1"), 4, 500)
            .master()
            .batchSizePerWorker());
    assertEquals(
        64,
        TrainingMasters.resolveAuto(train("train.batch-size-per-worker=64"), 2, 10_000_000)
            .master()
            .batchSizePerWorker());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LearningRates.rate(auto, 0));
    assertEquals(
        "train.batch-size-per-worker = 0 must be resolved first (TrainingMasters.resolveAuto)",
        e.getMessage());
  }

  @Test
  void autoAveragingFrequencyFits32768RowsPerWorkerARoundWithinLimits() {
    TrainConfig auto = train();
    assertEquals(0, auto.master().averagingFrequency());
    // 512-row minibatches: 64 per round (32,768 rows), once an epoch has at least 2 rounds of them.
    assertEquals(
        64, TrainingMasters.resolveAuto(auto, 1, 10_000_000).master().averagingFrequency());
    // Two workers of 5,000,000 rows: 9,765 minibatches, so ten rounds an epoch add none.
    assertEquals(
        64, TrainingMasters.resolveAuto(auto, 2, 10_000_000).master().averagingFrequency());
    assertEquals(64, TrainingMasters.resolveAuto(auto, 1, 158_034).master().averagingFrequency());
    // Two workers of 79,017 rows: 308 minibatches of 256; a tenth is 30, and 32 are always allowed.
    assertEquals(32, TrainingMasters.resolveAuto(auto, 2, 158_034).master().averagingFrequency());
    // 100,000 rows on 2 workers: 390 minibatches of 128 each, a tenth of them per round.
    assertEquals(
        39,
        TrainingMasters.resolveAuto(train("train.workers=2"), 2, 100_000)
            .master()
            .averagingFrequency());
    // 32 workers of 5,000 rows: 312 minibatches of 16, 32 per round.
    assertEquals(
        32,
        TrainingMasters.resolveAuto(train("train.workers=32"), 32, 160_018)
            .master()
            .averagingFrequency());
    // 2,344 rows: one worker, 73 minibatches of 32, half of them per round.
    assertEquals(36, TrainingMasters.resolveAuto(auto, 2, 2_344).master().averagingFrequency());
    // Never below the fixed 20 of earlier releases.
    assertEquals(
        20,
        TrainingMasters.resolveAuto(train("train.workers=2"), 2, 400)
            .master()
            .averagingFrequency());
    assertEquals(
        1024,
        TrainingMasters.resolveAuto(train("train.batch-size-per-worker=32"), 1, 10_000_000)
            .master()
            .averagingFrequency());
    assertEquals(
        7,
        TrainingMasters.resolveAuto(train("train.averaging-frequency=7"), 2, 10_000_000)
            .master()
            .averagingFrequency());
  }

  @Test
  void autoWorkersAreOnePer65536TrainRowsUpToTheParallelism() {
    TrainConfig auto = train();
    assertEquals(0, auto.master().workers());
    assertEquals(1, TrainingMasters.resolveAuto(auto, 2, 2_344).master().workers());
    assertEquals(1, TrainingMasters.resolveAuto(auto, 2, 131_071).master().workers());
    assertEquals(2, TrainingMasters.resolveAuto(auto, 2, 131_072).master().workers());
    assertEquals(2, TrainingMasters.resolveAuto(auto, 2, 10_000_000).master().workers());
    assertEquals(15, TrainingMasters.resolveAuto(auto, 100, 1_000_000).master().workers());
    assertEquals(1, TrainingMasters.resolveAuto(auto, 8, 0).master().workers());
    assertEquals(
        3, TrainingMasters.resolveAuto(train("train.workers=3"), 2, 2_344).master().workers());
  }

  @Test
  void learningRateGrowsWithTheSquareRootOfTheBatchByDefault() {
    TrainConfig t = train("train.batch-size-per-worker=256");
    assertEquals(Math.sqrt(8), LearningRates.batchFactor(t), 1e-12);
    assertEquals(0.001 * Math.sqrt(8), LearningRates.rate(t, 0), 1e-15);
    assertEquals(
        8.0,
        LearningRates.batchFactor(
            train("train.batch-size-per-worker=256", "train.lr-batch-scaling=linear")));
    assertEquals(
        1.0,
        LearningRates.batchFactor(
            train("train.batch-size-per-worker=256", "train.lr-batch-scaling=none")));
    assertEquals(1.0, LearningRates.batchFactor(train("train.batch-size-per-worker=32")));
    // the epoch schedule applies on top of the scaled rate
    TrainConfig step =
        train(
            "train.batch-size-per-worker=256",
            "train.lr-batch-scaling=linear",
            "train.updater.schedule.type=step",
            "train.updater.schedule.decay-epochs=1");
    assertEquals(0.004, LearningRates.rate(step, 1), 1e-15);
  }

  @Test
  void warmUpRampsLinearlyOverIterationsThenHoldsAndSurvivesTheNetworksJson() {
    TrainConfig t =
        train(
            "train.batch-size-per-worker=64",
            "train.lr-base-batch-size=16",
            "train.lr-batch-scaling=sqrt",
            "train.lr-warmup-iterations=4"); // rate 0.002
    ISchedule s = LearningRates.schedule(t, 0);
    assertEquals(0.0005, s.valueAt(0, 0), 1e-15);
    assertEquals(0.001, s.valueAt(1, 0), 1e-15);
    assertEquals(0.002, s.valueAt(3, 0), 1e-15);
    assertEquals(0.002, s.valueAt(5000, 3), 1e-15);
    // long ramps step at most 100 times, so the schedule stays small in the broadcast configuration
    ISchedule longRamp =
        LearningRates.schedule(
            train(
                "train.batch-size-per-worker=128",
                "train.lr-batch-scaling=linear",
                "train.lr-warmup-iterations=1000"),
            0); // rate 0.004
    assertEquals(0.004 * 1 / 1000, longRamp.valueAt(9, 0), 1e-15);
    assertEquals(0.004 * 11 / 1000, longRamp.valueAt(10, 0), 1e-15);
    assertEquals(101, ((MapSchedule) longRamp).getValues().size());
    assertEquals(
        new FixedSchedule(0.004),
        LearningRates.schedule(
            train(
                "train.batch-size-per-worker=128",
                "train.lr-batch-scaling=linear",
                "train.lr-warmup-iterations=0"),
            0));
    // at the base size the rate is not raised, so there is no warm-up
    assertEquals(
        new FixedSchedule(0.001),
        LearningRates.schedule(train("train.batch-size-per-worker=32"), 0));

    // workers, evaluation and checkpoints rebuild the network from its JSON
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new MlpSpec()
                .configuration(
                    t, 3, new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 0, 1)));
    net.init();
    net.setLearningRate(s);
    MultiLayerConfiguration back =
        MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
    assertEquals(
        s,
        ((Adam) ((BaseLayer) back.getConf(0).getLayer()).getIUpdater()).getLearningRateSchedule());
  }

  @Test
  void threadCapReachesNd4jAndOpenBlas() {
    WorkerThreads.apply(1);
    assertEquals(1, WorkerThreads.applied());
    assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
    assertEquals(1, Nd4j.factory().blas().getMaxThreads());
    WorkerThreads.apply(0); // 0 leaves whatever is set
    assertEquals(1, WorkerThreads.applied());
  }

  @Test
  void masterTypeChoosesDl4jsTrainingMaster() {
    TrainingMaster<?, ?> pa =
        TrainingMasters.create(
            train("train.batch-size-per-worker=64", "train.averaging-frequency=20"),
            2,
            TrainConfig.Approach.DIRECT,
            "");
    assertInstanceOf(ParameterAveragingTrainingMaster.class, pa);
    TrainingMaster<?, ?> gs =
        TrainingMasters.create(
            train("train.master.type=gradient-sharing", "train.batch-size-per-worker=64"),
            2,
            TrainConfig.Approach.DIRECT,
            "");
    SharedTrainingMaster shared = assertInstanceOf(SharedTrainingMaster.class, gs);
    assertEquals(2, shared.getNumWorkers());
    assertEquals(
        "60000000000",
        System.getProperty("aeron.publication.unblock.timeout"),
        "the driver's Aeron media driver needs it");
    assertEquals(
        List.of(GpuBinding.class, WorkerThreads.class),
        shared.getTrainingHooks().stream().map(Object::getClass).toList());
  }

  @Test
  void clusterSubmissionsOfGradientSharingGiveExecutorsAeronsTimeout() {
    List<String> base =
        List.of("input.path=x.csv", "target.column=y", "target.task=regression", "output.dir=ws");
    List<String> gs = new ArrayList<>(base);
    gs.add("train.master.type=gradient-sharing");
    String shared =
        SparkSubmitPlan.sparkConf(ConfigLoader.load(null, gs))
            .get("spark.executor.extraJavaOptions");
    assertTrue(shared.endsWith(" -Daeron.publication.unblock.timeout=60000000000"), shared);
    String averaging =
        SparkSubmitPlan.sparkConf(ConfigLoader.load(null, base))
            .get("spark.executor.extraJavaOptions");
    assertFalse(averaging.contains("aeron"), averaging);
  }

  @Test
  void badSpeedSettingsNameKeyExpectedAndFound() {
    assertEquals(
        "Invalid configuration: train.master.type: expected one of parameter-averaging | gradient-sharing, found string \"allreduce\" "
            + "(--set train.master.type=allreduce)",
        error("train.master.type=allreduce"));
    assertEquals(
        "Invalid configuration: train.threads-per-worker: expected an integer in [0, 1024], found number -1 "
            + "(--set train.threads-per-worker=-1)",
        error("train.threads-per-worker=-1"));
    assertEquals(
        "Invalid configuration: train.lr-batch-scaling: expected one of none | sqrt | linear, found string \"log\" "
            + "(--set train.lr-batch-scaling=log)",
        error("train.lr-batch-scaling=log"));
    assertEquals(
        "Invalid configuration: train.lr-base-batch-size: expected an integer in [1, 1000000], found number 0 "
            + "(--set train.lr-base-batch-size=0)",
        error("train.lr-base-batch-size=0"));
    assertEquals(
        "Invalid configuration: train.lr-warmup-iterations: expected an integer in [0, 100000000], found number -5 "
            + "(--set train.lr-warmup-iterations=-5)",
        error("train.lr-warmup-iterations=-5"));
    assertEquals(
        "Invalid configuration: train.master.gradient-sharing-network-mask: expected an IPv4 network in CIDR notation such as "
            + "10.1.0.0/16, or empty, found string \"eth0\" (--set train.master.gradient-sharing-network-mask=eth0)",
        error("train.master.gradient-sharing-network-mask=eth0"));
  }

  @Test
  void progressEtaFollowsTheRateOfTheLastTwoMinutesNotTheSlowStart() {
    AtomicLong done = new AtomicLong();
    long sec = 1_000_000_000L;
    EpochProgress p = new EpochProgress("train epoch 2/10", 10_000_000, done::get, 0);
    assertEquals(
        "train epoch 2/10: 0 of 10,000,000 rows (0.0%) in 0s, 0 samples/s, ETA unknown for this epoch",
        p.line(0));
    done.set(30_000); // a slow start: export, JIT warm-up
    assertEquals(
        "train epoch 2/10: 30,000 of 10,000,000 rows (0.3%) in 30s, 1,000 samples/s, ETA 2h46m for this epoch",
        p.line(30 * sec));
    for (int t = 60; t < 180; t += 30) { // then 10,000 rows/s
      done.addAndGet(300_000);
      p.line(t * sec);
    }
    done.addAndGet(300_000);
    // over the whole epoch the rate would be 8,500/s and the ETA 16m36s; the steady rate says
    // 14m07s
    assertEquals(
        "train epoch 2/10: 1,530,000 of 10,000,000 rows (15.3%) in 3m00s, 10,000 samples/s, ETA 14m07s for this epoch",
        p.line(180 * sec));
    p.close();
  }

  @Test
  void progressRateStartsWhenTheFitStartsNotDuringTheExport() {
    AtomicLong done = new AtomicLong();
    AtomicLong fitStart = new AtomicLong();
    long sec = 1_000_000_000L;
    EpochProgress p =
        new EpochProgress(
            "train epoch 1/1", 40_000_000, done::get, fitStart::get, sec); // epoch starts at 1 s
    p.line(31 * sec); // exporting: nothing trained
    p.line(61 * sec);
    fitStart.set(81 * sec); // the export ended and the fit began at 81 s
    done.set(2_000_000);
    // 2,000,000 rows in the 10 s since the fit began: 200,000/s, not 2,000,000 / 90 s
    assertEquals(
        "train epoch 1/1: 2,000,000 of 40,000,000 rows (5.0%) in 1m30s, 200,000 samples/s, ETA 3m10s for this epoch",
        p.line(91 * sec));
    done.set(8_000_000);
    assertEquals(
        "train epoch 1/1: 8,000,000 of 40,000,000 rows (20.0%) in 2m00s, 200,000 samples/s, ETA 2m40s for this epoch",
        p.line(121 * sec));
    p.close();
  }
}
