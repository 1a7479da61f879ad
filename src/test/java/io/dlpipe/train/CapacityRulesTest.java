package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * train.model.small-data: the regularization resolveAuto gives a network for its train rows. No
 * Spark.
 */
class CapacityRulesTest {
  private static TrainConfig train(String... sets) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "input.path=x.csv", "target.column=y", "target.task=regression", "output.dir=ws"));
    all.addAll(List.of(sets));
    return ConfigLoader.load(null, all).train();
  }

  private static List<Double> regularization(TrainConfig train, long rows) {
    TrainConfig.Model m = TrainingMasters.resolveAuto(train, 2, rows).model();
    return List.of(m.dropout(), m.l2());
  }

  @Test
  void theRuleIsOffByDefault() {
    TrainConfig defaults = train();
    assertEquals(new TrainConfig.SmallData(0, 0.3, 0.001), defaults.model().smallData());
    assertSame(defaults.model(), TrainingMasters.resolveAuto(defaults, 2, 1_920).model());
  }

  @Test
  void belowTheSmallDataRowsTheNetworkTrainsWithTheRulesDropoutAndL2() {
    TrainConfig defaults = train("train.model.small-data.rows=10000");
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
    String on = "train.model.small-data.rows=10000";
    assertEquals(
        List.of(0.5, 0.01),
        regularization(train(on, "train.model.dropout=0.5", "train.model.l2=0.01"), 1_000));
    assertEquals(
        List.of(0.3, 0.0),
        regularization(train(on, "train.model.l2=0", "train.model.weight-decay=0.01"), 1_000));
    assertEquals(
        List.of(0.0, 0.001), regularization(train(on, "train.model.hidden-layers=[]"), 1_000));
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
