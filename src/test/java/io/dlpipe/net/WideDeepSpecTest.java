package io.dlpipe.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.ConfigException;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.BinaryHead;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.testing.TestConfig;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The wide-and-deep family on one JVM: its graph, the linear model inside it, its bytes and
 * parameters. No Spark.
 */
class WideDeepSpecTest {
  private static final OutputHead REGRESSION =
      new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 0, 1);

  private static TrainConfig train(String... sets) {
    return TestConfig.of("x.csv", "y", "regression", "ws")
        .set("train.model.type=wide-deep")
        .set(sets)
        .load()
        .train();
  }

  private static float[][] rows(int n, int width, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][width];
    for (float[] row : x) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void theOutputLayerReadsTheLastHiddenLayerAndTheFeaturesSideBySide() {
    TrainConfig t = train("train.model.hidden-layers=[8, 4]");
    assertEquals(TrainConfig.ModelType.WIDE_DEEP, t.model().type());
    ComputationGraphConfiguration c = new WideDeepSpec().configuration(t, 5, REGRESSION);
    assertEquals(List.of("features"), c.getNetworkInputs());
    assertEquals(List.of("output"), c.getNetworkOutputs());
    assertEquals(List.of("features"), c.getVertexInputs().get("hidden-0"));
    assertEquals(List.of("hidden-0"), c.getVertexInputs().get("hidden-1"));
    assertEquals(List.of("hidden-1", "features"), c.getVertexInputs().get("wide-and-deep"));
    assertEquals(List.of("wide-and-deep"), c.getVertexInputs().get("output"));

    Network net = Network.create(t, 5, REGRESSION);
    assertInstanceOf(GraphNet.class, net);
    assertEquals(5, net.inputWidth());
    assertEquals(1, net.outputWidth());
    // (5x8 + 8) + (8x4 + 4) + ((4 + 5) x 1 + 1): the wide path costs features x outputs weights.
    assertEquals(48 + 36 + 10, net.numParams());
  }

  @Test
  void dropoutIsOnTheHiddenPathOnlyAndNoHiddenLayerIsTheLinearModel() {
    ComputationGraphConfiguration c =
        new WideDeepSpec()
            .configuration(
                train("train.model.hidden-layers=[8]", "train.model.dropout=0.25"), 5, REGRESSION);
    assertEquals(List.of("hidden-0"), c.getVertexInputs().get("hidden-dropout"));
    assertEquals(List.of("hidden-dropout", "features"), c.getVertexInputs().get("wide-and-deep"));
    assertEquals(
        null,
        ((FeedForwardLayer)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) c.getVertices().get("output"))
                    .getLayerConf()
                    .getLayer())
            .getIDropout(),
        "the raw features reach the output undropped");

    ComputationGraphConfiguration linear =
        new WideDeepSpec().configuration(train("train.model.hidden-layers=[]"), 5, REGRESSION);
    assertEquals(List.of("features"), linear.getVertexInputs().get("output"));
    assertEquals(
        6, Network.create(train("train.model.hidden-layers=[]"), 5, REGRESSION).numParams());
  }

  @Test
  void withTheHiddenPathsWeightsAtZeroItIsExactlyTheLinearModel() {
    ComputationGraph graph =
        new ComputationGraph(
            new WideDeepSpec()
                .configuration(train("train.model.hidden-layers=[8, 4]"), 3, REGRESSION));
    graph.init();
    // Rows 0-3 of the output weights read the last hidden layer, rows 4-6 the features (the merge's
    // order).
    graph
        .getLayer("output")
        .setParam("W", Nd4j.createFromArray(new float[][] {{0}, {0}, {0}, {0}, {1}, {-2}, {0.5f}}));
    graph.getLayer("output").setParam("b", Nd4j.createFromArray(new float[][] {{0.25f}}));
    float[][] out = new GraphNet(graph).output(new float[][] {{1, 0, 0}, {0, 1, 0}, {2, 1, 4}});
    assertArrayEquals(new float[] {1.25f}, out[0]);
    assertArrayEquals(new float[] {-1.75f}, out[1]);
    assertArrayEquals(new float[] {2.25f}, out[2]);
  }

  @Test
  void startingAsALinearModelWritesItsFeatureRowsAndZeroesTheHiddenOnes() {
    Network net = Network.create(train("train.model.hidden-layers=[8, 4]"), 3, REGRESSION);
    assertEquals(true, net.hasLinearPath());
    assertEquals(true, net.startAsLinear(new double[][] {{1, -2, 0.5}}, new double[] {0.25}));
    float[][] out = net.output(new float[][] {{1, 0, 0}, {0, 1, 0}, {2, 1, 4}});
    assertArrayEquals(new float[] {1.25f}, out[0]);
    assertArrayEquals(new float[] {-1.75f}, out[1]);
    assertArrayEquals(new float[] {2.25f}, out[2]);

    Network linear = Network.create(train("train.model.hidden-layers=[]"), 3, REGRESSION);
    assertEquals(true, linear.startAsLinear(new double[][] {{1, -2, 0.5}}, new double[] {0.25}));
    assertArrayEquals(new float[] {2.25f}, linear.output(new float[][] {{2, 1, 4}})[0]);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> net.startAsLinear(new double[][] {{1, 2}}, new double[] {0}));
    assertEquals(
        "a linear model of 2 features for an output layer reading 3 features", e.getMessage());
  }

  @Test
  void anMlpWithHiddenLayersHasNoLinearPathAndIsLeftAsItWas() {
    Network mlp = Network.create(train("train.model.type=mlp"), 3, REGRESSION);
    org.nd4j.linalg.api.ndarray.INDArray before = mlp.params().dup();
    assertEquals(false, mlp.hasLinearPath());
    assertEquals(false, mlp.startAsLinear(new double[][] {{1, -2, 0.5}}, new double[] {0.25}));
    assertEquals(before, mlp.params());

    Network linear =
        Network.create(
            train("train.model.type=mlp", "train.model.hidden-layers=[]"), 3, REGRESSION);
    assertEquals(true, linear.startAsLinear(new double[][] {{1, -2, 0.5}}, new double[] {0.25}));
    assertArrayEquals(new float[] {-1.75f}, linear.output(new float[][] {{0, 1, 0}})[0]);
  }

  @Test
  void itsBytesRestoreTheSameNetworkWithIdenticalOutputsAndAnMlpsStayAnMlp() {
    OutputHead binary = new BinaryHead(List.of("a", "b"), new double[] {1, 1}, false, 0.5, null);
    Network net =
        Network.create(
            train("train.model.hidden-layers=[8]", "train.model.batch-normalization=true"),
            6,
            binary);
    float[][] x = rows(7, 6, 3);
    Network back = Network.fromBytes(net.bytes(true), true);
    assertInstanceOf(GraphNet.class, back);
    assertEquals(net.params(), back.params());
    float[][] before = net.output(x);
    float[][] after = back.output(x);
    assertEquals(7, after.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(2, after[i].length);
      assertArrayEquals(before[i], after[i], "row " + i);
    }
    assertEquals(2, BatchedOutput.outputs(back, x, 3)[6].length);

    Network mlp = Network.create(train("train.model.type=mlp"), 6, binary);
    assertInstanceOf(MultiLayerNet.class, Network.fromBytes(mlp.bytes(false), false));
  }

  @Test
  void itsParametersAreOneFlatVectorToSetAndGet() {
    Network net = Network.create(train("train.model.hidden-layers=[4]"), 3, REGRESSION);
    // (3x4 + 4) + ((4 + 3) x 1 + 1)
    assertEquals(24, net.numParams());
    net.setParams(Nd4j.linspace(1, 24, 24).reshape(1, 24).castTo(net.params().dataType()));
    assertEquals(1.0f, net.params().getFloat(0));
    assertEquals(24.0f, net.params().getFloat(23));
    assertEquals(24, net.params().length());
  }

  @Test
  void autoIsWideAndDeepForRegressionAndTwoClassesAndAnMlpForMore() {
    TrainConfig auto = TestConfig.of("x.csv", "y", "regression", "ws").load().train();
    assertEquals(TrainConfig.ModelType.AUTO, auto.model().type());
    assertInstanceOf(GraphNet.class, Network.create(auto, 4, REGRESSION));
    assertInstanceOf(
        GraphNet.class,
        Network.create(
            auto, 4, new BinaryHead(List.of("a", "b"), new double[] {1, 1}, false, 0.5, null)));
    assertInstanceOf(
        MultiLayerNet.class,
        Network.create(
            auto,
            4,
            new io.dlpipe.head.MulticlassHead(List.of("a", "b", "c"), new double[] {1, 1, 1})));
  }

  @Test
  void anUnknownModelTypeIsRefusedNamingTheChoices() {
    ConfigException e = assertThrows(ConfigException.class, () -> train("train.model.type=resnet"));
    assertEquals(
        "Invalid configuration: train.model.type: expected one of auto | mlp | wide-deep, found string \"resnet\" (--set train.model.type=resnet)",
        e.getMessage());
  }
}
