package io.dlpipe.etl;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.config.EtlConfig.CategoricalEncoding;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Everything fitted on the train split, and the one implementation that applies it. ETL applies it
 * to train, validation and test; batch prediction reads it back from {@code transform.json} and
 * applies it to new raw data through the same {@link #apply} method, so the two can never drift.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; readers refuse versions they do not know
 * @param inputFingerprint SHA-256 of the input schema (column names and roles, in order)
 * @param task {@code regression} or {@code classification}
 * @param targetColumn the target's name in the raw data
 * @param classes classification: label {@code i} is {@code classes[i]}; empty for regression
 * @param labelStats regression: the train target's statistics (the trainer standardizes with them)
 * @param nullValues cell texts that mean missing
 * @param columns the input schema with roles
 * @param numeric fitted statistics of each numeric feature, in input order
 * @param categorical fitted vocabulary of each categorical feature, in input order
 * @param dates the derivation of each date column, in input order (absent before format 2)
 * @param featureNames the name of each dimension of the feature vector, in vector order
 * @param driftReference the train distribution of each numeric and categorical feature, for drift
 *     measurement; absent (null) in transforms written before it existed
 * @param splitRule how etl assigned rows to train, validation and test; absent (null) in transforms
 *     written by the rule that hashed the target too, whose prepared splits {@code run} re-prepares
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FittedTransform(
    int formatVersion,
    String inputFingerprint,
    Task task,
    String targetColumn,
    List<String> classes,
    LabelStats labelStats,
    List<String> nullValues,
    List<ColumnSpec> columns,
    List<NumericFeature> numeric,
    List<CategoricalFeature> categorical,
    List<DateFeature> dates,
    List<String> featureNames,
    DriftReference driftReference,
    SplitRule splitRule) {

  /**
   * The version this build writes. Bump it when the meaning of a field changes. Version 2 added
   * numeric encodings and date features; a version 1 file reads as standardized numbers and no
   * dates, which is exactly what it meant.
   */
  public static final int FORMAT_VERSION = 2;

  /** The oldest version this build still reads. */
  public static final int OLDEST_READABLE_VERSION = 1;

  /** The level that stands for a missing cell when etl.impute.categorical = missing-level. */
  public static final String MISSING_LEVEL = "__missing__";

  /** The bucket of rare and unseen levels. */
  public static final String OTHER_LEVEL = "__other__";

  private static final ObjectMapper JSON = io.dlpipe.io.Json.MAPPER;

  /**
   * A fitted numeric feature: {@code x -> coalesce(x, impute) -> clip -> log1p? -> v}, then by
   * {@code encoding}: {@code standardize} gives one dimension {@code (v - center) / scale}; {@code
   * piecewise-linear} gives {@code bins.size() - 1} dimensions, dimension t being 0 below bin t, 1
   * above it and the fraction of the bin inside it (the first and last bins extend linearly beyond
   * the train range); {@code periodic} gives {@code z = (v - center) / scale} followed by {@code
   * sin(2 pi f z), cos(2 pi f z)} for each frequency f.
   *
   * @param name column name
   * @param impute value for a missing cell (train median or mean)
   * @param clipLower lower clip bound (train quantile), null when clipping is off
   * @param clipUpper upper clip bound, null when clipping is off
   * @param log1p whether {@code log1p(max(x, 0))} is applied before scaling
   * @param method standardize | min-max | none
   * @param center subtracted before scaling (train mean or minimum, or 0)
   * @param scale divisor (train standard deviation or range, or 1; never 0)
   * @param encoding standardize | piecewise-linear | periodic (absent in format 1: standardize)
   * @param bins piecewise-linear: the strictly increasing bin edges, train quantiles of v
   * @param frequencies periodic: the frequencies f
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NumericFeature(
      String name,
      double impute,
      Double clipLower,
      Double clipUpper,
      boolean log1p,
      String method,
      double center,
      double scale,
      String encoding,
      List<Double> bins,
      List<Double> frequencies) {
    public static final String STANDARDIZE = "standardize";
    public static final String PIECEWISE_LINEAR = "piecewise-linear";
    public static final String PERIODIC = "periodic";

    public NumericFeature {
      encoding = encoding == null ? STANDARDIZE : encoding;
      bins = bins == null ? null : List.copyOf(bins);
      frequencies = frequencies == null ? null : List.copyOf(frequencies);
      if (!List.of(STANDARDIZE, PIECEWISE_LINEAR, PERIODIC).contains(encoding)) {
        throw new IllegalArgumentException(
            "numeric feature "
                + name
                + ": encoding must be standardize, piecewise-linear or periodic, was "
                + encoding);
      }
      if (encoding.equals(PIECEWISE_LINEAR) && (bins == null || bins.size() < 2)) {
        throw new IllegalArgumentException(
            "numeric feature "
                + name
                + ": piecewise-linear needs at least 2 bin edges, found "
                + bins);
      }
      if (encoding.equals(PERIODIC) && (frequencies == null || frequencies.isEmpty())) {
        throw new IllegalArgumentException(
            "numeric feature " + name + ": periodic needs at least one frequency");
      }
    }

    /** A standardized (one-dimensional) feature, as format 1 knew them. */
    public NumericFeature(
        String name,
        double impute,
        Double clipLower,
        Double clipUpper,
        boolean log1p,
        String method,
        double center,
        double scale) {
      this(
          name,
          impute,
          clipLower,
          clipUpper,
          log1p,
          method,
          center,
          scale,
          STANDARDIZE,
          null,
          null);
    }

    /** Number of dimensions of this feature in the vector. */
    int width() {
      return switch (encoding) {
        case PIECEWISE_LINEAR -> bins.size() - 1;
        case PERIODIC -> 1 + 2 * frequencies.size();
        default -> 1;
      };
    }
  }

  /**
   * The features derived from an ISO date or timestamp column: {@code year} as {@code (year -
   * yearCenter) / yearScale}, and each cyclical part as a sine and cosine pair (month over 12, day
   * of week over 7, day of year over 365.25, hour over 24), so December sits next to January. A
   * missing or unparseable cell gives 0 in every dimension: the train mean year, and the centre of
   * each circle.
   *
   * @param name column name
   * @param parts the derived parts, in vector order: {@code year}, {@code month}, {@code
   *     day-of-week}, {@code day-of-year}, and {@code hour} when train cells carry a time of day
   * @param yearCenter train mean of the year
   * @param yearScale train standard deviation of the year (1 when constant)
   */
  public record DateFeature(String name, List<String> parts, double yearCenter, double yearScale) {
    public static final List<String> ALL_PARTS =
        List.of("year", "month", "day-of-week", "day-of-year", "hour");

    public DateFeature {
      parts = List.copyOf(parts);
      for (String p : parts) {
        if (!ALL_PARTS.contains(p)) {
          throw new IllegalArgumentException(
              "date feature " + name + ": unknown part " + p + "; expected one of " + ALL_PARTS);
        }
      }
    }

    /** The names of this feature's dimensions. */
    List<String> dimensionNames() {
      List<String> out = new ArrayList<>();
      for (String p : parts) {
        if (p.equals("year")) {
          out.add(name + ":year");
        } else {
          out.add(name + ":" + p + ":sin");
          out.add(name + ":" + p + ":cos");
        }
      }
      return out;
    }
  }

  /**
   * A fitted categorical feature.
   *
   * @param name column name
   * @param encoding one-hot (a dimension per level, plus {@value #OTHER_LEVEL}) or index (one
   *     dimension)
   * @param levels the vocabulary, most frequent on train first
   * @param missingAs the level a missing cell takes: {@value #MISSING_LEVEL} or the most frequent
   *     level
   */
  public record CategoricalFeature(
      String name, CategoricalEncoding encoding, List<String> levels, String missingAs) {
    public CategoricalFeature {
      levels = List.copyOf(levels);
    }

    int width() {
      return encoding == CategoricalEncoding.ONE_HOT ? levels.size() + 1 : 1;
    }
  }

  /** Statistics of the regression target on train. */
  public record LabelStats(double mean, double std, double min, double max) {}

  /**
   * The rule that split the rows this transform was fitted on.
   *
   * @param rule {@code features-v2} (a seeded hash of the feature values) or {@code id-column-v2}
   *     (of etl.split.id-column); see {@link Splitter}
   * @param columns the columns hashed
   */
  public record SplitRule(String rule, List<String> columns) {
    public SplitRule {
      columns = List.copyOf(columns);
    }
  }

  /** A transform without a drift reference, as written before drift measurement existed. */
  public FittedTransform(
      int formatVersion,
      String inputFingerprint,
      Task task,
      String targetColumn,
      List<String> classes,
      LabelStats labelStats,
      List<String> nullValues,
      List<ColumnSpec> columns,
      List<NumericFeature> numeric,
      List<CategoricalFeature> categorical,
      List<DateFeature> dates,
      List<String> featureNames) {
    this(
        formatVersion,
        inputFingerprint,
        task,
        targetColumn,
        classes,
        labelStats,
        nullValues,
        columns,
        numeric,
        categorical,
        dates,
        featureNames,
        null,
        null);
  }

  /** A transform without a recorded split rule, as written before the rule was recorded. */
  public FittedTransform(
      int formatVersion,
      String inputFingerprint,
      Task task,
      String targetColumn,
      List<String> classes,
      LabelStats labelStats,
      List<String> nullValues,
      List<ColumnSpec> columns,
      List<NumericFeature> numeric,
      List<CategoricalFeature> categorical,
      List<DateFeature> dates,
      List<String> featureNames,
      DriftReference driftReference) {
    this(
        formatVersion,
        inputFingerprint,
        task,
        targetColumn,
        classes,
        labelStats,
        nullValues,
        columns,
        numeric,
        categorical,
        dates,
        featureNames,
        driftReference,
        null);
  }

  /** This transform with another drift reference (null: none). */
  public FittedTransform withDriftReference(DriftReference reference) {
    return new FittedTransform(
        formatVersion,
        inputFingerprint,
        task,
        targetColumn,
        classes,
        labelStats,
        nullValues,
        columns,
        numeric,
        categorical,
        dates,
        featureNames,
        reference,
        splitRule);
  }

  /** This transform with the split rule its train rows were chosen by. */
  public FittedTransform withSplitRule(SplitRule rule) {
    return new FittedTransform(
        formatVersion,
        inputFingerprint,
        task,
        targetColumn,
        classes,
        labelStats,
        nullValues,
        columns,
        numeric,
        categorical,
        dates,
        featureNames,
        driftReference,
        rule);
  }

  public FittedTransform {
    classes = List.copyOf(classes);
    nullValues = List.copyOf(nullValues);
    columns = List.copyOf(columns);
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
    dates = dates == null ? List.of() : List.copyOf(dates);
    featureNames = List.copyOf(featureNames);
  }

  /** Number of dimensions of the feature vector. */
  public int featureCount() {
    return featureNames.size();
  }

  /**
   * SHA-256 of the schema's names and roles: two transforms fitted on the same input layout agree
   * on it.
   */
  public static String fingerprint(List<ColumnSpec> columns) {
    StringBuilder canonical = new StringBuilder();
    for (ColumnSpec c : columns) {
      canonical.append(c.name()).append('\u0000').append(c.role()).append('\n');
    }
    return Digests.sha256(canonical.toString());
  }

  /**
   * The feature names in vector order: each numeric feature's dimensions, each date feature's, then
   * each categorical feature's.
   */
  static List<String> featureNames(
      List<NumericFeature> numeric, List<DateFeature> dates, List<CategoricalFeature> categorical) {
    List<String> names = new ArrayList<>();
    for (NumericFeature f : numeric) {
      if (f.width() == 1) {
        names.add(f.name());
      } else if (f.encoding().equals(NumericFeature.PIECEWISE_LINEAR)) {
        for (int t = 1; t <= f.width(); t++) {
          names.add(f.name() + ":bin" + t);
        }
      } else {
        names.add(f.name());
        for (int k = 1; k <= f.frequencies().size(); k++) {
          names.add(f.name() + ":sin" + k);
          names.add(f.name() + ":cos" + k);
        }
      }
    }
    for (DateFeature f : dates) {
      names.addAll(f.dimensionNames());
    }
    for (CategoricalFeature f : categorical) {
      if (f.encoding() == CategoricalEncoding.ONE_HOT) {
        for (String level : f.levels()) {
          names.add(f.name() + "=" + level);
        }
        names.add(f.name() + "=" + OTHER_LEVEL);
      } else {
        names.add(f.name());
      }
    }
    return names;
  }

  /**
   * Adds {@link Columns#FEATURES} (array&lt;float&gt; of {@link #featureCount()} values) and {@link
   * Columns#LABEL} (double: the target value, or the class index; null when the target is absent)
   * to a frame produced by {@link RowValidator#validate}. Row by row: no collect, nothing
   * materialized.
   */
  public Dataset<Row> apply(Dataset<Row> validated) {
    return validated
        .withColumn(Columns.FEATURES, featuresColumn())
        .withColumn(Columns.LABEL, labelColumn());
  }

  /**
   * Feature order: numeric columns first, then date columns, then categorical columns, each group
   * in input order; {@link #featureNames} follows the same order.
   */
  Column featuresColumn() {
    FeatureEncoder encoder =
        new FeatureEncoder(numeric, dates, categorical, new RawParsing(nullValues));
    UserDefinedFunction udf =
        functions
            .udf(
                (UDF1<Row, float[]>) encoder::encode,
                DataTypes.createArrayType(DataTypes.FloatType, false))
            .asNonNullable();
    return udf.apply(parsedCells());
  }

  /**
   * The per-row function behind {@link #apply}: a row of the raw numeric cells (in {@link #numeric}
   * order), then the raw date cells, then the raw categorical cells, to the feature vector. For
   * code that scores one row at a time (the SQL function in {@code io.dlpipe.ml}).
   */
  public UDF1<Row, float[]> rowEncoder() {
    FeatureEncoder encoder =
        new FeatureEncoder(numeric, dates, categorical, new RawParsing(nullValues));
    return encoder::encode;
  }

  /** A struct of the raw numeric cells, then the raw date cells, then the raw categorical cells. */
  private Column parsedCells() {
    List<String> names = new ArrayList<>();
    numeric.forEach(f -> names.add(f.name()));
    dates.forEach(f -> names.add(f.name()));
    categorical.forEach(f -> names.add(f.name()));
    return ParsedCells.struct(names);
  }

  /**
   * The input column each feature dimension comes from: the dimensions of each numeric, date and
   * categorical column, in vector order (for per-column importance).
   */
  public Map<String, int[]> dimensionsByColumn() {
    Map<String, int[]> out = new LinkedHashMap<>();
    int pos = 0;
    List<Map.Entry<String, Integer>> widths = new ArrayList<>();
    numeric.forEach(f -> widths.add(Map.entry(f.name(), f.width())));
    dates.forEach(f -> widths.add(Map.entry(f.name(), f.dimensionNames().size())));
    categorical.forEach(f -> widths.add(Map.entry(f.name(), f.width())));
    for (Map.Entry<String, Integer> w : widths) {
      int[] dims = new int[w.getValue()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = pos++;
      }
      out.put(w.getKey(), dims);
    }
    return out;
  }

  Column labelColumn() {
    Column target = functions.col(Columns.TARGET);
    if (task == Task.REGRESSION) {
      return target.cast(DataTypes.DoubleType);
    }
    Column idx = functions.lit(null).cast(DataTypes.DoubleType);
    for (int i = classes.size() - 1; i >= 0; i--) {
      idx = functions.when(target.equalTo(classes.get(i)), (double) i).otherwise(idx);
    }
    return idx;
  }

  /** This transform as the JSON of {@code transform.json}. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("transform is not serializable", e);
    }
  }

  /**
   * Reads {@code transform.json}, refusing a format version this build does not know. Older
   * versions load with the defaults their fields had then (see {@link #FORMAT_VERSION}).
   */
  public static FittedTransform fromJson(String json, String where) {
    int version;
    try {
      version = JSON.readTree(json).path("format_version").asInt(-1);
    } catch (JsonProcessingException e) {
      throw new DataException(
          "Transform " + where + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
      throw new DataException(
          "Transform "
              + where
              + " has format_version "
              + version
              + ", but this dlpipe reads versions "
              + OLDEST_READABLE_VERSION
              + " to "
              + FORMAT_VERSION
              + "; rerun etl with this version");
    }
    try {
      return JSON.readValue(json, FittedTransform.class);
    } catch (JsonProcessingException e) {
      throw new DataException(
          "Transform " + where + " is not a valid dlpipe transform: " + e.getOriginalMessage(), e);
    }
  }
}
