package io.dlpipe.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.dlpipe.DataException;
import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.io.Json;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossPoisson;

/** The heads and the score histogram against hand-computed values. No Spark. */
class OutputHeadsTest {
  private static final EvaluateConfig.Costs NO_COSTS = new EvaluateConfig.Costs(0, 0);

  /** Positives at 0.9, 0.8, 0.4; negatives at 0.7, 0.3, 0.2, 0.1. */
  private static HeadStats small(BinaryHead head) {
    HeadStats s = head.newStats();
    double[][] rows = {{0.9, 1}, {0.8, 1}, {0.4, 1}, {0.7, 0}, {0.3, 0}, {0.2, 0}, {0.1, 0}};
    for (double[] r : rows) {
      head.add(s, Double.NaN, new double[] {1 - r[0], r[0]}, r[1]);
    }
    return s;
  }

  private static BinaryHead binary() {
    return new BinaryHead(List.of("good", "bad"), new double[] {1, 1}, false, 0.5, null);
  }

  @Test
  void aucFromTheHistogramMatchesThePairwiseDefinition() {
    Random rnd = new Random(3);
    int n = 2000;
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    ScoreHistogram a = new ScoreHistogram();
    ScoreHistogram b = new ScoreHistogram();
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.3;
      p[i] = Math.min(1, Math.max(0, (y[i] ? 0.6 : 0.4) + 0.25 * rnd.nextGaussian()));
      (i % 2 == 0 ? a : b).add(p[i], y[i]);
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (y[i] && !y[j]) {
          pairs++;
          wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    assertEquals(wins / pairs, a.merge(b).auc(), 1e-3);
  }

  @Test
  void autoThresholdMaximizesF1OfThePositiveClass() {
    // F1 by threshold: 0.9 -> 2/4, 0.8 -> 4/5, 0.7 -> 4/6, 0.4 -> 6/7 (best), 0.3 -> 6/8
    HeadStats s = small(binary());
    assertEquals(0.4, s.histogram().bestF1Threshold());
    BinaryHead chosen = (BinaryHead) binary().chooseThreshold(s, null, NO_COSTS);
    assertEquals(0.4, chosen.threshold());
    assertEquals(HeadSpec.ThresholdRule.MAX_F1, chosen.spec().thresholdRule());
    assertEquals(1.0, chosen.decide(0.4));
    assertEquals(0.0, chosen.decide(0.39999));
  }

  @Test
  void costThresholdMinimizesTheTotalCostAndAFixedOneWins() {
    HeadStats s = small(binary());
    // FP 1, FN 0.5: nothing flagged costs 1.5; 0.9 -> 1.0; 0.8 -> 0.5 (best); 0.7 -> 1.5; 0.4 ->
    // 1.0
    assertEquals(
        0.8,
        ((BinaryHead) binary().chooseThreshold(s, null, new EvaluateConfig.Costs(1, 0.5)))
            .threshold());
    // FP 1, FN 10: 0.4 -> 1 (best); 0.3 -> 2
    assertEquals(
        0.4,
        ((BinaryHead) binary().chooseThreshold(s, null, new EvaluateConfig.Costs(1, 10)))
            .threshold());
    BinaryHead fixed =
        (BinaryHead) binary().chooseThreshold(s, 0.25, new EvaluateConfig.Costs(1, 10));
    assertEquals(0.25, fixed.threshold());
    assertEquals(HeadSpec.ThresholdRule.FIXED, fixed.spec().thresholdRule());
  }

  @Test
  void binaryMetricsAtTheThresholdAndAtHalf() {
    BinaryHead head = (BinaryHead) binary().withThreshold(0.4, HeadSpec.ThresholdRule.MAX_F1);
    Map<String, Double> m = head.metrics(small(head));
    // at 0.4: tp 3, fp 1, fn 0, tn 3
    assertEquals(0.75, m.get("precision.bad"));
    assertEquals(1.0, m.get("recall.bad"));
    assertEquals(6.0 / 7, m.get("f1.bad"), 1e-12);
    // Without a class name: the positive class's, bad (the second class).
    assertEquals(java.util.Optional.of("bad"), head.positiveClass());
    assertEquals(0.75, m.get("precision"));
    assertEquals(1.0, m.get("recall"));
    assertEquals(6.0 / 7, m.get("f1"), 1e-12);
    assertEquals(1.0, m.get("precision.good"));
    assertEquals(0.75, m.get("recall.good"));
    assertEquals(6.0 / 7, m.get("accuracy"), 1e-12);
    // at 0.5: tp 2, fp 1, fn 1, tn 3
    assertEquals(2.0 / 3, m.get("precision_at_0_5.bad"), 1e-12);
    assertEquals(2.0 / 3, m.get("recall_at_0_5.bad"), 1e-12);
    assertEquals(5.0 / 7, m.get("accuracy_at_0_5"), 1e-12);
    // 11 of 12 positive-negative pairs ordered right (0.4 < 0.7)
    assertEquals(11.0 / 12, m.get("auc"), 1e-12);
    assertEquals(0.75, m.get("ks"), 1e-12); // at 0.4: TPR 1, FPR 1/4
    double brier = (0.01 + 0.04 + 0.36 + 0.49 + 0.09 + 0.04 + 0.01) / 7;
    assertEquals(brier, m.get("brier"), 1e-12);
    double logLoss =
        -(Math.log(0.9)
                + Math.log(0.8)
                + Math.log(0.4)
                + Math.log(0.3)
                + Math.log(0.7)
                + Math.log(0.8)
                + Math.log(0.9))
            / 7;
    assertEquals(logLoss, m.get("log_loss"), 1e-12);
    assertEquals(0.4, m.get("threshold"));
    // PR: (1/3, 1), (2/3, 1), (2/3, 2/3), (1, 3/4), ... trapezoids from recall 0 at precision 1
    assertEquals(1.0 / 3 + 1.0 / 3 + (1.0 / 3) * (2.0 / 3 + 0.75) / 2, m.get("pr_auc"), 1e-12);
  }

  @Test
  void autoClassWeightsAreInverseFrequencyCapped() {
    List<String> classes = List.of("good", "bad");
    TrainConfig.ClassWeights auto =
        new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.AUTO, Map.of(), 10);
    assertArrayEquals(
        new double[] {100.0 / 180, 5.0},
        OutputHeads.classWeights(auto, classes, new long[] {90, 10}));
    TrainConfig.ClassWeights capped =
        new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.AUTO, Map.of(), 3);
    assertArrayEquals(
        new double[] {100.0 / 180, 3.0},
        OutputHeads.classWeights(capped, classes, new long[] {90, 10}));
    TrainConfig.ClassWeights explicit =
        new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.EXPLICIT, Map.of("bad", 5.0), 10);
    assertArrayEquals(new double[] {1, 5}, OutputHeads.classWeights(explicit, classes, null));
    TrainConfig.ClassWeights typo =
        new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.EXPLICIT, Map.of("bda", 5.0), 10);
    assertEquals(
        "train.class-weights names class 'bda', but the prepared data has classes [good, bad]; fix train.class-weights",
        assertThrows(DataException.class, () -> OutputHeads.classWeights(typo, classes, null))
            .getMessage());
  }

  @Test
  void weightedHeadsUseDl4jsWeightedLossAndRecordTheirWeights() {
    BinaryHead head =
        new BinaryHead(List.of("good", "bad"), new double[] {0.5, 5}, false, 0.5, null);
    LossMCXENT loss = (LossMCXENT) head.outputLayer().nIn(4).build().getLossFn();
    assertArrayEquals(new double[] {0.5, 5}, loss.getWeights().toDoubleVector());
    assertEquals(Map.of("good", 0.5, "bad", 5.0), head.spec().classWeights());
  }

  @Test
  void poissonRegressionFitsTheCountOverItsMeanWithOneSoftplusUnit() {
    RegressionHead head = RegressionHead.poisson(2.5);
    OutputLayer layer = head.outputLayer().nIn(4).build();
    assertEquals(new LossPoisson(), layer.getLossFn());
    assertEquals(new ActivationSoftPlus(), layer.getActivationFn());
    assertEquals(OutputLoss.SOFTPLUS_POISSON, head.output());
    assertEquals(2.0, head.forward(5), 1e-12);
    assertEquals(5.0, head.inverse(2.0), 1e-12);
    float[] out = new float[1];
    head.encode(0, out, 0);
    assertEquals(0f, out[0]);
    HeadStats s = head.newStats();
    head.add(s, 2.5, null, 0);
    head.add(s, 5.0, null, 5);
    // LossPoisson per row, yhat - y log(yhat), in the scaled units: (1 - 0) + (2 - 2 log 2).
    assertEquals((1 + 2 - 2 * Math.log(2)) / 2, head.summary(s).loss(), 1e-12);
    assertEquals(1 - (2.5 * 2.5) / 12.5, head.metrics(s).get("r2"), 1e-12);
    HeadSpec spec = head.spec();
    assertEquals(
        HeadSpec.builder(HeadSpec.REGRESSION, OutputLoss.SOFTPLUS_POISSON)
            .target(TrainConfig.TargetTransform.NONE, 0.0, 2.5)
            .build(),
        spec);
    assertEquals(
        spec,
        OutputHeads.fromSpec(
                Json.MAPPER.convertValue(Json.MAPPER.valueToTree(spec), HeadSpec.class),
                "model.json")
            .spec());
    assertEquals(
        "the Poisson loss fits the untransformed target, not LOG1P",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new RegressionHead(
                        TrainConfig.TargetTransform.LOG1P, 0, 1, OutputLoss.SOFTPLUS_POISSON))
            .getMessage());
  }

  @Test
  void log1pSmearingRestoresTheMeanThatExpm1OfTheMeanLogMisses() {
    // The network predicts log1p = log(2) for both rows (1 in target units); their targets are 0
    // and 3.
    RegressionHead head = new RegressionHead(TrainConfig.TargetTransform.LOG1P, 0, 1);
    HeadStats s = head.newStats();
    head.add(s, 1, null, 0);
    head.add(s, 1, null, 3);
    // Duan: the mean of exp(log1p(y) - log(2)) = (1/2 + 4/2) / 2 = 1.25, so the prediction becomes
    // 2 * 1.25 - 1 = 1.5, the mean of 0 and 3.
    RegressionHead smeared = (RegressionHead) head.calibrate(s);
    assertEquals(1.25, smeared.spec().targetSmearing(), 1e-12);
    assertEquals(1.5, smeared.inverse(Math.log(2)), 1e-12);
    assertEquals(1.0, head.inverse(Math.log(2)), 1e-12);
    // The estimate does not depend on the factor in use when the statistics were taken.
    HeadStats again = smeared.newStats();
    smeared.add(again, 1.5, null, 0);
    smeared.add(again, 1.5, null, 3);
    assertEquals(1.25, smeared.calibrate(again).spec().targetSmearing(), 1e-12);
    assertEquals(
        1.25, OutputHeads.fromSpec(smeared.spec(), "model.json").spec().targetSmearing(), 1e-12);
    assertNull(head.spec().targetSmearing());
    RegressionHead standardized = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 1, 2);
    assertEquals(
        standardized, standardized.calibrate(s), "only log1p has a back-transform to correct");
  }

  @Test
  void log1pRegressionTrainsOnTheLogAndReportsInTargetUnits() {
    RegressionHead head = new RegressionHead(TrainConfig.TargetTransform.LOG1P, 11.0, 0.5);
    assertEquals((Math.log1p(100_000) - 11.0) / 0.5, head.forward(100_000), 1e-12);
    assertEquals(100_000, head.inverse(head.forward(100_000)), 1e-6);
    float[] out = new float[1];
    head.encode(200_000, out, 0);
    assertEquals(200_000, head.prediction(out), 200_000 * 1e-6);
    HeadStats s = head.newStats();
    head.add(s, 110, null, 100);
    head.add(s, 190, null, 200);
    Map<String, Double> m = head.metrics(s);
    assertEquals(100.0, m.get("mse"));
    assertEquals(10.0, m.get("mae"));
    assertEquals(1 - 200.0 / 5000, m.get("r2"), 1e-12);
    EvalMetrics summary = head.summary(s);
    double l1 = head.forward(110) - head.forward(100);
    double l2 = head.forward(190) - head.forward(200);
    assertEquals((l1 * l1 + l2 * l2) / 2, summary.loss(), 1e-12);
  }

  @Test
  void multiclassAccuracyAndCrossEntropy() {
    MulticlassHead head = new MulticlassHead(List.of("a", "b", "c"), new double[] {1, 1, 1});
    HeadStats s = head.newStats();
    head.addOutput(s, new float[] {0.7f, 0.2f, 0.1f}, 0);
    head.addOutput(s, new float[] {0.1f, 0.3f, 0.6f}, 1);
    EvalMetrics m = head.summary(s);
    assertEquals(0.5, m.accuracy());
    assertEquals((-Math.log(0.7f) - Math.log(0.3f)) / 2, m.loss(), 1e-6);
    assertNull(m.auc());
    assertEquals(2.0, head.prediction(new float[] {0.1f, 0.3f, 0.6f}));
  }

  @Test
  void specsAreKebabCaseJsonAndRestoreTheSameHead() throws Exception {
    BinaryHead head =
        (BinaryHead)
            new BinaryHead(List.of("good", "bad"), new double[] {1, 3}, false, 0.5, null)
                .withThreshold(0.31, HeadSpec.ThresholdRule.MAX_F1);
    String json = Json.write(head.spec());
    assertEquals(
        "{\n  \"kind\" : \"binary\",\n  \"output\" : \"softmax-mcxent\",\n  \"classes\" : [ \"good\", \"bad\" ],\n  \"threshold\" : 0.31,\n"
            + "  \"threshold_rule\" : \"max-f1\",\n  \"class_weights\" : {\n    \"good\" : 1.0,\n    \"bad\" : 3.0\n  },\n  \"positive_class\" : \"bad\"\n}\n",
        json);
    HeadSpec back = Json.MAPPER.readValue(json, HeadSpec.class);
    assertEquals(head.spec(), back);
    assertEquals(0.31, ((BinaryHead) OutputHeads.fromSpec(back, "model.json")).threshold());
    InvalidFormatException e =
        assertThrows(
            InvalidFormatException.class,
            () -> Json.MAPPER.readValue(json.replace("max-f1", "MAX_F1"), HeadSpec.class));
    assertEquals(
        "Cannot deserialize value of type `io.dlpipe.head.HeadSpec$ThresholdRule` from String \"MAX_F1\": expected one of max-f1 | min-cost | fixed",
        e.getOriginalMessage());
  }
}
