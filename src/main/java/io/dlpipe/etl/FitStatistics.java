package io.dlpipe.etl;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.util.QuantileSummaries;

/**
 * Everything ETL measures in its one aggregation over the validated rows, merged across partitions:
 * rows per quarantine reason and per split, the distinct class labels (bounded), and on the good
 * train rows the moments and a quantile sketch of every numeric column (raw and after {@code
 * log1p}), the year moments of every date column and the target's moments. One Java function per
 * row, whatever the width: the per-column aggregate expressions this replaces made 2,000 columns
 * take minutes to plan and compile. The quantile sketch is Spark's own {@link QuantileSummaries},
 * as {@code approxQuantile} and {@code percentile_approx} use.
 */
final class FitStatistics implements Serializable {
  private static final long serialVersionUID = 1L;

  final Map<String, Long> reasons = new TreeMap<>();
  final Map<String, Long> splits = new TreeMap<>();
  final TreeSet<String> labels = new TreeSet<>();

  /**
   * Good train rows per class label (as many labels as {@link #labels} keeps): what the default
   * positive class of a binary task and the one-class check are decided on.
   */
  final Map<String, Long> trainLabels = new TreeMap<>();

  private final int maxLabels;
  long trainRows;
  final Moments[] numeric;
  final Moments[] logged;
  final QuantileSummaries[] quantiles;
  final Moments[] years;
  final long[] withTime;
  final Moments label = new Moments();

  /** Physical lines of every record, and of the quarantined ones (the reject ratio's). */
  long lines;

  long quarantinedLines;

  /**
   * Train level counts of every categorical column (missing cells under the missing level, when
   * kept).
   */
  final BoundedCounts<String>[] levels;

  /**
   * Train counts of every numeric column's present values: exact drift bins for discrete columns.
   */
  final BoundedCounts<Double>[] values;

  /**
   * Distinct numeric values counted exactly per column; beyond, drift bins come from the quantile
   * sketch.
   */
  static final int VALUE_CAP = 1024;

  /**
   * @param numericColumns numeric columns measured on train
   * @param dateColumns date columns measured on train
   * @param relativeError of the quantile sketches
   * @param maxLabels distinct labels kept beyond which the target is too fine for classification
   */
  FitStatistics(int numericColumns, int dateColumns, double relativeError, int maxLabels) {
    this(numericColumns, dateColumns, 0, 0, relativeError, maxLabels);
  }

  /**
   * @param categoricalColumns categorical columns whose train levels are counted
   * @param levelCap distinct levels counted exactly per categorical column ({@link BoundedCounts})
   */
  @SuppressWarnings("unchecked")
  FitStatistics(
      int numericColumns,
      int dateColumns,
      int categoricalColumns,
      int levelCap,
      double relativeError,
      int maxLabels) {
    this.maxLabels = maxLabels;
    levels = new BoundedCounts[categoricalColumns];
    for (int j = 0; j < categoricalColumns; j++) {
      levels[j] = new BoundedCounts<>(levelCap);
    }
    values = new BoundedCounts[numericColumns];
    for (int i = 0; i < numericColumns; i++) {
      values[i] = new BoundedCounts<>(VALUE_CAP);
    }
    numeric = new Moments[numericColumns];
    logged = new Moments[numericColumns];
    quantiles = new QuantileSummaries[numericColumns];
    for (int i = 0; i < numericColumns; i++) {
      numeric[i] = new Moments();
      logged[i] = new Moments();
      quantiles[i] =
          new QuantileSummaries(
              QuantileSummaries.defaultCompressThreshold(),
              relativeError,
              new QuantileSummaries.Stats[0],
              0L,
              false);
    }
    years = new Moments[dateColumns];
    withTime = new long[dateColumns];
    for (int j = 0; j < dateColumns; j++) {
      years[j] = new Moments();
    }
  }

  /** Counts a row's reason (null: good) and split, and measures it when it is a good train row. */
  void count(String reason, String split) {
    if (reason != null) {
      reasons.merge(reason, 1L, Long::sum);
    } else if (split != null) {
      splits.merge(split, 1L, Long::sum);
    }
  }

  /** Remembers a good row's class label, up to one more than the most labels allowed. */
  void label(String text) {
    if (text != null && labels.size() <= maxLabels) {
      labels.add(text);
    }
  }

  /** Counts a good train row's class label (bounded like {@link #label}). */
  void trainLabel(String text) {
    if (text != null && (trainLabels.containsKey(text) || trainLabels.size() <= maxLabels)) {
      trainLabels.merge(text, 1L, Long::sum);
    }
  }

  /** Counts a record's physical lines, and whether it was quarantined. */
  void lines(int count, boolean quarantined) {
    lines += count;
    if (quarantined) {
      quarantinedLines += count;
    }
  }

  /** Counts a good train row's categorical levels (null: a missing cell not counted as a level). */
  void levels(String[] texts) {
    for (int j = 0; j < texts.length; j++) {
      if (texts[j] != null) {
        levels[j].add(texts[j]);
      }
    }
  }

  /** Measures one good train row: its parsed numeric cells, parsed date cells and target. */
  void measure(Double[] numbers, LocalDateTime[] dates, boolean[] dateHasTime, Double target) {
    trainRows++;
    for (int i = 0; i < numbers.length; i++) {
      Double d = numbers[i];
      if (d != null) {
        values[i].add(d);
        numeric[i].add(d);
        logged[i].add(Math.log1p(Math.max(d, 0.0)));
        quantiles[i] = quantiles[i].insert(d);
      }
    }
    for (int j = 0; j < dates.length; j++) {
      if (dates[j] != null) {
        years[j].add(dates[j].getYear());
        if (dateHasTime[j]) {
          withTime[j]++;
        }
      }
    }
    if (target != null) {
      label.add(target);
    }
  }

  FitStatistics merge(FitStatistics o) {
    o.reasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
    o.splits.forEach((k, v) -> splits.merge(k, v, Long::sum));
    for (String l : o.labels) {
      label(l);
    }
    o.trainLabels.forEach(
        (k, v) -> {
          if (trainLabels.containsKey(k) || trainLabels.size() <= maxLabels) {
            trainLabels.merge(k, v, Long::sum);
          }
        });
    trainRows += o.trainRows;
    lines += o.lines;
    quarantinedLines += o.quarantinedLines;
    for (int j = 0; j < levels.length; j++) {
      levels[j].merge(o.levels[j]);
    }
    for (int i = 0; i < numeric.length; i++) {
      values[i].merge(o.values[i]);
      numeric[i].merge(o.numeric[i]);
      logged[i].merge(o.logged[i]);
      quantiles[i] = quantiles[i].compress().merge(o.quantiles[i].compress());
    }
    for (int j = 0; j < years.length; j++) {
      years[j].merge(o.years[j]);
      withTime[j] += o.withTime[j];
    }
    label.merge(o.label);
    return this;
  }

  /** The q-quantile of numeric column i's present train values (NaN when it has none). */
  double quantile(int i, double q) {
    quantiles[i] = quantiles[i].compress();
    scala.Option<Object> v = quantiles[i].query(q);
    return v.isDefined() ? (Double) v.get() : Double.NaN;
  }

  /**
   * How many present train values of numeric column i are at most {@code v}: exact from the value
   * counts while the column has at most {@link #VALUE_CAP} distinct values, else from the quantile
   * sketch (within its relative error of the rank).
   */
  long countAtMost(int i, double v) {
    if (!values[i].overflowed()) {
      long c = 0;
      for (java.util.Map.Entry<Double, Long> e : values[i].counts().entrySet()) {
        if (e.getKey() <= v) {
          c += e.getValue();
        }
      }
      return c;
    }
    quantiles[i] = quantiles[i].compress();
    long c = 0;
    for (QuantileSummaries.Stats s : quantiles[i].sampled()) {
      if (s.value() <= v) {
        c += s.g();
      }
    }
    return c;
  }

  /** True when more distinct labels were seen than allowed. */
  boolean tooManyLabels() {
    return labels.size() > maxLabels;
  }
}
