package io.dlpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.EtlConfig.CategoricalEncoding;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.head.BinaryHead;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.MainMetric;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputLoss;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.io.ModelStore;
import io.dlpipe.net.MultiLayerNet;
import io.dlpipe.net.Network;
import io.dlpipe.testing.TestData;
import io.dlpipe.train.ModelProvenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * transform.json and model.json of format 1 (written before output heads) still load, and decode as
 * they did.
 */
class OldFormatFixturesTest {
  private static final Path DIR =
      TestData.projectDir().resolve("src/test/resources/fixtures/format-1");

  @TempDir Path tmp;

  private static String read(String file) throws Exception {
    return Files.readString(DIR.resolve(file));
  }

  @Test
  void creditFormat1BundleLoadsAsABinarySoftmaxHeadAtHalf() throws Exception {
    FittedTransform t =
        FittedTransform.fromJson(read("credit/transform.json"), "credit/transform.json");
    assertEquals(Task.CLASSIFICATION, t.task());
    assertEquals(List.of("good", "bad"), t.classes());
    // Written before the split rule was recorded: run re-prepares such a workspace, predict reads
    // it as it is.
    assertEquals(null, t.splitRule());
    assertEquals(33, t.featureCount());
    assertEquals(CategoricalEncoding.ONE_HOT, t.categorical().get(0).encoding());

    ModelProvenance p = ModelBundle.readProvenance(read("credit/model.json"), "credit/model.json");
    assertEquals(1, p.formatVersion());
    assertEquals(Task.CLASSIFICATION, p.task());
    assertEquals(OutputLoss.SOFTMAX_MCXENT, p.output());
    assertEquals(MainMetric.AUC, p.mainMetric());
    assertEquals(TrainConfig.Approach.EXPORT, p.approach());
    assertEquals(2, p.bestEpoch());
    assertNull(p.head());

    // The network of that bundle (33 -> [128, 64] -> 2 softmax), written and read back as a
    // bundle's
    // model.zip: the head of a format-1 bundle comes from its JSON and the network's widths, and
    // the network file itself is DL4J's, which this format change did not touch.
    MultiLayerNetwork saved =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(
                    new DenseLayer.Builder().nIn(33).nOut(128).activation(Activation.RELU).build())
                .layer(
                    new DenseLayer.Builder().nIn(128).nOut(64).activation(Activation.RELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(64)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    saved.init();
    String zip = tmp.resolve("model.zip").toString();
    ModelStore.write(new Configuration(), zip, new MultiLayerNet(saved).bytes(false));
    Network net = Network.fromBytes(ModelStore.readBytes(new Configuration(), zip), false);
    OutputHead head = ModelBundle.head(t, p, net, "credit/model.zip");
    assertEquals(HeadSpec.BINARY, head.spec().kind());
    assertEquals(2, head.width());
    assertEquals(0.5, ((BinaryHead) head).threshold());
    assertEquals(1.0, head.prediction(new float[] {0.5f, 0.5f}));
    assertEquals(0.0, head.prediction(new float[] {0.51f, 0.49f}));
  }

  @Test
  void amesFormat1ModelDecodesWithTheTransformsLabelStatistics() throws Exception {
    FittedTransform t =
        FittedTransform.fromJson(read("ames/transform.json"), "ames/transform.json");
    assertEquals(Task.REGRESSION, t.task());
    ModelProvenance p = ModelBundle.readProvenance(read("ames/model.json"), "ames/model.json");
    assertEquals(OutputLoss.LINEAR_MSE, p.output());
    assertEquals(MainMetric.R2, p.mainMetric());
    assertEquals(353, p.featureCount());
    RegressionHead head = (RegressionHead) io.dlpipe.head.OutputHeads.legacy(t, 1);
    // format 1: prediction = output * label_std + label_mean
    assertEquals(179122.405124, head.inverse(0), 1e-6);
    assertEquals(179122.405124 + 78301.4299083, head.inverse(1), 1e-6);
    assertEquals(p.labelMean(), head.inverse(0), 1e-6);
    assertEquals(TrainConfig.TargetTransform.STANDARDIZE, head.spec().targetTransform());
  }

  @Test
  void creditFormat2BundleWithoutPositiveClassLoadsWithItsSecondClassPositive() throws Exception {
    Path dir = DIR.resolveSibling("format-2");
    String json = Files.readString(dir.resolve("credit/model.json"));
    assertFalse(json.contains("positive_class"), "written before target.positive-class");
    FittedTransform t =
        FittedTransform.fromJson(
            Files.readString(dir.resolve("credit/transform.json")), "credit/transform.json");
    assertEquals(List.of("good", "bad"), t.classes());
    ModelProvenance p = ModelBundle.readProvenance(json, "credit/model.json");
    assertEquals(2, p.formatVersion());
    assertNull(p.head().positiveClass());
    assertEquals(0.3205, p.head().threshold());

    MultiLayerNetwork saved =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(
                    new DenseLayer.Builder().nIn(124).nOut(128).activation(Activation.RELU).build())
                .layer(
                    new DenseLayer.Builder().nIn(128).nOut(64).activation(Activation.RELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(64)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    saved.init();
    BinaryHead head =
        (BinaryHead) ModelBundle.head(t, p, new MultiLayerNet(saved), "credit/model.zip");
    assertEquals(java.util.Optional.of("bad"), head.positiveClass());
    assertEquals(0.3205, head.threshold());
    // bad's probability is the second output; from the threshold's bin on a row is bad.
    assertEquals("bad", head.label(head.prediction(new float[] {0.6f, 0.4f})));
    assertEquals("good", head.label(head.prediction(new float[] {0.7f, 0.3f})));
    // Written again, the head names its positive class.
    assertEquals("bad", head.spec().positiveClass());
    assertTrue(
        io.dlpipe.io.Json.write(head.spec()).contains("\"positive_class\" : \"bad\""),
        io.dlpipe.io.Json.write(head.spec()));
  }

  @Test
  void aHeadNamingAPositiveClassItsOrderContradictsIsRefused() throws Exception {
    Path dir = DIR.resolveSibling("format-2");
    String json =
        Files.readString(dir.resolve("credit/model.json"))
            .replace("\"threshold_rule\"", "\"positive_class\" : \"good\", \"threshold_rule\"");
    ModelProvenance p = ModelBundle.readProvenance(json, "credit/model.json");
    assertEquals("good", p.head().positiveClass());
    io.dlpipe.DataException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.dlpipe.DataException.class,
            () -> io.dlpipe.head.OutputHeads.fromSpec(p.head(), "credit/model.json"));
    assertEquals(
        "Model credit/model.json names positive class 'good', but its class order [good, bad] makes 'bad' positive; the model bundle is inconsistent, retrain",
        e.getMessage());
  }
}
