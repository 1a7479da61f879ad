package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * train.model.small-data: the family and regularization resolveAuto gives a network for its train
 * rows. No Spark.
 */
class CapacityRulesTest {
  private static TrainConfig load(List<String> sets) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "input.path=x.csv", "target.column=y", "target.task=regression", "output.dir=ws"));
    all.addAll(sets);
    return ConfigLoader.load(null, all).train();
  }

  private static TrainConfig defaults() {
    return load(List.of());
  }

  /**
   * An MLP (the family the rule reaches; the default is wide-deep) with the rule switched on at its
   * measured choice of rows, then {@code sets}.
   */
  private static TrainConfig train(String... sets) {
    List<String> all =
        new ArrayList<>(List.of("train.model.type=mlp", "train.model.small-data.rows=10000"));
    all.addAll(List.of(sets));
    return load(all);
  }

  @Test
  void theRuleIsOffByDefault() {
    TrainConfig defaults = defaults();
    assertEquals(
        new TrainConfig.SmallData(0, TrainConfig.ModelType.WIDE_DEEP, 0.0, 0.0),
        defaults.model().smallData());
    assertSame(defaults.model(), TrainingMasters.resolveAuto(defaults, 2, 1_920).model());
  }

  private static List<Double> regularization(TrainConfig train, long rows) {
    TrainConfig.Model m = TrainingMasters.resolveAuto(train, 2, rows).model();
    return List.of(m.dropout(), m.l2());
  }

  private static TrainConfig.ModelType family(TrainConfig train, long rows) {
    return TrainingMasters.resolveAuto(train, 2, rows).model().type();
  }

  @Test
  void switchedOnAnMlpBelow10000TrainRowsTrainsAsWideAndDeepWithItsOwnRegularization() {
    TrainConfig defaults = train();
    assertEquals(
        new TrainConfig.SmallData(10_000, TrainConfig.ModelType.WIDE_DEEP, 0.0, 0.0),
        defaults.model().smallData());
    assertEquals(TrainConfig.ModelType.MLP, defaults.model().type());
    TrainConfig.Model hmda = TrainingMasters.resolveAuto(defaults, 2, 1_920).model();
    assertEquals(defaults.model().withType(TrainConfig.ModelType.WIDE_DEEP), hmda);
    assertEquals(List.of(0.0, 0.0001), List.of(hmda.dropout(), hmda.l2()));
    assertEquals(List.of(128, 64), hmda.hiddenLayers());
    assertEquals(TrainConfig.ModelType.WIDE_DEEP, family(defaults, 9_999));
    assertSame(defaults.model(), TrainingMasters.resolveAuto(defaults, 2, 10_000).model());
    assertSame(defaults.model(), TrainingMasters.resolveAuto(defaults, 2, 50_000).model());
    // Another family set on purpose, or the rule's own family set to mlp, keeps the MLP's place.
    assertEquals(
        TrainConfig.ModelType.MLP, family(train("train.model.small-data.type=mlp"), 1_920));
    TrainConfig off = train("train.model.small-data.rows=0");
    assertSame(off.model(), TrainingMasters.resolveAuto(off, 2, 1_920).model(), "rows = 0: never");
    assertEquals(
        TrainConfig.ModelType.WIDE_DEEP,
        family(train("train.model.type=wide-deep", "train.model.small-data.rows=0"), 1_920));
  }

  @Test
  void theLogSaysWhatTheRuleChanged() {
    TrainConfig.Model set =
        train("train.model.small-data.dropout=0.3", "train.model.small-data.l2=0.001").model();
    TrainConfig.Model resolved =
        TrainingMasters.resolveAuto(
                train("train.model.small-data.dropout=0.3", "train.model.small-data.l2=0.001"),
                2,
                1_920)
            .model();
    assertEquals(
        "Small data: 1,920 train rows, below train.model.small-data.rows = 10,000: "
            + "train.model.type wide-deep (set mlp), dropout 0.3 (set 0.0), l2 0.001 (set 1.0E-4)",
        CapacityRules.changes(set, resolved, 1_920));
  }

  @Test
  void belowTheSmallDataRowsTheNetworkTrainsWithTheRulesDropoutAndL2() {
    TrainConfig defaults =
        train(
            "train.model.small-data.type=mlp",
            "train.model.small-data.dropout=0.3",
            "train.model.small-data.l2=0.001");
    assertEquals(List.of(0.3, 0.001), regularization(defaults, 1_920), "hmda's train split");
    assertEquals(List.of(0.3, 0.001), regularization(defaults, 9_999));
    assertEquals(
        List.of(0.0, 0.0001), regularization(defaults, 10_000), "the set values from rows on");
    assertSame(defaults.model(), TrainingMasters.resolveAuto(defaults, 2, 50_000).model());
    // Width and everything else of the network stay as set.
    TrainConfig.Model small = TrainingMasters.resolveAuto(defaults, 2, 1_920).model();
    assertEquals(List.of(128, 64), small.hiddenLayers());
    assertEquals(defaults.model().withRegularization(0.3, 0.001), small);
  }

  @Test
  void setValuesAboveTheRuleStayAndWeightDecayOrALinearNetworkKeepTheirOwn() {
    String on = "train.model.small-data.dropout=0.3";
    String onL2 = "train.model.small-data.l2=0.001";
    assertEquals(
        List.of(0.5, 0.01),
        regularization(train(on, onL2, "train.model.dropout=0.5", "train.model.l2=0.01"), 1_000));
    assertEquals(
        List.of(0.3, 0.0),
        regularization(
            train(on, onL2, "train.model.l2=0", "train.model.weight-decay=0.01"), 1_000));
    assertEquals(
        List.of(0.0, 0.001),
        regularization(train(on, onL2, "train.model.hidden-layers=[]"), 1_000));
    assertEquals(
        List.of(0.2, 0.0001),
        regularization(train("train.model.small-data.rows=0", "train.model.dropout=0.2"), 1_000),
        "rows = 0: never");
    assertEquals(
        List.of(0.1, 0.0001),
        regularization(
            train(
                "train.model.small-data.rows=500",
                "train.model.small-data.dropout=0.1",
                "train.model.small-data.l2=0"),
            499));
  }
}
