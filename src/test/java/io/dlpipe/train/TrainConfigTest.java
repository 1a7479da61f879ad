package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.ConfigException;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.BinaryHead;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.net.MlpSpec;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The train section of the config: defaults, validation messages, and the network they build. No
 * Spark.
 */
class TrainConfigTest {
  private static DlpipeConfig load(String... sets) {
    return TestConfig.of("x.csv", "y", "regression", "ws").set(sets).load();
  }

  private static String error(String... sets) {
    return assertThrows(ConfigException.class, () -> load(sets)).getMessage();
  }

  @Test
  void defaultsAreDl4jsParameterAveragingDefaultsAndAnAdamMlp() {
    TrainConfig t = load().train();
    assertEquals(100, t.epochs());
    assertEquals(
        new TrainConfig.EarlyStopping(10, 0.0, TrainConfig.EarlyStoppingMetric.LOSS),
        t.earlyStopping());
    assertEquals(List.of(128, 64), t.model().hiddenLayers());
    assertEquals(TrainConfig.UpdaterType.ADAM, t.updater().type());
    assertEquals(0.001, t.updater().learningRate());
    TrainConfig.Master m = t.master();
    assertEquals(
        new TrainConfig.Master(
            TrainConfig.MasterType.PARAMETER_AVERAGING,
            0,
            0,
            2,
            0,
            TrainConfig.Approach.EXPORT,
            "",
            TrainConfig.Repartition.NUM_PARTITIONS_WORKERS_DIFFERS,
            TrainConfig.RepartitionStrategy.BALANCED,
            TrainConfig.StorageLevelName.MEMORY_ONLY_SER,
            false,
            1,
            TrainConfig.BatchScaling.SQRT,
            32,
            100,
            "",
            new TrainConfig.Averaging(
                TrainConfig.AveragingMethod.BLOCK_MOMENTUM,
                Double.NaN,
                Double.NaN,
                true,
                TrainConfig.UpdaterState.AVERAGED,
                true),
            java.time.Duration.ofMinutes(10)),
        m);
  }

  @Test
  void everyExampleConfigLoads() {
    for (String name : List.of("ames.conf", "credit.conf", "ames-article.conf")) {
      ConfigLoader.load(TestData.projectDir().resolve("conf/examples/" + name), List.of());
    }
  }

  @Test
  void theArticleModelIsOneDenseReluLayerAndALinearMseOutputWithAdam() {
    DlpipeConfig cfg =
        ConfigLoader.load(
            TestData.projectDir().resolve("conf/examples/ames-article.conf"), List.of());
    OutputHead head = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 0, 1);
    MultiLayerConfiguration conf = new MlpSpec().configuration(cfg.train(), 10, head);
    assertEquals(2, conf.getConfs().size());
    DenseLayer hidden = (DenseLayer) conf.getConf(0).getLayer();
    assertEquals(10, hidden.getNIn());
    assertEquals(64, hidden.getNOut());
    assertEquals(new ActivationReLU(), hidden.getActivationFn());
    assertEquals(new Adam(0.001), hidden.getIUpdater());
    OutputLayer out = (OutputLayer) conf.getConf(1).getLayer();
    assertEquals(1, out.getNOut());
    assertEquals(new ActivationIdentity(), out.getActivationFn());
    assertEquals(new LossMSE(), out.getLossFn());
  }

  @Test
  void batchNormalizationDropoutSigmoidAndNesterovsBuildAndTrain() {
    DlpipeConfig cfg =
        load(
            "target.task=classification",
            "train.model.batch-normalization=true",
            "train.model.dropout=0.2",
            "train.model.classification-output=sigmoid",
            "train.updater.type=nesterovs",
            "train.model.hidden-layers=[8, 4]");
    OutputHead head = new BinaryHead(List.of("a", "b"), new double[] {1, 1}, true, 0.5, null);
    MultiLayerConfiguration conf = new MlpSpec().configuration(cfg.train(), 5, head);
    List<String> kinds =
        conf.getConfs().stream().map(c -> c.getLayer().getClass().getSimpleName()).toList();
    assertEquals(
        List.of(
            "DenseLayer",
            "BatchNormalization",
            "ActivationLayer",
            "DenseLayer",
            "BatchNormalization",
            "ActivationLayer",
            "OutputLayer"),
        kinds);
    assertEquals(
        new Nesterovs(0.001, 0.9), ((DenseLayer) conf.getConf(0).getLayer()).getIUpdater());
    assertEquals(null, conf.getConf(0).getLayer().getIDropout(), "no dropout on the raw features");
    assertEquals(
        0.8,
        ((org.deeplearning4j.nn.conf.dropout.Dropout) conf.getConf(3).getLayer().getIDropout())
            .getP(),
        1e-12);
    OutputLayer out = (OutputLayer) conf.getConf(6).getLayer();
    assertEquals(new ActivationSigmoid(), out.getActivationFn());
    assertEquals(new LossBinaryXENT(), out.getLossFn());
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.setLearningRate(
        0.01); // the per-epoch schedule path, through batch-norm and activation layers
    net.fit(
        new org.nd4j.linalg.dataset.DataSet(
            org.nd4j.linalg.factory.Nd4j.rand(16, 5), org.nd4j.linalg.factory.Nd4j.zeros(16, 1)));
  }

  @Test
  void scheduleDecaysByEpoch() {
    TrainConfig.Updater step =
        load("train.updater.schedule.type=step", "train.updater.schedule.decay-epochs=3")
            .train()
            .updater();
    assertEquals(0.001, step.learningRate(2));
    assertEquals(0.0005, step.learningRate(3));
    assertEquals(0.00025, step.learningRate(6));
    TrainConfig.Updater exp =
        load("train.updater.schedule.type=exponential", "train.updater.schedule.decay-epochs=2")
            .train()
            .updater();
    assertEquals(0.0005, exp.learningRate(2), 1e-15);
  }

  @Test
  void theStallTimeoutIsADurationOfOneSecondToAWeek() {
    assertEquals(
        java.time.Duration.ofMinutes(3),
        load("train.master.stall-timeout=3m").train().master().stallTimeout());
    assertEquals(
        "Invalid configuration: train.master.stall-timeout: expected a duration such as 120s or 2m, between 1000 ms and 604800 s, found string \"0s\" (--set train.master.stall-timeout=0s)",
        error("train.master.stall-timeout=0s"));
    assertEquals(
        "Invalid configuration: train.master.stall-timeout: expected a duration such as 120s or 2m, between 1000 ms and 604800 s, found string \"never\" (--set train.master.stall-timeout=never)",
        error("train.master.stall-timeout=never"));
  }

  @Test
  void badValuesNameKeyExpectedAndFound() {
    assertEquals(
        "Invalid configuration: train.updater.type: expected one of adam | sgd | nesterovs | rmsprop, found string \"adagrad\" (--set train.updater.type=adagrad)",
        error("train.updater.type=adagrad"));
    assertEquals(
        "Invalid configuration: train.model.hidden-layers: expected a list of layer widths, integers in [1, 65536], found list [64,0] (--set train.model.hidden-layers=[64, 0])",
        error("train.model.hidden-layers=[64, 0]"));
    assertEquals(
        "Invalid configuration: train.model.dropout: expected a number in [0, 1), found number 1 (--set train.model.dropout=1)",
        error("train.model.dropout=1"));
    assertEquals(
        "Invalid configuration: train.epochs: expected an integer in [1, 100000], found number 0 (--set train.epochs=0)",
        error("train.epochs=0"));
    assertEquals(
        "Invalid configuration: train.model.weight-decay: expected 0 while train.model.l2 is above 0 (set l2 = 0 to use weight decay), found number 0.05 (--set train.model.weight-decay=0.05)",
        error("train.model.l2=0.0001", "train.model.weight-decay=0.05"));
    assertEquals(
        "Invalid configuration: train.average-epochs: expected an integer in [1, 1000], found number 0 (--set train.average-epochs=0)",
        error("train.average-epochs=0"));
    assertEquals(
        "Invalid configuration: train.approach: expected one of export | direct, found string \"shared\" (--set train.approach=shared)",
        error("train.approach=shared"));
    assertEquals(
        "Invalid configuration: train.model.classification-output: expected softmax unless target.task = classification, found string \"sigmoid\" (--set train.model.classification-output=sigmoid)",
        error("train.model.classification-output=sigmoid"));
    assertEquals(
        "Invalid configuration: unknown key 'train.batch-size-per-workr' (--set train.batch-size-per-workr=64); did you mean 'train.batch-size-per-worker'? Every key is listed with its default in dlpipe-defaults.conf.",
        error("train.batch-size-per-workr=64"));
  }

  @Test
  void cosineWithWarmUpRisesThenFallsToTheFloor() {
    TrainConfig.Updater u =
        load(
                "train.updater.schedule.type=cosine",
                "train.updater.schedule.decay-epochs=4",
                "train.updater.schedule.decay-rate=0.1",
                "train.updater.schedule.warmup-epochs=1")
            .train()
            .updater();
    assertEquals(0.0005, u.learningRate(0), 1e-15);
    assertEquals(0.001, u.learningRate(1), 1e-15);
    assertEquals(0.0001 + 0.0009 * 0.5 * (1 + Math.cos(Math.PI / 4)), u.learningRate(2), 1e-15);
    assertEquals(0.00055, u.learningRate(3), 1e-15);
    assertEquals(0.0001, u.learningRate(5), 1e-15);
    assertEquals(0.0001, u.learningRate(50), 1e-15);
  }

  @Test
  void classWeightsTargetTransformAndEarlyStoppingMetric() {
    DlpipeConfig auto =
        load(
            "target.task=classification",
            "train.class-weights=auto",
            "train.early-stopping.metric=main");
    assertEquals(
        new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.AUTO, java.util.Map.of(), 10.0),
        auto.train().classWeights());
    assertEquals(TrainConfig.EarlyStoppingMetric.MAIN, auto.train().earlyStopping().metric());
    DlpipeConfig explicit =
        load("target.task=classification", "train.class-weights={bad = 5.0, good = 0.5}");
    assertEquals(
        java.util.Map.of("bad", 5.0, "good", 0.5), explicit.train().classWeights().explicit());
    assertEquals(TrainConfig.ClassWeightMode.NONE, load().train().classWeights().mode());
    assertEquals(TrainConfig.TargetTransform.AUTO, load().train().targetTransform());
    assertEquals(
        TrainConfig.TargetTransform.LOG1P,
        load("train.target-transform=log1p").train().targetTransform());
    assertEquals(TrainConfig.Loss.AUTO, load().train().loss());
    assertEquals(new TrainConfig.TargetTrial(20_000, 10), load().train().targetTrial());
    assertEquals(TrainConfig.Loss.POISSON, load("train.loss=poisson").train().loss());
  }

  @Test
  void badQualityValuesNameKeyExpectedAndFound() {
    assertEquals(
        "Invalid configuration: train.class-weights: expected auto, none, or an object of class label to a weight in (0, 1000], e.g. { bad = 5.0 }, "
            + "found string \"balanced\" (--set train.class-weights=balanced)",
        error("target.task=classification", "train.class-weights=balanced"));
    assertEquals(
        "Invalid configuration: train.class-weights.bad: expected a weight in (0, 1000], found number -1 (--set train.class-weights={bad = -1})",
        error("target.task=classification", "train.class-weights={bad = -1}"));
    assertEquals(
        "Invalid configuration: train.class-weights: expected none unless target.task = classification, found string \"auto\" (--set train.class-weights=auto)",
        error("train.class-weights=auto"));
    assertEquals(
        "Invalid configuration: train.class-weights: expected none with train.model.classification-output = sigmoid (DL4J weighs output units, not classes; "
            + "use softmax), found string \"auto\" (--set train.class-weights=auto)",
        error(
            "target.task=classification",
            "train.model.classification-output=sigmoid",
            "train.class-weights=auto"));
    assertEquals(
        "Invalid configuration: train.target-transform: expected one of auto | none | log1p | standardize, found string \"log\" (--set train.target-transform=log)",
        error("train.target-transform=log"));
    assertEquals(
        "Invalid configuration: train.target-transform: expected auto with train.loss = poisson (the Poisson loss fits the target in its own units), "
            + "found string \"log1p\" (--set train.target-transform=log1p)",
        error("train.loss=poisson", "train.target-transform=log1p"));
    assertEquals(
        "Invalid configuration: train.loss: expected one of auto | mse | poisson, found string \"gamma\" (--set train.loss=gamma)",
        error("train.loss=gamma"));
    assertEquals(
        "Invalid configuration: train.target-trial.epochs: expected an integer in [1, 1000], found number 0 (--set train.target-trial.epochs=0)",
        error("train.target-trial.epochs=0"));
    assertEquals(
        "Invalid configuration: evaluate.threshold: expected auto or a number in (0, 1), found number 1.5 (--set evaluate.threshold=1.5)",
        error("evaluate.threshold=1.5"));
    assertEquals(
        "Invalid configuration: evaluate.baselines: expected a list of linear | gbt, found list [\"linear\",\"xgb\"] (--set evaluate.baselines=[linear, xgb])",
        error("evaluate.baselines=[linear, xgb]"));
    assertEquals(
        "Invalid configuration: train.early-stopping.metric: expected one of loss | main, found string \"auc\" (--set train.early-stopping.metric=auc)",
        error("train.early-stopping.metric=auc"));
  }
}
