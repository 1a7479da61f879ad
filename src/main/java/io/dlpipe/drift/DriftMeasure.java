package io.dlpipe.drift;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.ScheduleConfig;
import io.dlpipe.etl.DriftReference;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Privacy;
import io.dlpipe.etl.RawParsing;
import io.dlpipe.eval.BundleScorer;
import io.dlpipe.input.InputReader;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Measures a day's data against a model's {@link DriftReference} in one pass: every row adds to
 * fixed-size bin counts per column (numeric bins + missing, vocabulary levels + other, unseen
 * cells), merged by {@code treeAggregate}. Only those counts reach the driver.
 */
public final class DriftMeasure {
  private DriftMeasure() {}

  /**
   * The day's rows as predict reads them ({@code input} of the config, with the privacy rules
   * applied), as text, after checking that every training column is there (exit code 3 otherwise).
   */
  public static Dataset<Row> dayRows(
      SparkSession spark, DlpipeConfig cfg, FittedTransform transform) {
    Dataset<Row> typed =
        Privacy.apply(InputReader.readTyped(spark, cfg.input()), cfg.privacy(), cfg.input(), false);
    BundleScorer.checkSchema(typed.schema(), transform, cfg.input().path());
    return InputReader.asText(typed);
  }

  /**
   * @param rows the day's rows, every feature column as text
   * @param transform the model's transform; must carry a drift reference
   * @param modelId the model's id, for the report
   * @param date the run date, for the report
   */
  public static DriftReport measure(
      Dataset<Row> rows,
      FittedTransform transform,
      String modelId,
      ScheduleConfig.Drift thresholds,
      String date) {
    DriftReference ref = transform.driftReference();
    if (ref == null) {
      throw new DataException(
          "The model's transform.json has no drift_reference (it was written before dlpipe measured drift); "
              + "retrain the model (run etl and train again) to measure drift against it");
    }
    List<DriftReference.NumericBins> numeric = ref.numeric();
    List<DriftReference.LevelShares> categorical = ref.categorical();
    int n = numeric.size();
    int k = categorical.size();
    double[][] edges = new double[n][];
    for (int i = 0; i < n; i++) {
      edges[i] = numeric.get(i).edgeArray();
    }
    List<Map<String, Integer>> levelIndex = new ArrayList<>();
    List<Set<String>> vocabularies = new ArrayList<>();
    boolean[] missingIsLevel = new boolean[k];
    Map<String, FittedTransform.CategoricalFeature> features = new HashMap<>();
    transform.categorical().forEach(f -> features.put(f.name(), f));
    for (int j = 0; j < k; j++) {
      DriftReference.LevelShares c = categorical.get(j);
      Map<String, Integer> index = new HashMap<>();
      for (int l = 0; l < c.levels().size(); l++) {
        index.put(c.levels().get(l), l);
      }
      levelIndex.add(index);
      vocabularies.add(new HashSet<>(c.levels()));
      FittedTransform.CategoricalFeature f = features.get(c.name());
      // As the vocabulary pass counted train: a missing cell is the __missing__ level only when the
      // transform imputes it as one.
      missingIsLevel[j] = f != null && FittedTransform.MISSING_LEVEL.equals(f.missingAs());
    }
    List<Column> cols = new ArrayList<>();
    numeric.forEach(b -> cols.add(Columns.col(b.name())));
    categorical.forEach(c -> cols.add(Columns.col(c.name())));
    // [i] numeric bins then missing; [n + j] levels then other; [n + k] unseen per categorical; [n
    // + k + 1] rows.
    long[][] zero = new long[n + k + 2][];
    for (int i = 0; i < n; i++) {
      zero[i] = new long[edges[i].length + 2];
    }
    for (int j = 0; j < k; j++) {
      zero[n + j] = new long[categorical.get(j).levels().size() + 1];
    }
    zero[n + k] = new long[k];
    zero[n + k + 1] = new long[1];
    RawParsing parsing = new RawParsing(transform.nullValues());
    Dataset<Row> selected =
        cols.isEmpty()
            ? rows.select(org.apache.spark.sql.functions.lit(""))
            : rows.select(cols.toArray(new Column[0]));
    long[][] counts =
        selected
            .javaRDD()
            .treeAggregate(
                zero,
                (acc, r) -> {
                  for (int i = 0; i < n; i++) {
                    Double v = parsing.number(r.getString(i));
                    acc[i][v == null ? edges[i].length + 1 : DriftReference.bin(edges[i], v)]++;
                  }
                  for (int j = 0; j < k; j++) {
                    String text = parsing.text(r.getString(n + j));
                    String level =
                        text != null
                            ? text
                            : missingIsLevel[j] ? FittedTransform.MISSING_LEVEL : null;
                    Integer l = level == null ? null : levelIndex.get(j).get(level);
                    acc[n + j][l == null ? acc[n + j].length - 1 : l]++;
                    if (text != null && !vocabularies.get(j).contains(text)) {
                      acc[n + k][j]++;
                    }
                  }
                  acc[n + k + 1][0]++;
                  return acc;
                },
                (a, b) -> {
                  for (int x = 0; x < a.length; x++) {
                    for (int y = 0; y < a[x].length; y++) {
                      a[x][y] += b[x][y];
                    }
                  }
                  return a;
                });
    long dayRows = counts[n + k + 1][0];
    if (dayRows == 0) {
      throw new DataException("Input is empty: no rows to measure drift on for " + date);
    }
    DriftReport.Thresholds t =
        new DriftReport.Thresholds(
            thresholds.psiThreshold(), thresholds.unseenThreshold(), Psi.EPSILON);
    List<DriftReport.ColumnDrift> columns = new ArrayList<>();
    List<DriftReport.Crossing> crossed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DriftReference.NumericBins b = numeric.get(i);
      double[] expected = new double[edges[i].length + 2];
      double[] actual = new double[expected.length];
      List<DriftReport.Bin> bins = new ArrayList<>();
      for (int x = 0; x < expected.length; x++) {
        expected[x] = x <= edges[i].length ? b.shares().get(x) : b.missingShare();
        actual[x] = (double) counts[i][x] / dayRows;
        bins.add(new DriftReport.Bin(numericLabel(edges[i], x), expected[x], actual[x]));
      }
      double psi = Psi.of(expected, actual);
      columns.add(new DriftReport.ColumnDrift(b.name(), "numeric", psi, null, bins));
      if (psi > t.psi()) {
        crossed.add(new DriftReport.Crossing(b.name(), "psi", psi, t.psi()));
      }
    }
    for (int j = 0; j < k; j++) {
      DriftReference.LevelShares c = categorical.get(j);
      int m = c.levels().size();
      double[] expected = new double[m + 1];
      double[] actual = new double[m + 1];
      List<DriftReport.Bin> bins = new ArrayList<>();
      for (int x = 0; x <= m; x++) {
        expected[x] = x < m ? c.shares().get(x) : c.otherShare();
        actual[x] = (double) counts[n + j][x] / dayRows;
        bins.add(
            new DriftReport.Bin(
                x < m ? c.levels().get(x) : FittedTransform.OTHER_LEVEL, expected[x], actual[x]));
      }
      double psi = Psi.of(expected, actual);
      double unseen = (double) counts[n + k][j] / dayRows;
      columns.add(new DriftReport.ColumnDrift(c.name(), "categorical", psi, unseen, bins));
      if (psi > t.psi()) {
        crossed.add(new DriftReport.Crossing(c.name(), "psi", psi, t.psi()));
      }
      if (unseen > t.unseenShare()) {
        crossed.add(new DriftReport.Crossing(c.name(), "unseen_share", unseen, t.unseenShare()));
      }
    }
    crossed.sort(
        Comparator.comparingDouble((DriftReport.Crossing x) -> x.value() / x.threshold())
            .reversed());
    return new DriftReport(
        date,
        modelId,
        dayRows,
        ref.trainRows(),
        t,
        !crossed.isEmpty(),
        verdict(crossed, columns),
        crossed,
        columns);
  }

  /** Which columns crossed which threshold, or the largest values when none did. */
  static String verdict(List<DriftReport.Crossing> crossed, List<DriftReport.ColumnDrift> columns) {
    if (!crossed.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (DriftReport.Crossing c : crossed) {
        parts.add(
            String.format(
                Locale.ROOT, "%s %s %.4f > %s", c.column(), c.measure(), c.value(), c.threshold()));
      }
      return "drift: " + String.join(", ", parts);
    }
    DriftReport.ColumnDrift maxPsi =
        columns.stream().max(Comparator.comparingDouble(DriftReport.ColumnDrift::psi)).orElse(null);
    if (maxPsi == null) {
      return "no drift: no numeric or categorical column to measure";
    }
    return String.format(
        Locale.ROOT, "no drift: largest psi %.4f (%s)", maxPsi.psi(), maxPsi.column());
  }

  private static String numericLabel(double[] edges, int x) {
    if (x == edges.length + 1) {
      return "missing";
    }
    if (edges.length == 0) {
      return "present";
    }
    if (x == 0) {
      return "<= " + fmt(edges[0]);
    }
    if (x == edges.length) {
      return "> " + fmt(edges[edges.length - 1]);
    }
    return "(" + fmt(edges[x - 1]) + ", " + fmt(edges[x]) + "]";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
