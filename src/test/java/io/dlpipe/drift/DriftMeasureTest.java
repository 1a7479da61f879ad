package io.dlpipe.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.ScheduleConfig;
import io.dlpipe.config.TargetConfig;
import io.dlpipe.config.Task;
import io.dlpipe.etl.ColumnSpec;
import io.dlpipe.etl.DriftReference;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.RowValidator;
import io.dlpipe.etl.TransformFitter;
import io.dlpipe.testing.Frames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The drift reference fitted on a tiny train frame, and PSI and unseen shares of a day whose bin
 * shares are known by hand.
 */
class DriftMeasureTest {
  private static final String[] COLS = {"y", "x", "c"};
  private static final List<ColumnSpec> SPECS =
      List.of(
          new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""),
          ColumnSpec.of("x", ColumnRole.NUMERIC, "declared", ""),
          ColumnSpec.of("c", ColumnRole.CATEGORICAL, "declared", ""));
  private static final List<String> NULLS = List.of("", "NA");
  private static final TargetConfig REGRESSION =
      new TargetConfig("y", Task.REGRESSION, List.of(), 100);
  private static final ScheduleConfig.Drift THRESHOLDS = new ScheduleConfig.Drift(0.2, 0.05);

  private static EtlConfig etl(int topK) {
    return new EtlConfig(
        0.05,
        new EtlConfig.Infer(0.95, 0.98, 0),
        new EtlConfig.Dedup(EtlConfig.DedupMode.REPORT, List.of()),
        new EtlConfig.Impute(
            EtlConfig.NumericImpute.MEDIAN, EtlConfig.CategoricalImpute.MISSING_LEVEL),
        new EtlConfig.Clip(false, 0.25, 0.75),
        new EtlConfig.Normalize(
            EtlConfig.NormalizeMethod.STANDARDIZE, EtlConfig.LogMode.NONE, List.of(), 0.5),
        new EtlConfig.Categorical(EtlConfig.CategoricalEncoding.ONE_HOT, topK, 1),
        new EtlConfig.Split(0.8, 0.1, 0.1, 42, ""),
        new EtlConfig.Write(128, "snappy"),
        0.0001);
  }

  /** Appends {@code count} rows of (y, x, c). */
  private static void add(List<String[]> rows, int count, String x, String c) {
    for (int i = 0; i < count; i++) {
      rows.add(new String[] {String.valueOf(rows.size()), x, c});
    }
  }

  private static Dataset<Row> raw(List<String[]> rows) {
    return Frames.raw(COLS, rows.toArray(new String[0][]));
  }

  /**
   * Train, 20 rows: x is 0 ten times and 1 ten times, so every decile is 0 or 1 and the edges are
   * {0, 1}: bins (<= 0) 0.5, (0, 1] 0.5, (> 1) 0, missing 0. c is a 12 times, b 6 times, z twice;
   * with top-k 2 the vocabulary is [a, b] and z is other: 0.6, 0.3, 0.1.
   */
  private static FittedTransform fitted() {
    List<String[]> train = new ArrayList<>();
    add(train, 10, "0", "a");
    add(train, 2, "1", "a");
    add(train, 6, "1", "b");
    add(train, 2, "1", "z");
    Dataset<Row> validated =
        RowValidator.validate(raw(train), SPECS, Task.REGRESSION, List.of(), true, NULLS);
    return TransformFitter.fit(validated, SPECS, List.of(), REGRESSION, etl(2), NULLS);
  }

  @Test
  void theReferenceHoldsTrainBinSharesAndLevelShares() {
    FittedTransform t = fitted();
    DriftReference ref = t.driftReference();
    assertEquals(20, ref.trainRows());
    assertEquals(
        List.of(
            new DriftReference.NumericBins("x", List.of(0.0, 1.0), List.of(0.5, 0.5, 0.0), 0.0)),
        ref.numeric());
    assertEquals(
        List.of(new DriftReference.LevelShares("c", List.of("a", "b"), List.of(0.6, 0.3), 0.1)),
        ref.categorical());
    // It round-trips through transform.json; a transform without it (written before drift existed)
    // still loads.
    assertEquals(ref, FittedTransform.fromJson(t.toJson(), "test").driftReference());
    assertNull(
        FittedTransform.fromJson(t.withDriftReference(null).toJson(), "test").driftReference());
  }

  /**
   * Day, 10 rows: x 0 twice, 1 six times, 5 once, missing once: 0.2, 0.6, 0.1, 0.1 against 0.5,
   * 0.5, 0, 0. c a five times, b twice, q (never seen) three times: 0.5, 0.2, 0.3 against 0.6, 0.3,
   * 0.1, and an unseen share of 0.3.
   */
  @Test
  void psiAndUnseenShareOfAHandComputedDay() {
    List<String[]> day = new ArrayList<>();
    add(day, 2, "0", "a");
    add(day, 3, "1", "a");
    add(day, 2, "1", "b");
    add(day, 1, "1", "q");
    add(day, 1, "5", "q");
    add(day, 1, "NA", "q");
    DriftReport r = DriftMeasure.measure(raw(day), fitted(), "m1", THRESHOLDS, "2026-11-28");
    double e = Psi.EPSILON;
    double xPsi =
        (0.2 - 0.5) * Math.log(0.2 / 0.5)
            + (0.6 - 0.5) * Math.log(0.6 / 0.5)
            + 2 * (0.1 - e) * Math.log(0.1 / e);
    double cPsi =
        (0.5 - 0.6) * Math.log(0.5 / 0.6)
            + (0.2 - 0.3) * Math.log(0.2 / 0.3)
            + (0.3 - 0.1) * Math.log(0.3 / 0.1);
    assertEquals(10, r.rows());
    assertEquals(20, r.trainRows());
    assertEquals(2, r.columns().size());
    DriftReport.ColumnDrift x = r.columns().get(0);
    assertEquals("x", x.column());
    assertEquals(xPsi, x.psi(), 1e-12);
    assertEquals(1.67329, x.psi(), 1e-5);
    assertNull(x.unseenShare());
    assertEquals(
        List.of(
            new DriftReport.Bin("<= 0", 0.5, 0.2),
            new DriftReport.Bin("(0, 1]", 0.5, 0.6),
            new DriftReport.Bin("> 1", 0.0, 0.1),
            new DriftReport.Bin("missing", 0.0, 0.1)),
        x.bins());
    DriftReport.ColumnDrift c = r.columns().get(1);
    assertEquals(cPsi, c.psi(), 1e-12);
    assertEquals(0.27850, c.psi(), 1e-5);
    assertEquals(0.3, c.unseenShare(), 1e-15);
    assertEquals(
        List.of(
            new DriftReport.Bin("a", 0.6, 0.5),
            new DriftReport.Bin("b", 0.3, 0.2),
            new DriftReport.Bin("__other__", 0.1, 0.3)),
        c.bins());
    assertTrue(r.drifted());
    // Largest crossing first, relative to its threshold: 1.673 / 0.2, then 0.3 / 0.05, then 0.279 /
    // 0.2.
    assertEquals(
        List.of("x psi", "c unseen_share", "c psi"),
        r.crossed().stream().map(k -> k.column() + " " + k.measure()).toList());
    assertEquals(
        "drift: x psi 1.6733 > 0.2, c unseen_share 0.3000 > 0.05, c psi 0.2785 > 0.2", r.verdict());
  }

  @Test
  void theTrainDistributionItselfHasNoDrift() {
    List<String[]> same = new ArrayList<>();
    add(same, 5, "0", "a");
    add(same, 1, "1", "a");
    add(same, 3, "1", "b");
    add(same, 1, "1", "z");
    DriftReport r = DriftMeasure.measure(raw(same), fitted(), "m1", THRESHOLDS, "2026-11-28");
    assertEquals(0.0, r.columns().get(0).psi(), 1e-15);
    assertEquals(0.0, r.columns().get(1).psi(), 1e-15);
    // z is outside the vocabulary (too rare at top-k 2), so it counts as unseen: 0.1 > 0.05.
    assertEquals(0.1, r.columns().get(1).unseenShare(), 1e-15);
    assertEquals(List.of(new DriftReport.Crossing("c", "unseen_share", 0.1, 0.05)), r.crossed());
    DriftReport loose =
        DriftMeasure.measure(
            raw(same), fitted(), "m1", new ScheduleConfig.Drift(0.2, 0.1), "2026-11-28");
    assertFalse(loose.drifted());
    assertEquals("no drift: largest psi 0.0000 (x)", loose.verdict());
  }

  @Test
  void aTransformWithoutReferenceIsAClearError() {
    FittedTransform old = fitted().withDriftReference(null);
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                DriftMeasure.measure(
                    Frames.raw(COLS, new String[] {"1", "1", "a"}),
                    old,
                    "m1",
                    THRESHOLDS,
                    "2026-11-28"));
    assertEquals(
        "The model's transform.json has no drift_reference (it was written before dlpipe measured drift); retrain the model (run etl and train again) "
            + "to measure drift against it",
        e.getMessage());
  }
}
