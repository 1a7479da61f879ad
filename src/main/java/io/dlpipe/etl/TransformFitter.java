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
 * rows that reach the driver are the bounded vocabularies (at most top-k per column) and the
 * class labels (at most target.max-classes).
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
   * @param train validated good rows of the train split
   * @param classes classification: the fixed class order (see {@link #classes}); empty for regression
   */
  public static FittedTransform fit(Dataset<Row> train, List<ColumnSpec> specs, List<String> classes, TargetConfig target, EtlConfig etl, List<String> nullValues) {
    List<ColumnSpec> numericSpecs = specs.stream().filter(ColumnSpec::isNumeric).toList();
    List<ColumnSpec> categoricalSpecs = specs.stream().filter(ColumnSpec::isCategorical).toList();
    checkLogColumns(etl.normalize(), numericSpecs);

    FirstPass first = firstPass(train, numericSpecs, target.task(), etl, nullValues);
    List<FittedTransform.NumericFeature> unscaled = new ArrayList<>();
    for (ColumnSpec s : numericSpecs) {
      NumericMoments m = first.numeric.get(s.name());
      if (m.count == 0) {
        LOG.warn("Numeric column {} has no value on train; it is imputed with 0 and carries no information", s.name());
      }
      double impute = m.count == 0 ? 0.0 : round(etl.impute().numeric() == EtlConfig.NumericImpute.MEDIAN ? m.median : m.mean);
      Double lo = etl.clip().enabled() && m.count > 0 ? round(m.lower) : null;
      Double hi = etl.clip().enabled() && m.count > 0 ? round(m.upper) : null;
      boolean log = switch (etl.normalize().log()) {
        case NONE -> false;
        case LISTED -> etl.normalize().logColumns().contains(s.name());
        case AUTO -> m.count > 0 && m.min >= 0 && m.skewness > etl.normalize().logSkewThreshold();
      };
      String method = EnumNames.kebab(etl.normalize().method());
      unscaled.add(new FittedTransform.NumericFeature(s.name(), impute, lo, hi, log, method, 0.0, 1.0));
    }
    List<FittedTransform.NumericFeature> numeric = scale(train, unscaled, etl.normalize().method(), nullValues);
    List<FittedTransform.CategoricalFeature> categorical = vocabularies(train, categoricalSpecs, etl, nullValues);

    FittedTransform.LabelStats label = target.task() == Task.REGRESSION ? first.label : null;
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
        FittedTransform.featureNames(numeric, categorical));
  }

  /**
   * The class labels in index order: the declared target.classes, or the distinct labels of all
   * good rows sorted (labels are not features, so reading them from every split leaks nothing,
   * and a class absent from train still gets an index).
   */
  public static List<String> classes(Dataset<Row> good, TargetConfig target) {
    if (!target.classes().isEmpty()) {
      return target.classes();
    }
    List<Row> distinct = good.select(Columns.TARGET).where(functions.col(Columns.TARGET).isNotNull()).distinct().limit(target.maxClasses() + 1).collectAsList();
    if (distinct.size() > target.maxClasses()) {
      throw new DataException("Target column '" + target.column() + "' has more than " + target.maxClasses() + " distinct labels (target.max-classes); check target.column and target.task = classification");
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (Row r : distinct) {
      sorted.add(r.getString(0));
    }
    if (sorted.size() < 2) {
      throw new DataException("Target column '" + target.column() + "' has " + sorted.size() + " distinct label(s) " + sorted + "; classification needs at least 2");
    }
    return List.copyOf(sorted);
  }

  private static void checkLogColumns(EtlConfig.Normalize normalize, List<ColumnSpec> numericSpecs) {
    if (normalize.log() != EtlConfig.LogMode.LISTED) {
      return;
    }
    List<String> names = numericSpecs.stream().map(ColumnSpec::name).toList();
    for (String c : normalize.logColumns()) {
      if (!names.contains(c)) {
        throw new DataException("etl.normalize.log-columns names '" + c + "', which is not a numeric column; numeric columns: " + String.join(", ", names));
      }
    }
  }

  private record NumericMoments(long count, double mean, double median, double lower, double upper, double min, double skewness) {}

  private record FirstPass(Map<String, NumericMoments> numeric, FittedTransform.LabelStats label) {}

  /** Medians, clip quantiles, means, minimums and skewness of every numeric column: one pass. */
  private static FirstPass firstPass(Dataset<Row> train, List<ColumnSpec> numericSpecs, Task task, EtlConfig etl, List<String> nullValues) {
    int accuracy = (int) Math.min(Integer.MAX_VALUE, Math.round(1.0 / etl.quantileRelativeError()));
    Column quantiles = functions.array(functions.lit(0.5), functions.lit(etl.clip().lowerQuantile()), functions.lit(etl.clip().upperQuantile()));
    List<Column> aggs = new ArrayList<>();
    int k = 0;
    for (ColumnSpec s : numericSpecs) {
      Column x = functions.col("n").getItem(k++);
      aggs.add(functions.count(x));
      aggs.add(functions.avg(x));
      aggs.add(functions.percentile_approx(x, quantiles, functions.lit(accuracy)));
      aggs.add(functions.min(x));
      aggs.add(functions.skewness(x));
    }
    Column y = functions.col(Columns.TARGET);
    boolean regression = task == Task.REGRESSION;
    if (regression) {
      aggs.add(functions.avg(y));
      aggs.add(functions.stddev_samp(y));
      aggs.add(functions.min(y));
      aggs.add(functions.max(y));
    }
    aggs.add(functions.count(functions.lit(1)));
    // One projection parses every cell once; the aggregates read its elements.
    List<String> names = numericSpecs.stream().map(ColumnSpec::name).toList();
    Dataset<Row> parsed = train.select(ParsedCells.numbers(names, new RawParsing(nullValues)).as("n"), functions.col(Columns.TARGET));
    Row r = parsed.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    Map<String, NumericMoments> out = new LinkedHashMap<>();
    int i = 0;
    for (ColumnSpec s : numericSpecs) {
      long count = r.getLong(i);
      if (count == 0) {
        out.put(s.name(), new NumericMoments(0, 0, 0, 0, 0, 0, 0));
      } else {
        List<Double> q = r.getList(i + 2);
        double skew = r.isNullAt(i + 4) ? 0.0 : r.getDouble(i + 4);
        out.put(s.name(), new NumericMoments(count, r.getDouble(i + 1), q.get(0), q.get(1), q.get(2), r.getDouble(i + 3), Double.isNaN(skew) ? 0.0 : skew));
      }
      i += 5;
    }
    FittedTransform.LabelStats label = null;
    if (regression) {
      double std = r.isNullAt(i + 1) ? 0.0 : r.getDouble(i + 1);
      label = new FittedTransform.LabelStats(round(r.getDouble(i)), round(std), round(r.getDouble(i + 2)), round(r.getDouble(i + 3)));
    }
    return new FirstPass(out, label);
  }

  /** Center and scale, measured on the imputed, clipped and logged train values: one pass. */
  private static List<FittedTransform.NumericFeature> scale(Dataset<Row> train, List<FittedTransform.NumericFeature> unscaled, EtlConfig.NormalizeMethod method, List<String> nullValues) {
    if (unscaled.isEmpty() || method == EtlConfig.NormalizeMethod.NONE) {
      return unscaled;
    }
    FittedTransform probe = new FittedTransform(FittedTransform.FORMAT_VERSION, "", Task.REGRESSION, "", List.of(), null, nullValues, List.of(), unscaled, List.of(), List.of());
    // One projection computes every value once; the aggregates then read its elements.
    Dataset<Row> values = train.select(probe.numericColumn().as("v"));
    List<Column> aggs = new ArrayList<>();
    for (int j = 0; j < unscaled.size(); j++) {
      Column v = functions.col("v").getItem(j);
      aggs.add(functions.avg(v));
      aggs.add(functions.stddev_samp(v));
      aggs.add(functions.min(v));
      aggs.add(functions.max(v));
    }
    Row r = values.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    List<FittedTransform.NumericFeature> out = new ArrayList<>();
    for (int j = 0; j < unscaled.size(); j++) {
      FittedTransform.NumericFeature f = unscaled.get(j);
      int b = 4 * j;
      double center;
      double spread;
      if (method == EtlConfig.NormalizeMethod.STANDARDIZE) {
        center = r.isNullAt(b) ? 0.0 : r.getDouble(b);
        spread = r.isNullAt(b + 1) ? 0.0 : r.getDouble(b + 1);
      } else {
        center = r.isNullAt(b + 2) ? 0.0 : r.getDouble(b + 2);
        spread = r.isNullAt(b + 3) ? 0.0 : r.getDouble(b + 3) - center;
      }
      // A constant column on train keeps scale 1: dividing by 0 would turn it into NaN.
      double scaleBy = spread > 0 && !Double.isNaN(spread) ? round(spread) : 1.0;
      out.add(new FittedTransform.NumericFeature(f.name(), f.impute(), f.clipLower(), f.clipUpper(), f.log1p(), f.method(), round(center), scaleBy));
    }
    return out;
  }

  /**
   * Top-k levels of every categorical column by train frequency (ties broken by the level's
   * text), in one shuffle over (column, level) pairs rather than one job per column.
   */
  private static List<FittedTransform.CategoricalFeature> vocabularies(Dataset<Row> train, List<ColumnSpec> specs, EtlConfig etl, List<String> nullValues) {
    if (specs.isEmpty()) {
      return List.of();
    }
    boolean missingLevel = etl.impute().categorical() == EtlConfig.CategoricalImpute.MISSING_LEVEL;
    List<String> names = specs.stream().map(ColumnSpec::name).toList();
    Column texts = ParsedCells.texts(names, new RawParsing(nullValues), missingLevel ? FittedTransform.MISSING_LEVEL : null);
    Dataset<Row> counts =
        train.select(functions.posexplode(texts).as(new String[] {"c", "v"}))
            .where(functions.col("v").isNotNull())
            .groupBy("c", "v")
            .count()
            .where(functions.col("count").geq(etl.categorical().minCount()))
            .withColumn("rank", functions.row_number().over(Window.partitionBy("c").orderBy(functions.col("count").desc(), functions.col("v").asc())))
            .where(functions.col("rank").leq(etl.categorical().topK()));
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (ColumnSpec s : specs) {
      levels.put(s.name(), new ArrayList<>());
    }
    // Bounded: at most top-k rows per categorical column.
    for (Row r : counts.orderBy("c", "rank").collectAsList()) {
      levels.get(names.get(r.getInt(0))).add(r.getString(1));
    }
    EtlConfig.CategoricalEncoding encoding = etl.categorical().encoding();
    List<FittedTransform.CategoricalFeature> out = new ArrayList<>();
    for (ColumnSpec s : specs) {
      List<String> vocab = levels.get(s.name());
      String missingAs = missingLevel || vocab.isEmpty() ? FittedTransform.MISSING_LEVEL : vocab.get(0);
      out.add(new FittedTransform.CategoricalFeature(s.name(), encoding, vocab, missingAs));
    }
    return out;
  }

  static double round(double d) {
    if (d == 0 || Double.isNaN(d) || Double.isInfinite(d)) {
      return d;
    }
    return new BigDecimal(d).round(DIGITS).doubleValue();
  }
}
