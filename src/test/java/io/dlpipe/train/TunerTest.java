package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.ConfigException;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TuneConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tune: the space from the config, seeded draws, tuning.csv, and a two-trial search through
 * TrainJob.
 */
class TunerTest {
  @TempDir static Path tmp;

  private static DlpipeConfig load(String... sets) {
    return TestConfig.of("x.csv", "y", "regression", "ws").set(sets).load();
  }

  @Test
  void spaceDrawsAreSeededPerTrialAndValidated() {
    TuneConfig tune =
        load(
                "tune.trials=3",
                "tune.space={train.model.dropout = [0.0, 0.1, 0.2], train.updater.learning-rate = [0.001, 0.003]}")
            .tune();
    assertEquals(
        List.of("train.model.dropout", "train.updater.learning-rate"),
        List.copyOf(tune.space().keySet()));
    assertEquals(Tuner.draw(tune, 2), Tuner.draw(tune, 2));
    Map<String, Object> d = Tuner.draw(tune, 1);
    assertTrue(
        List.of(0.0, 0.1, 0.2).contains(((Number) d.get("train.model.dropout")).doubleValue()),
        d.toString());
    DlpipeConfig trial =
        ConfigLoader.withValues(
            load(), Map.of("train.model.dropout", 0.2, "train.updater.learning-rate", 0.003));
    assertEquals(0.2, trial.train().model().dropout());
    assertEquals(0.003, trial.train().updater().learningRate());
    assertEquals(
        "Invalid configuration: train.model.dropout: expected a number in [0, 1), found number 1 (tune.space)",
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.withValues(load(), Map.of("train.model.dropout", 1)))
            .getMessage());
    assertEquals(
        "Invalid configuration: tune.space.train.model.dropuot: expected a train.* or evaluate.* key dlpipe knows, found list [0.1] (--set tune.space={train.model.dropuot = [0.1]})",
        assertThrows(ConfigException.class, () -> load("tune.space={train.model.dropuot = [0.1]}"))
            .getMessage());
    assertEquals(
        "Invalid configuration: tune.trials: expected 0 while tune.space is empty, found number 2 (--set tune.trials=2)",
        assertThrows(ConfigException.class, () -> load("tune.trials=2")).getMessage());
  }

  @Test
  void theBestTrialHasTheHighestMainMetricAndEveryTrialIsARow() {
    TuneConfig tune = load("tune.trials=2", "tune.space={train.model.dropout = [0.0, 0.1]}").tune();
    Map<String, Object> a = new LinkedHashMap<>(Map.of("train.model.dropout", 0.0));
    Map<String, Object> b = new LinkedHashMap<>(Map.of("train.model.dropout", 0.1));
    EvalMetrics m = new EvalMetrics(10, 0.5, null, null, null, 0.7, 0.8);
    List<Tuner.Trial> trials =
        List.of(
            new Tuner.Trial(1, a, 4, 3, m, 0.80, 1.25), new Tuner.Trial(2, b, 5, 5, m, 0.82, 2.5));
    assertEquals(2, Tuner.best(trials).number());
    assertEquals(
        "trial,train.model.dropout,epochs,best_epoch,val_loss,val_auc,seconds\n1,0.0,4,3,0.500000,0.800000,1.250\n2,0.1,5,5,0.500000,0.820000,2.500\n",
        Tuner.csv(tune, trials, "auc"));
  }

  @Test
  void twoTrialsThenTheBestSettingsTrainTheModel() throws Exception {
    Path ws = tmp.resolve("credit");
    TrainFixtures.prepare("credit", ws);
    DlpipeConfig cfg =
        TrainFixtures.credit(
            ws,
            "train.epochs=2",
            "train.model.hidden-layers=[16]",
            "train.approach=direct",
            "tune.trials=2",
            "tune.space={train.updater.learning-rate = [0.0001, 0.003]}");
    TrainResult result = new TrainJob(TestSpark.get(), cfg).run(true);
    List<String> csv = Files.readAllLines(ws.resolve("model/tuning.csv"));
    assertEquals(3, csv.size());
    assertEquals(
        "trial,train.updater.learning-rate,epochs,best_epoch,val_loss,val_auc,seconds", csv.get(0));
    JsonNode best = Json.MAPPER.readTree(ws.resolve("checkpoints/tuning-best.json").toFile());
    double lr = best.get("train.updater.learning-rate").asDouble();
    JsonNode model = Json.MAPPER.readTree(ws.resolve("model/model.json").toFile());
    assertEquals(
        lr, model.get("config").get("train").get("updater").get("learning-rate").asDouble());
    assertEquals(2, result.history().epoch());
  }

  @Test
  void smallDataTrainsEachTrialInOneTaskOnBothWholeSplits() {
    Path ws = tmp.resolve("credit-parallel");
    TrainFixtures.prepare("credit", ws);
    DlpipeConfig cfg =
        TrainFixtures.credit(
            ws,
            "train.epochs=3",
            "train.model.hidden-layers=[16]",
            "tune.trials=3",
            "tune.space={train.updater.learning-rate = [0.0001, 0.001, 0.003]}");
    SparkSession spark = TestSpark.get();
    PreparedInput in =
        PreparedInput.open(new HadoopFiles(spark.sparkContext().hadoopConfiguration()), cfg);
    Dataset<Row> train = in.read(spark, Columns.TRAIN);
    Dataset<Row> validation = in.read(spark, Columns.VALIDATION);
    int features = in.transform().featureCount();
    long values = (in.rows(Columns.TRAIN) + in.rows(Columns.VALIDATION)) * features;
    assertTrue(
        Tuner.parallel(cfg.tune(), in.rows(Columns.TRAIN), in.rows(Columns.VALIDATION), features));
    assertFalse(
        Tuner.parallel(
            ConfigLoader.withValues(cfg, Map.of("tune.parallel-max-values", values - 1)).tune(),
            in.rows(Columns.TRAIN),
            in.rows(Columns.VALIDATION),
            features),
        "one value too many for one executor");

    List<Tuner.Trial> trials = Tuner.run(cfg, in, train, validation);
    assertEquals(List.of(1, 2, 3), trials.stream().map(Tuner.Trial::number).toList());
    // Trial 2 again on this JVM, from the same plan and every row of both splits: the task saw
    // exactly these.
    Map<String, Object> drawn = Tuner.draw(cfg.tune(), 2);
    TrainConfig t = ConfigLoader.withValues(cfg, drawn).train();
    OutputHead head = OutputHeads.forTraining(in.transform(), t, train, in.layout().transform());
    TrialTask.Result local =
        TrialTask.of(2, TrainPlan.resolve(t, 1, in.rows(Columns.TRAIN)), features, head, train)
            .run(rows(train), rows(validation));
    Tuner.Trial second = trials.get(1);
    assertEquals(drawn, second.values());
    assertEquals(in.rows(Columns.VALIDATION), second.validation().rows());
    assertEquals(local.validation(), second.validation());
    assertEquals(local.bestEpoch(), second.bestEpoch());
    assertEquals(local.epochs(), second.epochs());

    // Above the threshold the same search trains trial after trial on the cluster.
    DlpipeConfig sequential = ConfigLoader.withValues(cfg, Map.of("tune.parallel-max-values", 0));
    List<Tuner.Trial> onCluster = Tuner.run(sequential, in, train, validation);
    assertEquals(List.of(1, 2, 3), onCluster.stream().map(Tuner.Trial::number).toList());
    for (Tuner.Trial trial : onCluster) {
      assertEquals(in.rows(Columns.VALIDATION), trial.validation().rows());
      assertEquals(3, trial.epochs());
    }
  }

  private static List<InternalRow> rows(Dataset<Row> split) {
    return split.queryExecution().toRdd().toJavaRDD().map(InternalRow::copy).collect();
  }
}
