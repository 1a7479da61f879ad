package io.dlpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dlpipe.head.MainMetric;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {
  private static final List<Verdict.Rung> RANDHIE =
      List.of(new Verdict.Rung("linear", 0.092, 2.0), new Verdict.Rung("gbt", 0.164, 10.0));

  @Test
  void aLossToARungComesFirstWithTheBestRungsFigure() {
    assertEquals(
        "The network loses to gbt: R² 0.1640 against the network's 0.0270. The network trails linear by 0.0650 R² (at 10.0× its "
            + "training time) and trails gbt by 0.1370 R² (at 2.0× its training time).",
        Verdict.sentence(MainMetric.R2, 0.027, 20.0, RANDHIE));
    assertEquals("gbt", Verdict.bestRung(RANDHIE).name());
  }

  @Test
  void aNetworkAboveEveryRungGetsTheComparisonAlone() {
    assertEquals(
        "The network beats linear by +0.0300 AUC (at 2.0× its training time) and ties gbt on AUC.",
        Verdict.sentence(
            MainMetric.AUC,
            0.8,
            4.0,
            List.of(new Verdict.Rung("linear", 0.77, 2.0), new Verdict.Rung("gbt", 0.8, 0))));
    assertEquals(
        "No baseline was fitted (evaluate.baseline = false or evaluate.baselines = []).",
        Verdict.sentence(MainMetric.AUC, 0.8, 4.0, List.of()));
    assertNull(Verdict.bestRung(List.of()));
    assertEquals(
        List.of(),
        Verdict.findings(MainMetric.AUC, 0.8, List.of(new Verdict.Rung("linear", 0.77, 2.0))));
  }

  @Test
  void aDifferenceInvisibleAtFourDecimalsIsATieNotALoss() {
    // doctorvisits: the network kept as its linear start, against the linear rung.
    assertEquals(
        "The network ties linear on R² (at 54.7× its training time) and beats gbt by +0.1315 R² (at 14.0× its training time).",
        Verdict.sentence(
            MainMetric.R2,
            0.19756558604507457,
            14.708,
            List.of(
                new Verdict.Rung("linear", 0.19758507055582453, 0.269),
                new Verdict.Rung("gbt", 0.06605478750256999, 1.05))));
    assertEquals(
        "The network loses to linear: R² 0.1977 against the network's 0.1976. The network trails linear by 0.0001 R² (at 2.0× its training time).",
        Verdict.sentence(
            MainMetric.R2, 0.1976, 2.0, List.of(new Verdict.Rung("linear", 0.1977, 1.0))));
  }

  @Test
  void aBinaryMetricBelowChanceIsAFindingNamingEachModelBelowIt() {
    List<Verdict.Finding> f =
        Verdict.findings(
            MainMetric.AUC,
            0.451,
            List.of(new Verdict.Rung("linear", 0.4608, 1), new Verdict.Rung("gbt", 0.5, 1)));
    assertEquals(1, f.size());
    assertEquals("auc-below-chance", f.get(0).kind());
    assertEquals(
        "Test AUC below 0.5 (the network 0.4510, linear 0.4608): the model ranks the test rows worse than a coin would. Nothing about "
            + "this is normal: check that the split does not depend on the label and that the labels mean what the target says.",
        f.get(0).message());
    // A rung alone below chance is a finding too: the split or the labels are as suspect.
    assertEquals(
        "Test AUC below 0.5 (gbt 0.4900): the model ranks the test rows worse than a coin would. Nothing about this is normal: check "
            + "that the split does not depend on the label and that the labels mean what the target says.",
        Verdict.findings(MainMetric.AUC, 0.6, List.of(new Verdict.Rung("gbt", 0.49, 1)))
            .get(0)
            .message());
  }

  @Test
  void aNegativeR2IsAFindingOnlyWhenEveryModelIsBelowZero() {
    List<Verdict.Finding> f =
        Verdict.findings(
            MainMetric.R2,
            -0.02,
            List.of(new Verdict.Rung("linear", -0.01, 1), new Verdict.Rung("gbt", -0.3, 1)));
    assertEquals(
        List.of(
            new Verdict.Finding(
                "r2-below-zero",
                "Test R² below 0 for every model (the network -0.0200, linear -0.0100, gbt -0.3000): "
                    + "none predicts the test split better than its own mean. Nothing about this is normal: check the split, the target column and whether "
                    + "the features say anything about it.")),
        f);
    assertEquals(
        List.of(),
        Verdict.findings(MainMetric.R2, -0.02, List.of(new Verdict.Rung("linear", 0.01, 1))));
    assertEquals(
        List.of(),
        Verdict.findings(MainMetric.ACCURACY, 0.3, List.of(new Verdict.Rung("linear", 0.2, 1))));
  }
}
