package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.DataException;
import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.TargetConfig;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.Frames;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TransformFitterTest {
  private static final String[] COLS = {"y", "x", "c"};
  private static final List<ColumnSpec> SPECS =
      List.of(
          new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""),
          ColumnSpec.of("x", ColumnRole.NUMERIC, "declared", ""),
          ColumnSpec.of("c", ColumnRole.CATEGORICAL, "declared", ""));
  private static final List<String> NULLS = List.of("", "NA");
  private static final TargetConfig REGRESSION =
      new TargetConfig("y", Task.REGRESSION, List.of(), 100);

  private static EtlConfig etl(
      EtlConfig.NormalizeMethod method,
      EtlConfig.LogMode log,
      boolean clip,
      int topK,
      EtlConfig.CategoricalImpute catImpute,
      EtlConfig.CategoricalEncoding encoding) {
    return new EtlConfig(
        0.05,
        new EtlConfig.Infer(0.95, 0.98, 0),
        new EtlConfig.Dedup(EtlConfig.DedupMode.REPORT, List.of()),
        new EtlConfig.Impute(EtlConfig.NumericImpute.MEDIAN, catImpute),
        new EtlConfig.Clip(clip, 0.25, 0.75),
        new EtlConfig.Normalize(method, log, List.of(), 0.5),
        new EtlConfig.Categorical(encoding, topK, 1),
        new EtlConfig.Split(0.8, 0.1, 0.1, 42, ""),
        new EtlConfig.Write(128, "snappy"),
        0.0001);
  }

  private static EtlConfig standard() {
    return etl(
        EtlConfig.NormalizeMethod.STANDARDIZE,
        EtlConfig.LogMode.NONE,
        false,
        50,
        EtlConfig.CategoricalImpute.MISSING_LEVEL,
        EtlConfig.CategoricalEncoding.ONE_HOT);
  }

  private static Dataset<Row> train() {
    return validated(
        Frames.raw(
            COLS,
            new String[] {"10", "1", "a"},
            new String[] {"20", "2", "a"},
            new String[] {"30", "3", "b"},
            new String[] {"40", "4", ""},
            new String[] {"50", "NA", "c"}));
  }

  private static Dataset<Row> validated(Dataset<Row> raw) {
    return RowValidator.validate(raw, SPECS, Task.REGRESSION, List.of(), true, NULLS);
  }

  private static float[] features(FittedTransform t, String... row) {
    Row r =
        t.apply(validated(Frames.raw(COLS, new String[][] {row}))).select(Columns.FEATURES).first();
    List<Float> v = r.getList(0);
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  @Test
  void standardizeWithMedianImputeAndOneHotWithMissingLevel() {
    FittedTransform t =
        TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, standard(), NULLS);
    // x on train: 1, 2, 3, 4 and a missing cell imputed with the median, which Spark's
    // percentile_approx takes as an observed value (2); then mean 2.4, sample std sqrt(1.3).
    assertEquals(
        new FittedTransform.NumericFeature(
            "x", 2.0, null, null, false, "standardize", 2.4, 1.1401754251),
        t.numeric().get(0));
    // Ties in frequency are broken by the level's text, so the order is stable.
    assertEquals(
        new FittedTransform.CategoricalFeature(
            "c",
            io.dlpipe.config.EtlConfig.CategoricalEncoding.ONE_HOT,
            List.of("a", "__missing__", "b", "c"),
            "__missing__"),
        t.categorical().get(0));
    assertEquals(
        List.of("x", "c=a", "c=__missing__", "c=b", "c=c", "c=__other__"), t.featureNames());
    assertEquals(new FittedTransform.LabelStats(30.0, 15.8113883008, 10.0, 50.0), t.labelStats());
    assertArrayEquals(
        new float[] {(float) ((10 - 2.4) / 1.1401754251), 0, 0, 0, 0, 1},
        features(t, "1", "10", "zebra"));
    assertArrayEquals(
        new float[] {(float) (-0.4 / 1.1401754251), 0, 1, 0, 0, 0}, features(t, "1", "NA", "NA"));
    assertArrayEquals(
        new float[] {(float) (-1.4 / 1.1401754251), 0, 0, 0, 1, 0}, features(t, "1", " 1 ", " c "));
  }

  @Test
  void labelIsTheTargetForRegressionAndTheClassIndexForClassification() {
    FittedTransform reg =
        TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, standard(), NULLS);
    assertEquals(
        40.0,
        reg.apply(validated(Frames.raw(COLS, new String[] {"40", "1", "a"})))
            .select(Columns.LABEL)
            .first()
            .getDouble(0));
    TargetConfig cls = new TargetConfig("y", Task.CLASSIFICATION, List.of("good", "bad"), 100);
    Dataset<Row> raw =
        Frames.raw(COLS, new String[] {"bad", "1", "a"}, new String[] {"good", "2", "b"});
    Dataset<Row> v =
        RowValidator.validate(raw, SPECS, Task.CLASSIFICATION, cls.classes(), true, NULLS);
    FittedTransform t =
        TransformFitter.fit(v, SPECS, TransformFitter.classes(v, cls), cls, standard(), NULLS);
    assertEquals(
        List.of(1.0, 0.0),
        t.apply(v).select(Columns.LABEL).collectAsList().stream()
            .map(r -> r.getDouble(0))
            .toList());
    assertEquals(null, t.labelStats());
  }

  @Test
  void classesAreSortedWhenNotDeclaredAndBounded() {
    Dataset<Row> raw =
        Frames.raw(
            COLS,
            new String[] {"b", "1", "a"},
            new String[] {"a", "2", "b"},
            new String[] {"c", "2", "b"},
            new String[] {"a", "2", "b"});
    Dataset<Row> v = RowValidator.validate(raw, SPECS, Task.CLASSIFICATION, List.of(), true, NULLS);
    assertEquals(
        List.of("a", "b", "c"),
        TransformFitter.classes(v, new TargetConfig("y", Task.CLASSIFICATION, List.of(), 100)));
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TransformFitter.classes(
                    v, new TargetConfig("y", Task.CLASSIFICATION, List.of(), 2)));
    assertEquals(
        "Target column 'y' has more than 2 distinct labels (target.max-classes); check target.column and target.task = classification",
        e.getMessage());
  }

  @Test
  void minMaxLogAndClip() {
    EtlConfig cfg =
        etl(
            EtlConfig.NormalizeMethod.MIN_MAX,
            EtlConfig.LogMode.NONE,
            false,
            2,
            EtlConfig.CategoricalImpute.MOST_FREQUENT,
            EtlConfig.CategoricalEncoding.INDEX);
    FittedTransform t = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, cfg, NULLS);
    assertEquals(
        new FittedTransform.NumericFeature("x", 2.0, null, null, false, "min-max", 1.0, 3.0),
        t.numeric().get(0));
    // Top-2 of the present levels; a missing cell takes the most frequent one; index encoding,
    // "other" = 2.
    assertEquals(
        new FittedTransform.CategoricalFeature(
            "c", io.dlpipe.config.EtlConfig.CategoricalEncoding.INDEX, List.of("a", "b"), "a"),
        t.categorical().get(0));
    assertArrayEquals(new float[] {1f, 0f}, features(t, "1", "4", "NA"));
    assertArrayEquals(new float[] {-1f / 3, 1f}, features(t, "1", "0", "b"));
    assertArrayEquals(new float[] {-1f / 3, 2f}, features(t, "1", "0", "c"));

    Dataset<Row> skewed =
        validated(
            Frames.raw(
                COLS,
                new String[] {"1", "0", "a"},
                new String[] {"2", "0", "a"},
                new String[] {"3", "0", "a"},
                new String[] {"4", "1", "a"},
                new String[] {"5", "1000", "a"}));
    EtlConfig logged =
        etl(
            EtlConfig.NormalizeMethod.NONE,
            EtlConfig.LogMode.AUTO,
            false,
            50,
            EtlConfig.CategoricalImpute.MISSING_LEVEL,
            EtlConfig.CategoricalEncoding.INDEX);
    FittedTransform l = TransformFitter.fit(skewed, SPECS, List.of(), REGRESSION, logged, NULLS);
    assertEquals(true, l.numeric().get(0).log1p());
    assertArrayEquals(new float[] {(float) Math.log1p(1000), 0f}, features(l, "1", "1000", "a"));
    assertArrayEquals(new float[] {0f, 0f}, features(l, "1", "-5", "a"));

    EtlConfig clipped =
        etl(
            EtlConfig.NormalizeMethod.NONE,
            EtlConfig.LogMode.NONE,
            true,
            50,
            EtlConfig.CategoricalImpute.MISSING_LEVEL,
            EtlConfig.CategoricalEncoding.INDEX);
    FittedTransform c = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, clipped, NULLS);
    // Quantiles of the present train values 1, 2, 3, 4 (before imputation).
    assertEquals(1.0, c.numeric().get(0).clipLower());
    assertEquals(3.0, c.numeric().get(0).clipUpper());
    assertArrayEquals(new float[] {3f, 0f}, features(c, "1", "100", "a"));
  }

  @Test
  void jsonRoundTripsAndUnknownVersionsAreRefused() {
    FittedTransform t =
        TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, standard(), NULLS);
    assertEquals(t, FittedTransform.fromJson(t.toJson(), "t.json"));
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                FittedTransform.fromJson(
                    t.toJson().replace("\"format_version\" : 2", "\"format_version\" : 99"),
                    "t.json"));
    assertEquals(
        "Transform t.json has format_version 99, but this dlpipe reads versions 1 to 2; rerun etl with this version",
        e.getMessage());
  }

  private static EtlConfig encoded(
      EtlConfig.NumericEncoding global,
      Map<String, EtlConfig.NumericEncoding> perColumn,
      int bins) {
    EtlConfig base = standard();
    EtlConfig.Normalize n =
        new EtlConfig.Normalize(
            EtlConfig.NormalizeMethod.STANDARDIZE,
            EtlConfig.LogMode.NONE,
            List.of(),
            0.5,
            global,
            perColumn,
            bins,
            2,
            1.0);
    return new EtlConfig(
        base.maxRejectRatio(),
        base.infer(),
        base.dedup(),
        base.impute(),
        base.clip(),
        n,
        base.categorical(),
        base.split(),
        base.write(),
        base.quantileRelativeError());
  }

  @Test
  void piecewiseLinearOnTrainQuantileBins() {
    FittedTransform t =
        TransformFitter.fit(
            train(),
            SPECS,
            List.of(),
            REGRESSION,
            encoded(EtlConfig.NumericEncoding.PIECEWISE_LINEAR, Map.of(), 4),
            NULLS);
    FittedTransform.NumericFeature x = t.numeric().get(0);
    // Quantiles 0, 1/4, 1/2, 3/4, 1 of the present train values 1, 2, 3, 4 are 1, 1, 2, 3, 4: the
    // repeated edge merges.
    assertEquals("piecewise-linear", x.encoding());
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0), x.bins());
    assertEquals(
        List.of("x:bin1", "x:bin2", "x:bin3", "c=a", "c=__missing__", "c=b", "c=c", "c=__other__"),
        t.featureNames());
    assertArrayEquals(new float[] {1f, 0.5f, 0f, 1, 0, 0, 0, 0}, features(t, "1", "2.5", "a"));
    // The first and last bins extend linearly beyond the train range.
    assertArrayEquals(
        new float[] {-1f, 0f, 0f}, java.util.Arrays.copyOf(features(t, "1", "0", "a"), 3));
    assertArrayEquals(
        new float[] {1f, 1f, 7f}, java.util.Arrays.copyOf(features(t, "1", "10", "a"), 3));
    // A missing cell is imputed with the median (2) first.
    assertArrayEquals(
        new float[] {1f, 0f, 0f}, java.util.Arrays.copyOf(features(t, "1", "NA", "a"), 3));
    assertEquals(t, FittedTransform.fromJson(t.toJson(), "t.json"));
  }

  @Test
  void periodicPerColumnIsTheScaledValueThenSeededSinesAndCosines() {
    FittedTransform t =
        TransformFitter.fit(
            train(),
            SPECS,
            List.of(),
            REGRESSION,
            encoded(
                EtlConfig.NumericEncoding.STANDARDIZE,
                Map.of("x", EtlConfig.NumericEncoding.PERIODIC),
                4),
            NULLS);
    FittedTransform.NumericFeature x = t.numeric().get(0);
    assertEquals("periodic", x.encoding());
    assertEquals(2, x.frequencies().size());
    assertEquals(
        x.frequencies(),
        TransformFitter.fit(
                train(),
                SPECS,
                List.of(),
                REGRESSION,
                encoded(EtlConfig.NumericEncoding.PERIODIC, Map.of(), 4),
                NULLS)
            .numeric()
            .get(0)
            .frequencies());
    assertEquals(
        List.of("x", "x:sin1", "x:cos1", "x:sin2", "x:cos2"), t.featureNames().subList(0, 5));
    double z = (4 - 2.4) / 1.1401754251;
    float[] f = features(t, "1", "4", "a");
    assertArrayEquals(
        new float[] {
          (float) z,
          (float) Math.sin(2 * Math.PI * x.frequencies().get(0) * z),
          (float) Math.cos(2 * Math.PI * x.frequencies().get(0) * z),
          (float) Math.sin(2 * Math.PI * x.frequencies().get(1) * z),
          (float) Math.cos(2 * Math.PI * x.frequencies().get(1) * z)
        },
        java.util.Arrays.copyOf(f, 5),
        1e-6f);
  }

  @Test
  void encodingColumnsMustBeNumeric() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TransformFitter.fit(
                    train(),
                    SPECS,
                    List.of(),
                    REGRESSION,
                    encoded(
                        EtlConfig.NumericEncoding.STANDARDIZE,
                        Map.of("c", EtlConfig.NumericEncoding.PERIODIC),
                        4),
                    NULLS));
    assertEquals(
        "etl.normalize.numeric-encoding-columns names 'c', which is not a numeric column; numeric columns: x",
        e.getMessage());
  }

  @Test
  void datesBecomeYearAndCyclicalParts() {
    String[] cols = {"y", "d", "t"};
    List<ColumnSpec> specs =
        List.of(
            new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""),
            ColumnSpec.of("d", ColumnRole.DATE, "declared", ""),
            ColumnSpec.of("t", ColumnRole.DATE, "declared", ""));
    Dataset<Row> raw =
        Frames.raw(
            cols,
            new String[] {"1", "2008-03-14", "2008-03-14T06:00:00"},
            new String[] {"2", "2010-03-14", "2010-03-14 18:00"},
            new String[] {"3", "NA", "2009-01-01T00:00:00Z"},
            new String[] {"4", "not a date", "2009-01-01T01:00:00+01:00"});
    Dataset<Row> v = RowValidator.validate(raw, specs, Task.REGRESSION, List.of(), true, NULLS);
    FittedTransform t = TransformFitter.fit(v, specs, List.of(), REGRESSION, standard(), NULLS);
    // Years 2008 and 2010 (the missing and the unparseable cell do not count): mean 2009, sample
    // std sqrt(2).
    assertEquals(
        new FittedTransform.DateFeature(
            "d", List.of("year", "month", "day-of-week", "day-of-year"), 2009.0, 1.41421356237),
        t.dates().get(0));
    assertEquals(
        List.of("year", "month", "day-of-week", "day-of-year", "hour"), t.dates().get(1).parts());
    assertEquals(
        List.of(
            "d:year",
            "d:month:sin",
            "d:month:cos",
            "d:day-of-week:sin",
            "d:day-of-week:cos",
            "d:day-of-year:sin",
            "d:day-of-year:cos",
            "t:year",
            "t:month:sin",
            "t:month:cos",
            "t:day-of-week:sin",
            "t:day-of-week:cos",
            "t:day-of-year:sin",
            "t:day-of-year:cos",
            "t:hour:sin",
            "t:hour:cos"),
        t.featureNames());
    float[] f = features3(t, cols, specs, "1", "2008-03-14", "2009-07-01T18:00:00");
    // 2008-03-14 is a Friday (day 5 of the ISO week), day 74 of its year.
    assertArrayEquals(
        new float[] {
          (float) (-1 / 1.41421356237),
          (float) Math.sin(2 * Math.PI * 2 / 12),
          (float) Math.cos(2 * Math.PI * 2 / 12),
          (float) Math.sin(2 * Math.PI * 4 / 7),
          (float) Math.cos(2 * Math.PI * 4 / 7),
          (float) Math.sin(2 * Math.PI * 73 / 365.25),
          (float) Math.cos(2 * Math.PI * 73 / 365.25)
        },
        java.util.Arrays.copyOf(f, 7),
        1e-6f);
    // 18:00 is three quarters of the day round; a missing or unparseable cell is 0 everywhere.
    assertEquals((float) Math.sin(2 * Math.PI * 0.75), f[14], 1e-6f);
    assertArrayEquals(
        new float[7], java.util.Arrays.copyOf(features3(t, cols, specs, "1", "NA", "garbage"), 7));
    assertEquals(t, FittedTransform.fromJson(t.toJson(), "t.json"));
  }

  private static float[] features3(
      FittedTransform t, String[] cols, List<ColumnSpec> specs, String... row) {
    Row r =
        t.apply(
                RowValidator.validate(
                    Frames.raw(cols, new String[][] {row}),
                    specs,
                    Task.REGRESSION,
                    List.of(),
                    true,
                    NULLS))
            .select(Columns.FEATURES)
            .first();
    List<Float> v = r.getList(0);
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  @Test
  void aFormatOneTransformStillLoadsAndAppliesAsItDid() throws Exception {
    String json =
        new String(
            TransformFitterTest.class
                .getResourceAsStream("/fixtures/transform-v1.json")
                .readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    FittedTransform t = FittedTransform.fromJson(json, "transform-v1.json");
    assertEquals(1, t.formatVersion());
    assertEquals(List.of(), t.dates());
    assertEquals(
        new FittedTransform.NumericFeature(
            "x", 2.0, null, null, false, "standardize", 2.4, 1.1401754251),
        t.numeric().get(0));
    assertEquals("standardize", t.numeric().get(0).encoding());
    assertEquals(
        List.of("x", "c=a", "c=__missing__", "c=b", "c=c", "c=__other__"), t.featureNames());
    assertArrayEquals(
        new float[] {(float) ((10 - 2.4) / 1.1401754251), 0, 0, 0, 0, 1},
        features(t, "1", "10", "zebra"));
  }
}
