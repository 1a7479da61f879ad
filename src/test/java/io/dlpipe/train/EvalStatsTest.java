package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The merged evaluation statistics against direct computations on the same numbers. No Spark. */
class EvalStatsTest {
  @Test
  void aucFromTheHistogramMatchesThePairwiseDefinition() {
    Random rnd = new Random(3);
    int n = 2000;
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    EvalStats a = new EvalStats(true);
    EvalStats b = new EvalStats(true);
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.3;
      p[i] = Math.min(1, Math.max(0, (y[i] ? 0.6 : 0.4) + 0.25 * rnd.nextGaussian()));
      (i % 2 == 0 ? a : b).addScore(p[i], y[i]);
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
  void regressionMetricsAreInOriginalUnitsAndLossInStandardizedUnits() {
    LabelCodec codec = new LabelCodec(LabelCodec.Kind.REGRESSION, 1, 100, 10, List.of());
    EvalStats s = new EvalStats(false);
    // standardized outputs and labels: original labels 100, 110, 90; predictions 100, 100, 100
    Evaluator.add(s, codec, new float[][] {{0}, {0}, {0}}, new float[][] {{0}, {1}, {-1}});
    EvalMetrics m = s.metrics(codec);
    assertEquals(3, m.rows());
    assertEquals(2.0 / 3, m.loss(), 1e-12);
    assertEquals(0.0, m.r2(), 1e-12);
    assertEquals(Math.sqrt(200.0 / 3), m.rmse(), 1e-9);
    assertEquals(20.0 / 3, m.mae(), 1e-9);
  }

  @Test
  void softmaxAccuracyAndCrossEntropy() {
    LabelCodec codec = new LabelCodec(LabelCodec.Kind.SOFTMAX, 3, 0, 1, List.of("a", "b", "c"));
    EvalStats s = new EvalStats(false);
    Evaluator.add(s, codec, new float[][] {{0.7f, 0.2f, 0.1f}, {0.1f, 0.3f, 0.6f}}, new float[][] {{1, 0, 0}, {0, 1, 0}});
    EvalMetrics m = s.metrics(codec);
    assertEquals(0.5, m.accuracy());
    assertEquals((-Math.log(0.7f) - Math.log(0.3f)) / 2, m.loss(), 1e-6);
    assertEquals(null, m.auc());
  }
}
