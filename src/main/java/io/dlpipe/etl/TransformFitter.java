package io.dlpipe.etl;

import io.dlpipe.DataException;
import io.dlpipe.config.EnumNames;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.TargetConfig;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the transform on the train split only. Validation and test never contribute a statistic:
 * normalizing them with their own statistics would leak information about held-out data into the
 * features, and make validation scores optimistic. Every statistic is a Spark aggregate; the only
 * rows that reach the driver are the bounded vocabularies (at most top-k per column) and the class
 * labels (at most target.max-classes).
 */
public final class TransformFitter {
  private static final Logger LOG = LoggerFactory.getLogger(TransformFitter.class);

  /**
   * Statistics are rounded to 12 significant digits: sums of doubles merged in a different order
   * differ in their last bits, and the rounded transform.json is then identical between runs.
   */
  private static final MathContext DIGITS = new MathContext(12);

  private TransformFitter() {}

  /**
   * Measures {@code train} with {@link #measure} and fits on it: for callers that hold the train
   * rows alone.
   *
   * @param train validated good rows of the train split
   * @param classes classification: the fixed class order (see {@link #classes}); empty for
   *     regression
   */
  public static FittedTransform fit(
      Dataset<Row> train,
      List<ColumnSpec> specs,
      List<String> classes,
      TargetConfig target,
      EtlConfig etl,
      List<String> nullValues) {
    return fit(
        measure(train, specs, target, etl, nullValues),
        train,
        specs,
        classes,
        target,
        etl,
        nullValues);
  }

  /**
   * The one aggregation over validated rows (see {@link FitStatistics}). Rows without a {@link
   * Columns#REASON} column count as good, rows without a {@link Columns#SPLIT} column as train.
   */
  static FitStatistics measure(
      Dataset<Row> rows,
      List<ColumnSpec> specs,
      TargetConfig target,
      EtlConfig etl,
      List<String> nullValues) {
    return measure(rows, RowMeasure.of(specs, target, etl, nullValues), specs);
  }

  private static FitStatistics measure(
      Dataset<Row> rows, RowMeasure measure, List<ColumnSpec> specs) {
    return OrderedAggregate.aggregate(
        rows.select(RowMeasure.columns(rows, specs).toArray(new Column[0])).javaRDD(),
        measure.zero(),
        measure::add,
        FitStatistics::merge);
  }

  /**
   * Fits the transform from the statistics of one {@link #measure} pass; {@code train} (the good
   * train rows) is read again only for the vocabularies (one shuffle of per-partition level counts)
   * and, when clipping is on, for the spread of the clipped values.
   */
  static FittedTransform fit(
      FitStatistics stats,
      Dataset<Row> train,
      List<ColumnSpec> specs,
      List<String> classes,
      TargetConfig target,
      EtlConfig etl,
      List<String> nullValues) {
    List<ColumnSpec> numericSpecs = specs.stream().filter(ColumnSpec::isNumeric).toList();
    List<ColumnSpec> dateSpecs = specs.stream().filter(ColumnSpec::isDate).toList();
    List<ColumnSpec> categoricalSpecs = specs.stream().filter(ColumnSpec::isCategorical).toList();
    checkLogColumns(etl.normalize(), numericSpecs);
    checkEncodingColumns(etl.normalize(), numericSpecs);

    List<FittedTransform.NumericFeature> unscaled = new ArrayList<>();
    for (int i = 0; i < numericSpecs.size(); i++) {
      ColumnSpec s = numericSpecs.get(i);
      Moments m = stats.numeric[i];
      if (m.n == 0) {
        LOG.warn(
            "Numeric column {} has no value on train; it is imputed with 0 and carries no information",
            s.name());
      }
      double impute =
          m.n == 0
              ? 0.0
              : round(
                  etl.impute().numeric() == EtlConfig.NumericImpute.MEDIAN
                      ? stats.quantile(i, 0.5)
                      : m.mean);
      Double lo =
          etl.clip().enabled() && m.n > 0
              ? round(stats.quantile(i, etl.clip().lowerQuantile()))
              : null;
      Double hi =
          etl.clip().enabled() && m.n > 0
              ? round(stats.quantile(i, etl.clip().upperQuantile()))
              : null;
      boolean log =
          switch (etl.normalize().log()) {
            case NONE -> false;
            case LISTED -> etl.normalize().logColumns().contains(s.name());
            case AUTO -> m.n > 0 && m.min >= 0 && m.skewness() > etl.normalize().logSkewThreshold();
          };
      String method = EnumNames.kebab(etl.normalize().method());
      unscaled.add(
          new FittedTransform.NumericFeature(s.name(), impute, lo, hi, log, method, 0.0, 1.0));
    }
    Moments[] spread =
        etl.clip().enabled()
            ? clippedMoments(train, unscaled, nullValues)
            : imputedMoments(stats, unscaled);
    List<FittedTransform.NumericFeature> numeric = new ArrayList<>();
    for (int i = 0; i < unscaled.size(); i++) {
      numeric.add(
          encode(scaled(unscaled.get(i), spread[i], etl.normalize().method()), stats, i, etl));
    }
    List<FittedTransform.DateFeature> dates = new ArrayList<>();
    for (int j = 0; j < dateSpecs.size(); j++) {
      dates.add(dateFeature(dateSpecs.get(j).name(), stats.years[j], stats.withTime[j]));
    }
    Map<String, List<Long>> levelCounts = new LinkedHashMap<>();
    List<FittedTransform.CategoricalFeature> categorical =
        vocabularies(stats, train, categoricalSpecs, etl, nullValues, levelCounts);

    FittedTransform.LabelStats label = null;
    if (target.task() == Task.REGRESSION) {
      Moments y = stats.label;
      checkRegressionTarget(y, target);
      double std = Double.isNaN(y.stddev()) ? 0.0 : y.stddev();
      label =
          y.n == 0
              ? new FittedTransform.LabelStats(0, 0, 0, 0)
              : new FittedTransform.LabelStats(
                  round(y.mean), round(std), round(y.min), round(y.max));
    }
    return new FittedTransform(
        FittedTransform.FORMAT_VERSION,
        FittedTransform.fingerprint(specs),
        target.task(),
        target.column(),
        classes,
        label,
        nullValues,
        specs,
        numeric,
        categorical,
        dates,
        FittedTransform.featureNames(numeric, dates, categorical),
        DriftReferenceFitter.fit(
            stats, numericSpecs.stream().map(ColumnSpec::name).toList(), categorical, levelCounts));
  }

  /**
   * The class labels in index order, as {@link #classes(FitStatistics, TargetConfig)} decides them,
   * from validated rows (labels are not features, so reading them from every split leaks nothing,
   * and a class absent from train still gets an index; rows without a split column count as train).
   */
  public static List<String> classes(Dataset<Row> good, TargetConfig target) {
    return classes(
        measure(good, new RowMeasure(List.of(), target, List.of(), null, 0, 0.01), List.of()),
        target);
  }

  /**
   * The class labels from the labels {@link #measure} collected (at most target.max-classes + 1),
   * in index order: declared or sorted, except that a binary task's positive class ({@link
   * #positiveClass}) is put at index 1, where every head, metric and threshold looks for it. Train
   * must hold at least two classes: a model fitted on one class predicts it for every row and has
   * no AUC (a scheduled day with one class used to replace a good model that way).
   */
  static List<String> classes(FitStatistics stats, TargetConfig target) {
    List<String> classes =
        target.classes().isEmpty() ? checkClasses(stats.labels, target) : target.classes();
    List<String> inTrain =
        classes.stream().filter(c -> stats.trainLabels.getOrDefault(c, 0L) > 0).toList();
    if (inTrain.size() == 1) {
      String only = inTrain.get(0);
      throw new DataException(
          "Target column '"
              + target.column()
              + "' holds one class on the train split, '"
              + only
              + "' ("
              + stats.trainLabels.get(only)
              + " rows): a classifier needs at least 2; check that the input holds every class ("
              + (classes.size() - 1)
              + " other(s) declared or seen: "
              + classes.stream().filter(c -> !c.equals(only)).toList()
              + ")");
    }
    if (classes.size() != 2) {
      if (target.positive().isPresent()) {
        throw new DataException(
            "target.positive-class = '"
                + target.positiveClass()
                + "' needs a binary task, but target column '"
                + target.column()
                + "' has "
                + classes.size()
                + " classes "
                + classes
                + "; unset target.positive-class");
      }
      return classes;
    }
    String positive = positiveClass(classes, stats.trainLabels, target);
    LOG.info(
        "Positive class: '{}' ({}; train rows per class {})",
        positive,
        target.positive().isPresent() ? "target.positive-class" : "the minority class of train",
        stats.trainLabels);
    return classes.get(1).equals(positive) ? classes : List.of(classes.get(1), classes.get(0));
  }

  /**
   * The positive class of a binary task: {@code target.positive-class} when given, else the class
   * with fewer train rows (the event a credit, fraud or failure model is for, as Spark's
   * StringIndexer orders it too), and on a tie the second of {@code classes} (declared, or sorted),
   * the rule before positive-class existed, so a balanced task keeps its meaning.
   */
  static String positiveClass(
      List<String> classes, Map<String, Long> trainCounts, TargetConfig target) {
    if (target.positive().isPresent()) {
      if (!classes.contains(target.positiveClass())) {
        throw new DataException(
            "target.positive-class = '"
                + target.positiveClass()
                + "' is not a class of target column '"
                + target.column()
                + "', whose classes are "
                + classes
                + "; fix target.positive-class");
      }
      return target.positiveClass();
    }
    long first = trainCounts.getOrDefault(classes.get(0), 0L);
    long second = trainCounts.getOrDefault(classes.get(1), 0L);
    return first < second ? classes.get(0) : classes.get(1);
  }

  private static List<String> checkClasses(TreeSet<String> sorted, TargetConfig target) {
    if (sorted.size() > target.maxClasses()) {
      throw new DataException(
          "Target column '"
              + target.column()
              + "' has more than "
              + target.maxClasses()
              + " distinct labels (target.max-classes); check target.column and target.task = classification");
    }
    if (sorted.size() < 2) {
      throw new DataException(
          "Target column '"
              + target.column()
              + "' has "
              + sorted.size()
              + " distinct label(s) "
              + sorted
              + "; classification needs at least 2");
    }
    return List.copyOf(sorted);
  }

  /**
   * A regression target must vary on train, and its spread must be a finite double: a constant
   * target leaves nothing to learn (R² is undefined: exit 0 with R² NaN before this check), and one
   * whose variance overflows (values beyond about 1e154) cannot be standardized, so training
   * diverged and blamed the learning rate. Both are facts of the data, so a data error.
   */
  static void checkRegressionTarget(Moments y, TargetConfig target) {
    if (y.n == 0) {
      return;
    }
    if (y.min == y.max) {
      throw new DataException(
          "Target column '"
              + target.column()
              + "' is constant on the train split (all "
              + y.n
              + " rows are "
              + y.min
              + "): there is nothing to learn and R² is undefined; check target.column and the input");
    }
    double largest = Math.max(Math.abs(y.min), Math.abs(y.max));
    if (!Double.isFinite(y.mean) || !Double.isFinite(y.stddev())) {
      throw new DataException(
          "Target column '"
              + target.column()
              + "' is too large to train on: its largest absolute value on the train split is "
              + largest
              + ", and its variance overflows a double (values must stay below about 1e154); rescale the target (divide it by a power of ten) in the input");
    }
  }

  private static void checkLogColumns(
      EtlConfig.Normalize normalize, List<ColumnSpec> numericSpecs) {
    if (normalize.log() != EtlConfig.LogMode.LISTED) {
      return;
    }
    List<String> names = numericSpecs.stream().map(ColumnSpec::name).toList();
    for (String c : normalize.logColumns()) {
      if (!names.contains(c)) {
        throw new DataException(
            "etl.normalize.log-columns names '"
                + c
                + "', which is not a numeric column; numeric columns: "
                + String.join(", ", names));
      }
    }
  }

  private static void checkEncodingColumns(
      EtlConfig.Normalize normalize, List<ColumnSpec> numericSpecs) {
    List<String> names = numericSpecs.stream().map(ColumnSpec::name).toList();
    for (String c : new TreeSet<>(normalize.encodingColumns().keySet())) {
      if (!names.contains(c)) {
        throw new DataException(
            "etl.normalize.numeric-encoding-columns names '"
                + c
                + "', which is not a numeric column; numeric columns: "
                + String.join(", ", names));
      }
    }
  }

  /**
   * Moments of each imputed and logged column over all train rows, without another pass: the
   * present values' moments (raw or after log1p) merged with one repeated value per missing cell.
   */
  private static Moments[] imputedMoments(
      FitStatistics stats, List<FittedTransform.NumericFeature> unscaled) {
    Moments[] out = new Moments[unscaled.size()];
    for (int i = 0; i < out.length; i++) {
      FittedTransform.NumericFeature f = unscaled.get(i);
      Moments m = new Moments().merge(f.log1p() ? stats.logged[i] : stats.numeric[i]);
      m.addRepeated(
          f.log1p() ? Math.log1p(Math.max(f.impute(), 0.0)) : f.impute(),
          stats.trainRows - stats.numeric[i].n);
      out[i] = m;
    }
    return out;
  }

  /** Clipping changes values non-linearly: one more aggregation measures the clipped values. */
  private static Moments[] clippedMoments(
      Dataset<Row> train, List<FittedTransform.NumericFeature> unscaled, List<String> nullValues) {
    int n = unscaled.size();
    Moments[] zero = new Moments[n];
    for (int i = 0; i < n; i++) {
      zero[i] = new Moments();
    }
    if (n == 0) {
      return zero;
    }
    RawParsing parsing = new RawParsing(nullValues);
    FeatureEncoder encoder = new FeatureEncoder(unscaled, List.of(), List.of(), parsing);
    List<Column> cols = new ArrayList<>();
    unscaled.forEach(f -> cols.add(Columns.col(f.name())));
    return OrderedAggregate.aggregate(
        train.select(cols.toArray(new Column[0])).javaRDD(),
        zero,
        (acc, r) -> {
          for (int i = 0; i < n; i++) {
            acc[i].add(encoder.unscaled(i, parsing.number(r.getString(i))));
          }
          return acc;
        },
        (a, b) -> {
          for (int i = 0; i < n; i++) {
            a[i].merge(b[i]);
          }
          return a;
        });
  }

  /** Center and scale, measured on the imputed, clipped and logged train values. */
  private static FittedTransform.NumericFeature scaled(
      FittedTransform.NumericFeature f, Moments m, EtlConfig.NormalizeMethod method) {
    if (method == EtlConfig.NormalizeMethod.NONE || m.n == 0) {
      return f;
    }
    double center;
    double spread;
    if (method == EtlConfig.NormalizeMethod.STANDARDIZE) {
      center = m.mean;
      spread = m.stddev();
    } else {
      center = m.min;
      spread = m.max - m.min;
    }
    // A constant column on train keeps scale 1: dividing by 0 would turn it into NaN.
    double scaleBy = spread > 0 && !Double.isNaN(spread) ? round(spread) : 1.0;
    return new FittedTransform.NumericFeature(
        f.name(),
        f.impute(),
        f.clipLower(),
        f.clipUpper(),
        f.log1p(),
        f.method(),
        round(center),
        scaleBy);
  }

  /**
   * The column's encoding. Piecewise-linear bins are the train quantiles of the present raw values
   * mapped through clipping and log1p: both are monotone, so quantiles commute with them and the
   * sketch of the first pass serves. Repeated edges (discrete columns) are merged; with fewer than
   * two edges left the column stays standardized.
   */
  private static FittedTransform.NumericFeature encode(
      FittedTransform.NumericFeature f, FitStatistics stats, int i, EtlConfig etl) {
    EtlConfig.NumericEncoding encoding = etl.normalize().encodingOf(f.name());
    if (encoding == EtlConfig.NumericEncoding.STANDARDIZE || stats.numeric[i].n == 0) {
      return f;
    }
    if (encoding == EtlConfig.NumericEncoding.PERIODIC) {
      return new FittedTransform.NumericFeature(
          f.name(),
          f.impute(),
          f.clipLower(),
          f.clipUpper(),
          f.log1p(),
          f.method(),
          f.center(),
          f.scale(),
          FittedTransform.NumericFeature.PERIODIC,
          null,
          frequencies(f.name(), etl));
    }
    int t = etl.normalize().bins();
    TreeSet<Double> edges = new TreeSet<>();
    for (int k = 0; k <= t; k++) {
      double q = stats.quantile(i, (double) k / t);
      double x =
          Math.min(
              Math.max(q, f.clipLower() == null ? q : f.clipLower()),
              f.clipUpper() == null ? q : f.clipUpper());
      edges.add(round(f.log1p() ? Math.log1p(Math.max(x, 0.0)) : x));
    }
    if (edges.size() < 2) {
      LOG.warn(
          "Numeric column {} has a single value on train; it stays standardized instead of piecewise-linear",
          f.name());
      return f;
    }
    return new FittedTransform.NumericFeature(
        f.name(),
        f.impute(),
        f.clipLower(),
        f.clipUpper(),
        f.log1p(),
        f.method(),
        f.center(),
        f.scale(),
        FittedTransform.NumericFeature.PIECEWISE_LINEAR,
        List.copyOf(edges),
        null);
  }

  /**
   * Seeded by etl.split.seed and the column's name: the same column gets the same frequencies on
   * every run.
   */
  private static List<Double> frequencies(String column, EtlConfig etl) {
    java.util.SplittableRandom r =
        new java.util.SplittableRandom(etl.split().seed() * 31 + DistinctSketch.hash(column));
    List<Double> out = new ArrayList<>();
    for (int k = 0; k < etl.normalize().periodicFrequencies(); k++) {
      double u1 = 1 - r.nextDouble();
      double u2 = r.nextDouble();
      out.add(
          round(
              etl.normalize().periodicSigma()
                  * Math.sqrt(-2 * Math.log(u1))
                  * Math.cos(2 * Math.PI * u2)));
    }
    return out;
  }

  private static FittedTransform.DateFeature dateFeature(
      String name, Moments years, long withTime) {
    if (years.n == 0) {
      LOG.warn("Date column {} has no parseable value on train; its features are constant", name);
    }
    List<String> parts = new ArrayList<>(FittedTransform.DateFeature.ALL_PARTS);
    if (withTime == 0) {
      parts.remove("hour");
    }
    double std = years.stddev();
    return new FittedTransform.DateFeature(
        name, parts, years.n == 0 ? 0.0 : round(years.mean), std > 0 ? round(std) : 1.0);
  }

  /**
   * Top-k levels of every categorical column by train frequency (ties broken by the level's text),
   * from the exact level counts of the statistics pass; only a column with more distinct levels
   * than those counts keep ({@link BoundedCounts}) costs one shuffle over (column, level) pairs of
   * train, for all such columns together.
   */
  private static List<FittedTransform.CategoricalFeature> vocabularies(
      FitStatistics stats,
      Dataset<Row> train,
      List<ColumnSpec> specs,
      EtlConfig etl,
      List<String> nullValues,
      Map<String, List<Long>> countsOut) {
    if (specs.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> levels = new LinkedHashMap<>();
    List<String> overflowed = new ArrayList<>();
    for (int j = 0; j < specs.size(); j++) {
      String name = specs.get(j).name();
      levels.put(name, new ArrayList<>());
      countsOut.put(name, new ArrayList<>());
      if (stats.levels.length <= j || stats.levels[j].overflowed()) {
        overflowed.add(name);
        continue;
      }
      List<Map.Entry<String, Long>> ranked =
          stats.levels[j].counts().entrySet().stream()
              .filter(e -> e.getValue() >= etl.categorical().minCount())
              .sorted(
                  Map.Entry.<String, Long>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.comparingByKey()))
              .limit(etl.categorical().topK())
              .toList();
      for (Map.Entry<String, Long> e : ranked) {
        levels.get(name).add(e.getKey());
        countsOut.get(name).add(e.getValue());
      }
    }
    if (!overflowed.isEmpty()) {
      LOG.info(
          "Vocabularies of {} from a shuffle of train: more distinct levels than the statistics pass counts",
          overflowed);
      shuffledVocabularies(train, overflowed, etl, nullValues, levels, countsOut);
    }
    boolean missingLevel = etl.impute().categorical() == EtlConfig.CategoricalImpute.MISSING_LEVEL;
    EtlConfig.CategoricalEncoding encoding = etl.categorical().encoding();
    List<FittedTransform.CategoricalFeature> out = new ArrayList<>();
    for (ColumnSpec s : specs) {
      List<String> vocab = levels.get(s.name());
      String missingAs =
          missingLevel || vocab.isEmpty() ? FittedTransform.MISSING_LEVEL : vocab.get(0);
      out.add(new FittedTransform.CategoricalFeature(s.name(), encoding, vocab, missingAs));
    }
    return out;
  }

  /** Top-k levels of the named columns by one shuffle of train's (column, level) counts. */
  private static void shuffledVocabularies(
      Dataset<Row> train,
      List<String> names,
      EtlConfig etl,
      List<String> nullValues,
      Map<String, List<String>> levels,
      Map<String, List<Long>> countsOut) {
    boolean missingLevel = etl.impute().categorical() == EtlConfig.CategoricalImpute.MISSING_LEVEL;
    Column texts =
        ParsedCells.texts(
            names, new RawParsing(nullValues), missingLevel ? FittedTransform.MISSING_LEVEL : null);
    Dataset<Row> counts =
        train
            .select(functions.posexplode(texts).as(new String[] {"c", "v"}))
            .where(functions.col("v").isNotNull())
            .groupBy("c", "v")
            .count()
            .where(functions.col("count").geq(etl.categorical().minCount()))
            .withColumn(
                "rank",
                functions
                    .row_number()
                    .over(
                        Window.partitionBy("c")
                            .orderBy(functions.col("count").desc(), functions.col("v").asc())))
            .where(functions.col("rank").leq(etl.categorical().topK()));
    // Bounded: at most top-k rows per categorical column.
    for (Row r : counts.orderBy("c", "rank").collectAsList()) {
      levels.get(names.get(r.getInt(0))).add(r.getString(1));
      // The train counts of the vocabulary: the drift reference's level shares.
      countsOut.get(names.get(r.getInt(0))).add(r.getLong(2));
    }
  }

  static double round(double d) {
    if (d == 0 || Double.isNaN(d) || Double.isInfinite(d)) {
      return d;
    }
    return new BigDecimal(d).round(DIGITS).doubleValue();
  }
}
