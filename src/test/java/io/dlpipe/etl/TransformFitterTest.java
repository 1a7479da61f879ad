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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TransformFitterTest {
  private static final String[] COLS = {"y", "x", "c"};
  private static final List<ColumnSpec> SPECS =
      List.of(new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""), ColumnSpec.of("x", ColumnRole.NUMERIC, "declared", ""), ColumnSpec.of("c", ColumnRole.CATEGORICAL, "declared", ""));
  private static final List<String> NULLS = List.of("", "NA");
  private static final TargetConfig REGRESSION = new TargetConfig("y", Task.REGRESSION, List.of(), 100);

  private static EtlConfig etl(EtlConfig.NormalizeMethod method, EtlConfig.LogMode log, boolean clip, int topK, EtlConfig.CategoricalImpute catImpute, EtlConfig.CategoricalEncoding encoding) {
    return new EtlConfig(0.05, new EtlConfig.Infer(0.95, 0.98, 0), new EtlConfig.Dedup(EtlConfig.DedupMode.REPORT, List.of()),
        new EtlConfig.Impute(EtlConfig.NumericImpute.MEDIAN, catImpute), new EtlConfig.Clip(clip, 0.25, 0.75),
        new EtlConfig.Normalize(method, log, List.of(), 0.5), new EtlConfig.Categorical(encoding, topK, 1), new EtlConfig.Split(0.8, 0.1, 0.1, 42, ""),
        new EtlConfig.Write(128, "snappy"), 0.0001);
  }

  private static EtlConfig standard() {
    return etl(EtlConfig.NormalizeMethod.STANDARDIZE, EtlConfig.LogMode.NONE, false, 50, EtlConfig.CategoricalImpute.MISSING_LEVEL, EtlConfig.CategoricalEncoding.ONE_HOT);
  }

  private static Dataset<Row> train() {
    return validated(Frames.raw(COLS, new String[] {"10", "1", "a"}, new String[] {"20", "2", "a"}, new String[] {"30", "3", "b"}, new String[] {"40", "4", ""}, new String[] {"50", "NA", "c"}));
  }

  private static Dataset<Row> validated(Dataset<Row> raw) {
    return RowValidator.validate(raw, SPECS, Task.REGRESSION, List.of(), true, NULLS);
  }

  private static float[] features(FittedTransform t, String... row) {
    Row r = t.apply(validated(Frames.raw(COLS, new String[][] {row}))).select(Columns.FEATURES).first();
    List<Float> v = r.getList(0);
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  @Test
  void standardizeWithMedianImputeAndOneHotWithMissingLevel() {
    FittedTransform t = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, standard(), NULLS);
    // x on train: 1, 2, 3, 4 and a missing cell imputed with the median, which Spark's
    // percentile_approx takes as an observed value (2); then mean 2.4, sample std sqrt(1.3).
    assertEquals(new FittedTransform.NumericFeature("x", 2.0, null, null, false, "standardize", 2.4, 1.1401754251), t.numeric().get(0));
    // Ties in frequency are broken by the level's text, so the order is stable.
    assertEquals(new FittedTransform.CategoricalFeature("c", io.dlpipe.config.EtlConfig.CategoricalEncoding.ONE_HOT, List.of("a", "__missing__", "b", "c"), "__missing__"), t.categorical().get(0));
    assertEquals(List.of("x", "c=a", "c=__missing__", "c=b", "c=c", "c=__other__"), t.featureNames());
    assertEquals(new FittedTransform.LabelStats(30.0, 15.8113883008, 10.0, 50.0), t.labelStats());
    assertArrayEquals(new float[] {(float) ((10 - 2.4) / 1.1401754251), 0, 0, 0, 0, 1}, features(t, "1", "10", "zebra"));
    assertArrayEquals(new float[] {(float) (-0.4 / 1.1401754251), 0, 1, 0, 0, 0}, features(t, "1", "NA", "NA"));
    assertArrayEquals(new float[] {(float) (-1.4 / 1.1401754251), 0, 0, 0, 1, 0}, features(t, "1", " 1 ", " c "));
  }

  @Test
  void labelIsTheTargetForRegressionAndTheClassIndexForClassification() {
    FittedTransform reg = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, standard(), NULLS);
    assertEquals(40.0, reg.apply(validated(Frames.raw(COLS, new String[] {"40", "1", "a"}))).select(Columns.LABEL).first().getDouble(0));
    TargetConfig cls = new TargetConfig("y", Task.CLASSIFICATION, List.of("good", "bad"), 100);
    Dataset<Row> raw = Frames.raw(COLS, new String[] {"bad", "1", "a"}, new String[] {"good", "2", "b"});
    Dataset<Row> v = RowValidator.validate(raw, SPECS, Task.CLASSIFICATION, cls.classes(), true, NULLS);
    FittedTransform t = TransformFitter.fit(v, SPECS, TransformFitter.classes(v, cls), cls, standard(), NULLS);
    assertEquals(List.of(1.0, 0.0), t.apply(v).select(Columns.LABEL).collectAsList().stream().map(r -> r.getDouble(0)).toList());
    assertEquals(null, t.labelStats());
  }

  @Test
  void classesAreSortedWhenNotDeclaredAndBounded() {
    Dataset<Row> raw = Frames.raw(COLS, new String[] {"b", "1", "a"}, new String[] {"a", "2", "b"}, new String[] {"c", "2", "b"}, new String[] {"a", "2", "b"});
    Dataset<Row> v = RowValidator.validate(raw, SPECS, Task.CLASSIFICATION, List.of(), true, NULLS);
    assertEquals(List.of("a", "b", "c"), TransformFitter.classes(v, new TargetConfig("y", Task.CLASSIFICATION, List.of(), 100)));
    DataException e = assertThrows(DataException.class, () -> TransformFitter.classes(v, new TargetConfig("y", Task.CLASSIFICATION, List.of(), 2)));
    assertEquals("Target column 'y' has more than 2 distinct labels (target.max-classes); check target.column and target.task = classification", e.getMessage());
  }

  @Test
  void minMaxLogAndClip() {
    EtlConfig cfg = etl(EtlConfig.NormalizeMethod.MIN_MAX, EtlConfig.LogMode.NONE, false, 2, EtlConfig.CategoricalImpute.MOST_FREQUENT, EtlConfig.CategoricalEncoding.INDEX);
    FittedTransform t = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, cfg, NULLS);
    assertEquals(new FittedTransform.NumericFeature("x", 2.0, null, null, false, "min-max", 1.0, 3.0), t.numeric().get(0));
    // Top-2 of the present levels; a missing cell takes the most frequent one; index encoding, "other" = 2.
    assertEquals(new FittedTransform.CategoricalFeature("c", io.dlpipe.config.EtlConfig.CategoricalEncoding.INDEX, List.of("a", "b"), "a"), t.categorical().get(0));
    assertArrayEquals(new float[] {1f, 0f}, features(t, "1", "4", "NA"));
    assertArrayEquals(new float[] {-1f / 3, 1f}, features(t, "1", "0", "b"));
    assertArrayEquals(new float[] {-1f / 3, 2f}, features(t, "1", "0", "c"));

    Dataset<Row> skewed = validated(Frames.raw(COLS, new String[] {"1", "0", "a"}, new String[] {"1", "0", "a"}, new String[] {"1", "0", "a"}, new String[] {"1", "1", "a"}, new String[] {"1", "1000", "a"}));
    EtlConfig logged = etl(EtlConfig.NormalizeMethod.NONE, EtlConfig.LogMode.AUTO, false, 50, EtlConfig.CategoricalImpute.MISSING_LEVEL, EtlConfig.CategoricalEncoding.INDEX);
    FittedTransform l = TransformFitter.fit(skewed, SPECS, List.of(), REGRESSION, logged, NULLS);
    assertEquals(true, l.numeric().get(0).log1p());
    assertArrayEquals(new float[] {(float) Math.log1p(1000), 0f}, features(l, "1", "1000", "a"));
    assertArrayEquals(new float[] {0f, 0f}, features(l, "1", "-5", "a"));

    EtlConfig clipped = etl(EtlConfig.NormalizeMethod.NONE, EtlConfig.LogMode.NONE, true, 50, EtlConfig.CategoricalImpute.MISSING_LEVEL, EtlConfig.CategoricalEncoding.INDEX);
    FittedTransform c = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, clipped, NULLS);
    // Quantiles of the present train values 1, 2, 3, 4 (before imputation).
    assertEquals(1.0, c.numeric().get(0).clipLower());
    assertEquals(3.0, c.numeric().get(0).clipUpper());
    assertArrayEquals(new float[] {3f, 0f}, features(c, "1", "100", "a"));
  }

  @Test
  void jsonRoundTripsAndUnknownVersionsAreRefused() {
    FittedTransform t = TransformFitter.fit(train(), SPECS, List.of(), REGRESSION, standard(), NULLS);
    assertEquals(t, FittedTransform.fromJson(t.toJson(), "t.json"));
    DataException e = assertThrows(DataException.class, () -> FittedTransform.fromJson(t.toJson().replace("\"format_version\" : 1", "\"format_version\" : 99"), "t.json"));
    assertEquals("Transform t.json has format_version 99, but this dlpipe reads version 1; rerun etl with this version", e.getMessage());
  }
}
