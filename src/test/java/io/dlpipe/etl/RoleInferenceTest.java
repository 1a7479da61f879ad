package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.InputConfig;
import io.dlpipe.config.InputFormat;
import io.dlpipe.testing.Frames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RoleInferenceTest {
  private static final EtlConfig.Infer INFER = new EtlConfig.Infer(0.95, 0.98, 0);

  private static InputConfig input(Map<String, ColumnRole> declared, boolean infer) {
    return new InputConfig(
        "/x",
        InputFormat.CSV,
        true,
        ",",
        "\"",
        "\"",
        "UTF-8",
        List.of("", "NA"),
        declared,
        infer,
        Map.of());
  }

  @Test
  void decideFromStatistics() {
    assertEquals(
        ColumnSpec.of(
            "c",
            ColumnRole.IGNORE,
            "inferred",
            "empty: 0 of 500 cells present, 0 parse as numbers, 0 distinct"),
        RoleInference.decide("c", new RoleInference.Stats(500, 0, 0, 0, 0), INFER));
    assertEquals(
        ColumnSpec.of(
            "c",
            ColumnRole.IGNORE,
            "inferred",
            "constant: 500 of 500 cells present, 500 parse as numbers, 1 distinct"),
        RoleInference.decide("c", new RoleInference.Stats(500, 500, 500, 500, 1), INFER));
    assertEquals(
        ColumnSpec.of(
            "c",
            ColumnRole.IGNORE,
            "inferred",
            "id-like, one value per row: 500 of 500 cells present, 0 parse as numbers, 500 distinct"),
        RoleInference.decide("c", new RoleInference.Stats(500, 500, 0, 0, 500), INFER));
    assertEquals(
        ColumnSpec.of(
            "c",
            ColumnRole.IGNORE,
            "inferred",
            "id-like, one value per row: 500 of 500 cells present, 500 parse as numbers, 495 distinct"),
        RoleInference.decide("c", new RoleInference.Stats(500, 500, 500, 500, 495), INFER));
    // Unique but fractional numbers are measurements, not ids.
    assertEquals(
        "numeric",
        RoleInference.decide("c", new RoleInference.Stats(500, 500, 500, 10, 500), INFER).role());
    // Too few rows to call a column an id.
    assertEquals(
        "categorical",
        RoleInference.decide("c", new RoleInference.Stats(50, 50, 0, 0, 50), INFER).role());
    // 96% parse: numeric; the rest will be quarantined as unparseable.
    assertEquals(
        "numeric",
        RoleInference.decide("c", new RoleInference.Stats(100, 100, 96, 96, 40), INFER).role());
    assertEquals(
        "categorical",
        RoleInference.decide("c", new RoleInference.Stats(100, 100, 94, 94, 40), INFER).role());
    assertEquals(
        ColumnSpec.of(
            "c",
            ColumnRole.CATEGORICAL,
            "inferred",
            "integer codes with few levels: 100 of 100 cells present, 100 parse as numbers, 4 distinct"),
        RoleInference.decide(
            "c",
            new RoleInference.Stats(100, 100, 100, 100, 4),
            new EtlConfig.Infer(0.95, 0.98, 5)));
  }

  @Test
  void inferOnAFrameCountsExactly() {
    String[] cols = {"id", "y", "num", "cat", "const", "declared"};
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      rows.add(
          new String[] {
            "r" + i,
            String.valueOf(i),
            i % 10 == 0 ? "NA" : String.valueOf(i * 0.5),
            i % 3 == 0 ? " a" : "b ",
            "k",
            "7"
          });
    }
    rows.add(new String[] {"bad", "1", "1", "a", "k", "7", "bad,line"});
    Dataset<Row> raw = Frames.raw(cols, rows.toArray(new String[0][]));
    List<ColumnSpec> specs =
        RoleInference.infer(
            raw,
            Arrays.asList(cols),
            input(Map.of("declared", ColumnRole.CATEGORICAL), true),
            "y",
            INFER);
    assertEquals(
        List.of(
            ColumnSpec.of(
                "id",
                ColumnRole.IGNORE,
                "inferred",
                "id-like, one value per row: 120 of 120 cells present, 0 parse as numbers, 120 distinct"),
            new ColumnSpec("y", "target", "declared", "target.column"),
            ColumnSpec.of(
                "num",
                ColumnRole.NUMERIC,
                "inferred",
                "numbers: 108 of 120 cells present, 108 parse as numbers, 108 distinct"),
            ColumnSpec.of(
                "cat",
                ColumnRole.CATEGORICAL,
                "inferred",
                "text: 120 of 120 cells present, 0 parse as numbers, 2 distinct"),
            ColumnSpec.of(
                "const",
                ColumnRole.IGNORE,
                "inferred",
                "constant: 120 of 120 cells present, 0 parse as numbers, 1 distinct"),
            ColumnSpec.of("declared", ColumnRole.CATEGORICAL, "declared", "input.columns")),
        specs);
  }

  @Test
  void schemaChecksNameTheColumn() {
    List<String> cols = List.of("a", "b");
    DataException noTarget =
        assertThrows(
            DataException.class,
            () -> RoleInference.checkSchema(cols, input(Map.of(), true), "y", "", List.of()));
    assertEquals(
        "Schema mismatch: target column 'y' (target.column) is not in the input; columns found: a, b",
        noTarget.getMessage());
    DataException declared =
        assertThrows(
            DataException.class,
            () ->
                RoleInference.checkSchema(
                    cols, input(Map.of("c", ColumnRole.NUMERIC), true), "a", "", List.of()));
    assertEquals(
        "Schema mismatch: column 'c' declared in input.columns is not in the input; columns found: a, b",
        declared.getMessage());
    DataException undeclared =
        assertThrows(
            DataException.class,
            () -> RoleInference.checkSchema(cols, input(Map.of(), false), "a", "", List.of()));
    assertEquals(
        "Schema mismatch: input.infer-roles = false but these input columns have no role in input.columns: b",
        undeclared.getMessage());
    DataException id =
        assertThrows(
            DataException.class,
            () -> RoleInference.checkSchema(cols, input(Map.of(), true), "a", "pk", List.of()));
    assertEquals(
        "Schema mismatch: split id column 'pk' (etl.split.id-column) is not in the input; columns found: a, b",
        id.getMessage());
  }

  @Test
  void isoDatesAndTimestampsAreDatesEvenWithOneValuePerRow() {
    String[] cols = {"y", "day", "at", "code", "word"};
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String day = String.format("2008-%02d-%02d", 1 + i % 12, 1 + i % 28);
      String at = String.format("2009-05-%02dT%02d:%02d:00", 1 + i % 28, i % 24, i % 60);
      rows.add(
          new String[] {
            String.valueOf(i), i == 7 ? "NA" : day, at, "2008" + i, i % 2 == 0 ? "2008-01-01x" : "b"
          });
    }
    Dataset<Row> raw = Frames.raw(cols, rows.toArray(new String[0][]));
    List<ColumnSpec> specs =
        RoleInference.infer(raw, Arrays.asList(cols), input(Map.of(), true), "y", INFER);
    assertEquals(
        ColumnSpec.of(
            "day",
            ColumnRole.DATE,
            "inferred",
            "ISO dates: 149 of 150 cells present, 0 parse as numbers, 84 distinct, 149 parse as dates"),
        specs.get(1));
    assertEquals(
        ColumnSpec.of(
            "at",
            ColumnRole.DATE,
            "inferred",
            "ISO dates: 150 of 150 cells present, 0 parse as numbers, 150 distinct, 150 parse as dates"),
        specs.get(2));
    assertEquals("ignore", specs.get(3).role());
    assertEquals("categorical", specs.get(4).role());
    List<ColumnSpec> off =
        RoleInference.infer(
            raw,
            Arrays.asList(cols),
            input(Map.of(), true),
            "y",
            new EtlConfig.Infer(0.95, 0.98, 0, false));
    assertEquals("categorical", off.get(1).role());
    assertEquals("ignore", off.get(2).role());
  }

  @Test
  void dateParsingIsStrictIso() {
    DateParsing p = new DateParsing();
    assertEquals(java.time.LocalDateTime.of(2008, 3, 14, 0, 0), p.parse("2008-03-14"));
    assertEquals(java.time.LocalDateTime.of(2008, 3, 14, 9, 30), p.parse("2008-03-14T09:30"));
    assertEquals(
        java.time.LocalDateTime.of(2008, 3, 14, 9, 30, 5), p.parse("2008-03-14 09:30:05.123"));
    assertEquals(
        java.time.LocalDateTime.of(2008, 3, 14, 7, 30), p.parse("2008-03-14T09:30:00+02:00"));
    assertEquals(java.time.LocalDateTime.of(2008, 3, 14, 9, 30), p.parse("2008-03-14T09:30:00Z"));
    assertEquals(null, p.parse("2008-02-30"));
    assertEquals(null, p.parse("14/03/2008"));
    assertEquals(null, p.parse("20080314"));
    assertEquals(null, p.parse("2008-03-14T25:00"));
    assertEquals(null, p.parse(null));
  }

  @Test
  void distinctSketchIsExactUpToItsLimitThenWithinItsErrorBound() {
    DistinctSketch a = new DistinctSketch();
    DistinctSketch b = new DistinctSketch();
    for (int i = 0; i < 600; i++) {
      a.add("v" + i);
      b.add("v" + (i + 300));
    }
    assertEquals(600, a.count());
    assertEquals(900, a.merge(b).count());
    DistinctSketch big = new DistinctSketch();
    DistinctSketch other = new DistinctSketch();
    for (int i = 0; i < 200_000; i++) {
      (i % 2 == 0 ? big : other).add("id-" + i);
      big.add("id-" + (i % 50));
    }
    long estimate = big.merge(other).count();
    // Deterministic (a fixed hash), and within the documented 1% of the true 200,000.
    assertEquals(199_725, estimate);
    assertTrue(Math.abs(estimate - 200_000) < 0.01 * 200_000, "estimate " + estimate);
  }

  @Test
  void momentsMergeInAnyOrderAsOneStream() {
    double[] xs = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9};
    Moments all = new Moments();
    Moments left = new Moments();
    Moments right = new Moments();
    for (int i = 0; i < xs.length; i++) {
      all.add(xs[i]);
      (i < 6 ? left : right).add(xs[i]);
    }
    Moments merged = new Moments().merge(right).merge(left);
    assertEquals(xs.length, merged.n);
    assertEquals(all.mean, merged.mean, 1e-12);
    assertEquals(all.stddev(), merged.stddev(), 1e-12);
    assertEquals(all.skewness(), merged.skewness(), 1e-12);
    // Direct formulas: mean 5.1333..., sample variance 8.2667 (= 124 / 15 ... / 14).
    double mean = java.util.Arrays.stream(xs).average().orElseThrow();
    double m2 = java.util.Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum();
    double m3 = java.util.Arrays.stream(xs).map(x -> Math.pow(x - mean, 3)).sum();
    assertEquals(Math.sqrt(m2 / 14), merged.stddev(), 1e-12);
    assertEquals(Math.sqrt(15) * m3 / Math.pow(m2, 1.5), merged.skewness(), 1e-12);
    assertEquals(1.0, merged.min);
    assertEquals(9.0, merged.max);
    Moments imputed = new Moments().merge(all);
    imputed.addRepeated(5.0, 5);
    Moments direct = new Moments();
    for (double x : xs) {
      direct.add(x);
    }
    for (int i = 0; i < 5; i++) {
      direct.add(5.0);
    }
    assertEquals(direct.mean, imputed.mean, 1e-12);
    assertEquals(direct.stddev(), imputed.stddev(), 1e-12);
  }
}
