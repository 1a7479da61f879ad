package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.ConfigException;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.net.MultiLayerNet;
import io.dlpipe.net.Network;
import io.dlpipe.testing.TestConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The block-momentum step on the driver, its settings and their automatic values. No Spark. */
class BlockMomentumTest {
  /** A network of three parameters (two weights and a bias), set to {@code values}. */
  private static Network net(float... values) {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .list()
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(2)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
    net.init();
    net.setParams(Nd4j.createFromArray(values).reshape(1, 3));
    return new MultiLayerNet(net);
  }

  private static float[] params(Network net) {
    return net.params().toFloatVector();
  }

  private static TrainConfig.Averaging averaging(
      double momentum, double learningRate, boolean nesterov) {
    return new TrainConfig.Averaging(
        TrainConfig.AveragingMethod.BLOCK_MOMENTUM,
        momentum,
        learningRate,
        nesterov,
        TrainConfig.UpdaterState.AVERAGED,
        true);
  }

  @Test
  void nesterovBlockMomentumFiltersEachRoundsStepAndStartsTheNextRoundAhead() {
    Network net = net(1, 2, 3);
    BlockMomentum bm = new BlockMomentum(averaging(0.5, 0.5, true), null);
    assertNull(bm.buffer());

    bm.beforeRound(net);
    assertArrayEquals(
        new float[] {1, 2, 3}, params(net), "a zero buffer starts the first round at the model");
    net.setParams(Nd4j.createFromArray(2f, 2f, 5f).reshape(1, 3)); // the workers' average
    bm.afterRound(net);
    // step (1, 0, 2); buffer 0.5 * step; model (1, 2, 3) + buffer
    assertArrayEquals(new float[] {0.5f, 0f, 1f}, bm.buffer().toFloatVector());
    assertArrayEquals(new float[] {1.5f, 2f, 4f}, params(net));

    bm.beforeRound(net);
    assertArrayEquals(new float[] {1.75f, 2f, 4.5f}, params(net), "model + 0.5 * buffer");
    net.setParams(Nd4j.createFromArray(2.75f, 1f, 4.5f).reshape(1, 3));
    bm.afterRound(net);
    // step (1, -1, 0) from the look-ahead point; buffer 0.5 * (0.5, 0, 1) + 0.5 * step
    assertArrayEquals(new float[] {0.75f, -0.5f, 0.5f}, bm.buffer().toFloatVector());
    assertArrayEquals(new float[] {2.25f, 1.5f, 4.5f}, params(net));
    assertEquals(2, bm.rounds());
  }

  @Test
  void classicBlockMomentumStartsEachRoundAtTheModel() {
    Network net = net(0, 0, 0);
    BlockMomentum bm =
        new BlockMomentum(
            averaging(0.5, 1.0, false), Nd4j.createFromArray(2f, 0f, -2f).reshape(1, 3));
    bm.beforeRound(net);
    assertArrayEquals(new float[] {0, 0, 0}, params(net));
    net.setParams(Nd4j.createFromArray(1f, 1f, 1f).reshape(1, 3));
    bm.afterRound(net);
    assertArrayEquals(
        new float[] {2f, 1f, 0f}, bm.buffer().toFloatVector(), "0.5 * (2, 0, -2) + (1, 1, 1)");
    assertArrayEquals(new float[] {2f, 1f, 0f}, params(net));
  }

  @Test
  void zeroMomentumAndRateOneIsPlainAveraging() {
    Network net = net(1, 1, 1);
    BlockMomentum bm = new BlockMomentum(averaging(0.0, 1.0, true), null);
    for (float avg : new float[] {3, -1, 0.25f}) {
      bm.beforeRound(net);
      net.setParams(Nd4j.createFromArray(avg, avg, avg).reshape(1, 3));
      bm.afterRound(net);
      assertArrayEquals(new float[] {avg, avg, avg}, params(net));
    }
  }

  @Test
  void aBufferOfAnotherSizeIsRefused() {
    BlockMomentum bm = new BlockMomentum(averaging(0.5, 1.0, true), Nd4j.zeros(1, 4));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> bm.beforeRound(net(1, 2, 3)));
    assertEquals("the momentum buffer has 4 values, the network 3 parameters", e.getMessage());
  }

  private static TrainConfig train(String... sets) {
    return TestConfig.of("x.csv", "y", "regression", "ws").set(sets).load().train();
  }

  private static double autoMomentum(int workers) {
    return TrainingMasters.resolveAuto(
            train("train.averaging.method=block-momentum", "train.workers=" + workers),
            2,
            1_000_000)
        .master()
        .averaging()
        .blockMomentum();
  }

  @Test
  void autoBlockMomentumIsOneMinusOneOverTheRootOfTheWidthBetweenOneHalfAndNineTenths() {
    TrainConfig auto = train("train.averaging.method=block-momentum");
    assertEquals(Double.NaN, auto.master().averaging().blockMomentum());
    assertEquals(
        0.0,
        TrainingMasters.resolveAuto(auto, 2, 10_000).master().averaging().blockMomentum(),
        "one worker: plain averaging");
    assertEquals(0.5, autoMomentum(2), "1 - 1/√2 = 0.29, raised to 0.5");
    assertEquals(0.5, autoMomentum(4));
    assertEquals(1 - 1 / Math.sqrt(8), autoMomentum(8));
    assertEquals(0.6464, autoMomentum(8), 5e-5);
    assertEquals(0.75, autoMomentum(16));
    assertEquals(0.8232, autoMomentum(32), 5e-5);
    assertEquals(0.875, autoMomentum(64));
    assertEquals(0.9, autoMomentum(100));
    assertEquals(0.9, autoMomentum(1_000), "capped at 0.9");
    assertEquals(
        1.0, TrainingMasters.resolveAuto(auto, 2, 10_000).master().averaging().blockLearningRate());
    TrainConfig set =
        train(
            "train.averaging.block-momentum=0.7",
            "train.averaging.block-learning-rate=1.5",
            "train.workers=64");
    assertEquals(
        0.7, TrainingMasters.resolveAuto(set, 2, 1_000_000).master().averaging().blockMomentum());
    assertEquals(
        1.5,
        TrainingMasters.resolveAuto(set, 2, 1_000_000).master().averaging().blockLearningRate());
  }

  @Test
  void theLearningRateFollowsTheGlobalMinibatchUpToEightTimesTheConfiguredRate() {
    // 32 workers of 64 rows: a global minibatch of 2,048 = 64 x lr-base-batch-size, sqrt: 8.
    assertEquals(
        8.0,
        LearningRates.batchFactor(train("train.workers=32", "train.batch-size-per-worker=64")),
        1e-12);
    assertEquals(
        Math.sqrt(2),
        LearningRates.batchFactor(
            train(
                "train.workers=32",
                "train.batch-size-per-worker=64",
                "train.averaging.scale-learning-rate=false")),
        1e-12);
    assertEquals(
        Math.sqrt(32),
        LearningRates.batchFactor(train("train.workers=2", "train.batch-size-per-worker=512")),
        1e-12);
    assertEquals(
        8.0,
        LearningRates.batchFactor(train("train.workers=64", "train.batch-size-per-worker=512")),
        "capped at 8");
    assertEquals(
        16.0,
        LearningRates.batchFactor(train("train.workers=64", "train.batch-size-per-worker=8192")),
        "the per-worker minibatch alone may ask for more");
    assertEquals(
        4.0,
        LearningRates.batchFactor(train("train.workers=1", "train.batch-size-per-worker=512")));
    assertEquals(
        4.0,
        LearningRates.batchFactor(
            train(
                "train.workers=8",
                "train.batch-size-per-worker=512",
                "train.master.type=gradient-sharing")),
        "gradient sharing applies every worker's update: no averaging to make up for");
  }

  @Test
  void averagingSettingsAreValidated() {
    assertEquals(
        "Invalid configuration: train.averaging.block-momentum: expected auto or a number in [0, 1), found number 1 (--set train.averaging.block-momentum=1)",
        assertThrows(ConfigException.class, () -> train("train.averaging.block-momentum=1"))
            .getMessage());
    assertEquals(
        "Invalid configuration: train.averaging.block-learning-rate: expected auto or a number in (0, 10], found string \"fast\" (--set train.averaging.block-learning-rate=fast)",
        assertThrows(ConfigException.class, () -> train("train.averaging.block-learning-rate=fast"))
            .getMessage());
    assertEquals(
        "Invalid configuration: train.averaging.method: expected one of simple | block-momentum, found string \"bmuf\" (--set train.averaging.method=bmuf)",
        assertThrows(ConfigException.class, () -> train("train.averaging.method=bmuf"))
            .getMessage());
    assertEquals(
        0.25, train("train.averaging.block-momentum=0.25").master().averaging().blockMomentum());
  }
}
