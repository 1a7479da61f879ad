package io.dlpipe.etl;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
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
 * @param featureNames the name of each dimension of the feature vector, in vector order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FittedTransform(
    int formatVersion,
    String inputFingerprint,
    String task,
    String targetColumn,
    List<String> classes,
    LabelStats labelStats,
    List<String> nullValues,
    List<ColumnSpec> columns,
    List<NumericFeature> numeric,
    List<CategoricalFeature> categorical,
    List<String> featureNames) {

  /** The version this build writes and reads. Bump it when the meaning of a field changes. */
  public static final int FORMAT_VERSION = 1;
  /** The level that stands for a missing cell when etl.impute.categorical = missing-level. */
  public static final String MISSING_LEVEL = "__missing__";
  /** The bucket of rare and unseen levels. */
  public static final String OTHER_LEVEL = "__other__";

  private static final ObjectMapper JSON = io.dlpipe.io.Json.MAPPER;

  /**
   * A fitted numeric feature: {@code x -> coalesce(x, impute) -> clip -> log1p? -> (x - center) / scale}.
   *
   * @param name column name
   * @param impute value for a missing cell (train median or mean)
   * @param clipLower lower clip bound (train quantile), null when clipping is off
   * @param clipUpper upper clip bound, null when clipping is off
   * @param log1p whether {@code log1p(max(x, 0))} is applied before scaling
   * @param method standardize | min-max | none
   * @param center subtracted before scaling (train mean or minimum, or 0)
   * @param scale divisor (train standard deviation or range, or 1; never 0)
   */
  public record NumericFeature(String name, double impute, Double clipLower, Double clipUpper, boolean log1p, String method, double center, double scale) {}

  /**
   * A fitted categorical feature.
   *
   * @param name column name
   * @param encoding one-hot (a dimension per level, plus {@value #OTHER_LEVEL}) or index (one dimension)
   * @param levels the vocabulary, most frequent on train first
   * @param missingAs the level a missing cell takes: {@value #MISSING_LEVEL} or the most frequent level
   */
  public record CategoricalFeature(String name, String encoding, List<String> levels, String missingAs) {
    public CategoricalFeature {
      levels = List.copyOf(levels);
    }

    int width() {
      return encoding.equals("one-hot") ? levels.size() + 1 : 1;
    }
  }

  /** Statistics of the regression target on train. */
  public record LabelStats(double mean, double std, double min, double max) {}

  public FittedTransform {
    classes = List.copyOf(classes);
    nullValues = List.copyOf(nullValues);
    columns = List.copyOf(columns);
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
    featureNames = List.copyOf(featureNames);
  }

  /** Number of dimensions of the feature vector. */
  public int featureCount() {
    return featureNames.size();
  }

  /** SHA-256 of the schema's names and roles: two transforms fitted on the same input layout agree on it. */
  public static String fingerprint(List<ColumnSpec> columns) {
    StringBuilder canonical = new StringBuilder();
    for (ColumnSpec c : columns) {
      canonical.append(c.name()).append('\u0000').append(c.role()).append('\n');
    }
    return Digests.sha256(canonical.toString());
  }

  /** The feature names in vector order: numeric features, then each categorical feature's dimensions. */
  static List<String> featureNames(List<NumericFeature> numeric, List<CategoricalFeature> categorical) {
    List<String> names = new ArrayList<>();
    for (NumericFeature f : numeric) {
      names.add(f.name());
    }
    for (CategoricalFeature f : categorical) {
      if (f.encoding().equals("one-hot")) {
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
    return validated.withColumn(Columns.FEATURES, featuresColumn()).withColumn(Columns.LABEL, labelColumn());
  }

  /**
   * Feature order: numeric columns first, then categorical columns, each group in input order;
   * {@link #featureNames} follows the same order.
   */
  Column featuresColumn() {
    FeatureEncoder encoder = new FeatureEncoder(numeric, categorical, new RawParsing(nullValues));
    UserDefinedFunction udf =
        functions.udf((UDF1<Row, float[]>) encoder::encode, DataTypes.createArrayType(DataTypes.FloatType, false)).asNonNullable();
    return udf.apply(parsedCells());
  }

  /**
   * The per-row function behind {@link #apply}: a row of the raw numeric cells (in {@link #numeric}
   * order) followed by the raw categorical cells, to the feature vector. For code that scores one
   * row at a time (the SQL function in {@code io.dlpipe.ml}).
   */
  public UDF1<Row, float[]> rowEncoder() {
    FeatureEncoder encoder = new FeatureEncoder(numeric, categorical, new RawParsing(nullValues));
    return encoder::encode;
  }

  /** The numeric features only, imputed, clipped and logged, in double precision: what the scaling is fitted on. */
  Column numericColumn() {
    FeatureEncoder encoder = new FeatureEncoder(numeric, List.of(), new RawParsing(nullValues));
    UserDefinedFunction udf = functions.udf((UDF1<Row, double[]>) encoder::encodeNumeric, DataTypes.createArrayType(DataTypes.DoubleType, false));
    return udf.apply(parsedCells());
  }

  /** A struct of the raw numeric cells, then the raw categorical cells. */
  private Column parsedCells() {
    List<String> names = new ArrayList<>();
    numeric.forEach(f -> names.add(f.name()));
    categorical.forEach(f -> names.add(f.name()));
    return ParsedCells.struct(names);
  }

  Column labelColumn() {
    Column target = functions.col(Columns.TARGET);
    if (task.equals("regression")) {
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

  /** Reads {@code transform.json}, refusing a format version this build does not know. */
  public static FittedTransform fromJson(String json, String where) {
    int version;
    try {
      version = JSON.readTree(json).path("format_version").asInt(-1);
    } catch (JsonProcessingException e) {
      throw new DataException("Transform " + where + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (version != FORMAT_VERSION) {
      throw new DataException("Transform " + where + " has format_version " + version + ", but this dlpipe reads version " + FORMAT_VERSION + "; rerun etl with this version");
    }
    try {
      return JSON.readValue(json, FittedTransform.class);
    } catch (JsonProcessingException e) {
      throw new DataException("Transform " + where + " is not a valid dlpipe transform: " + e.getOriginalMessage(), e);
    }
  }
}
