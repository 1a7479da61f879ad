package io.dlpipe.eval;

import io.dlpipe.DataException;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.etl.ColumnSpec;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Privacy;
import io.dlpipe.etl.RowValidator;
import io.dlpipe.head.OutputHead;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one implementation of scoring a frame with a model bundle, behind {@code jobs/dlpipe predict}
 * ({@link PredictJob}) and the Spark ML model ({@code io.dlpipe.ml.DlpipeModel}, batch and
 * streaming): the schema-drift check, the privacy hashing of what the model reads, row validation
 * ({@link RowValidator}), the fitted transform ({@link FittedTransform#apply}), the network in
 * minibatches ({@link Scoring}) and the decoding into the prediction columns. The SQL function
 * scores one row at a time with the per-row forms of the same pieces.
 *
 * <p>It works in two steps so that predict can count and quarantine the rejected rows of the {@link
 * #validate validated} frame before the network runs (and stop on the reject ratio without scoring
 * anything), while the Spark ML model chains both into one lazy plan that keeps every row. The
 * caller's row rides through both steps untouched in one struct, so the output has the caller's
 * columns with their exact types, whatever the features were read as.
 */
public final class BundleScorer {
  /** The prediction: the value in the target's units, or the class label. */
  public static final String PREDICTION = Scoring.PREDICTION;

  /** Classification: one column per class, {@code probability_<class>}. */
  public static final String PROBABILITY_PREFIX = "probability_";

  /** The id of the model that scored the row. */
  public static final String MODEL_ID = "model_id";

  /** Holds the caller's row while the features are computed from text copies of its cells. */
  private static final String KEEP = Columns.INTERNAL_PREFIX + "input";

  private final ModelBundle bundle;
  private final Set<String> hashed;
  private final String salt;

  /**
   * @param bundle the model
   * @param privacy the privacy settings to apply to the features the model reads: those of the
   *     model's training ({@link ModelBundle#trainedPrivacy}) for a frame of raw values; null for a
   *     frame that {@link Privacy#apply} already made private (predict applies it to everything it
   *     reads, because it writes the rows back out)
   */
  public BundleScorer(ModelBundle bundle, PrivacyConfig privacy) {
    this.bundle = bundle;
    this.hashed = privacy == null ? Set.of() : Set.copyOf(privacy.hashColumns());
    this.salt = privacy == null ? "" : privacy.salt();
  }

  public ModelBundle bundle() {
    return bundle;
  }

  /**
   * The feature columns of training, checked against the input: each must be present, and a numeric
   * one must arrive as numbers or text. Stops with a {@link DataException} (exit code 3) naming the
   * column; the Spark ML model turns it into an {@code IllegalArgumentException}, the SQL function
   * into the row's error.
   */
  public static List<ColumnSpec> checkSchema(
      StructType schema, FittedTransform transform, String where) {
    List<ColumnSpec> features = new ArrayList<>();
    List<String> names = Arrays.asList(schema.fieldNames());
    for (ColumnSpec c : transform.columns()) {
      if (!c.isFeature()) {
        continue;
      }
      if (!names.contains(c.name())) {
        throw new DataException(
            "Schema drift: training column '"
                + c.name()
                + "' ("
                + c.role()
                + ") is missing from the input "
                + where
                + "; the model needs it");
      }
      DataType type = schema.apply(c.name()).dataType();
      boolean nested =
          type instanceof StructType || type instanceof ArrayType || type instanceof MapType;
      boolean compatible =
          c.isNumeric()
              ? type instanceof NumericType || type.equals(DataTypes.StringType)
              : c.isDate()
                  ? type.equals(DataTypes.StringType)
                      || type.equals(DataTypes.DateType)
                      || type.equals(DataTypes.TimestampType)
                  : !nested;
      if (!compatible) {
        throw new DataException(
            "Schema drift: training column '"
                + c.name()
                + "' was "
                + c.role()
                + " in training, but is "
                + type.simpleString()
                + " in the input "
                + where
                + "; the model cannot score it");
      }
      features.add(c);
    }
    return features;
  }

  /**
   * Step one: the caller's row kept in one struct, the feature cells as text (hashed where the
   * model was trained on hashes), and {@link Columns#REASON} / {@link Columns#DETAIL} naming why a
   * row cannot be scored (null when it can). {@link Columns#CORRUPT} and {@link Columns#SOURCE}
   * pass through when the frame has them (a file the CLI read), and are null otherwise. Lazy.
   */
  public Dataset<Row> validate(Dataset<Row> frame, String where) {
    StructType schema = frame.schema();
    List<ColumnSpec> features = checkSchema(schema, bundle.transform(), where);
    List<String> names = Arrays.asList(schema.fieldNames());
    List<Column> kept = new ArrayList<>();
    for (String name : names) {
      if (!name.startsWith(Columns.INTERNAL_PREFIX)) {
        kept.add(Columns.col(name));
      }
    }
    List<Column> cols = new ArrayList<>();
    cols.add(functions.struct(kept.toArray(new Column[0])).as(KEEP));
    // The transform reads text cells, as the CLI's reader hands them over.
    for (ColumnSpec f : features) {
      Column c = Columns.col(f.name());
      Column text =
          schema.apply(f.name()).dataType().equals(DataTypes.StringType)
              ? c
              : c.cast(DataTypes.StringType);
      if (hashed.contains(f.name())) {
        text =
            functions
                .udf(Privacy.hasher(salt, bundle.transform().nullValues()), DataTypes.StringType)
                .apply(text);
      }
      cols.add(text.as(f.name()));
    }
    for (String internal : List.of(Columns.CORRUPT, Columns.SOURCE)) {
      cols.add(
          names.contains(internal)
              ? functions.col(internal)
              : functions.lit(null).cast(DataTypes.StringType).as(internal));
    }
    FittedTransform t = bundle.transform();
    // The target is not checked: new data usually lacks it, and a stale value must not block
    // scoring.
    return RowValidator.validate(
        frame.select(cols.toArray(new Column[0])),
        features,
        t.task(),
        List.of(),
        false,
        t.nullValues());
  }

  /**
   * The quarantine table ({@link RowValidator#quarantine}) of the rows {@link #validate} rejected,
   * rendered from the caller's cells.
   */
  public Dataset<Row> quarantine(Dataset<Row> validated) {
    StructType input = (StructType) validated.schema().apply(KEEP).dataType();
    Dataset<Row> flat =
        validated.select(
            functions.col(KEEP + ".*"),
            functions.col(Columns.CORRUPT),
            functions.col(Columns.SOURCE),
            functions.col(Columns.REASON),
            functions.col(Columns.DETAIL));
    return RowValidator.quarantine(flat, Arrays.asList(input.fieldNames()));
  }

  /**
   * Step two: the caller's columns, then {@link #predictionFields()}, then {@link Columns#REASON}
   * and {@link Columns#DETAIL}. Every row of {@code validated} is scored (a rejected one with its
   * features imputed) and a rejected row's predictions are blanked: one pass and no union, so the
   * plan stays a plain map that streaming queries accept. Lazy; runs on the executors.
   */
  public Dataset<Row> score(Dataset<Row> validated, Broadcast<byte[]> network, int batchSize) {
    Dataset<Row> applied =
        bundle
            .transform()
            .apply(validated)
            .select(KEEP, Columns.FEATURES, Columns.REASON, Columns.DETAIL);
    Dataset<Row> scored = Scoring.score(applied, network, bundle.head(), batchSize);
    List<Column> decoded = new ArrayList<>();
    decoded.add(functions.col(KEEP));
    decoded.addAll(predictionColumns(bundle.head(), bundle.modelId()));
    decoded.add(functions.col(Columns.REASON));
    decoded.add(functions.col(Columns.DETAIL));

    List<Column> out = new ArrayList<>();
    out.add(functions.col(KEEP + ".*"));
    Column good = functions.col(Columns.REASON).isNull();
    for (StructField f : predictionFields()) {
      out.add(
          f.name().equals(MODEL_ID)
              ? functions.col(MODEL_ID)
              : functions.when(good, Columns.col(f.name())).as(f.name()));
    }
    out.add(functions.col(Columns.REASON));
    out.add(functions.col(Columns.DETAIL));
    return scored.select(decoded.toArray(new Column[0])).select(out.toArray(new Column[0]));
  }

  /**
   * {@code prediction}, {@code probability_<class>} per class (classification), {@code model_id},
   * as {@link #score} adds them.
   */
  public List<StructField> predictionFields() {
    List<StructField> out = new ArrayList<>();
    OutputHead head = bundle.head();
    out.add(DataTypes.createStructField(PREDICTION, head.predictionType(), true));
    if (head.hasProbabilities()) {
      for (String c : head.classes()) {
        out.add(DataTypes.createStructField(PROBABILITY_PREFIX + c, DataTypes.DoubleType, true));
      }
    }
    out.add(DataTypes.createStructField(MODEL_ID, DataTypes.StringType, false));
    return out;
  }

  /**
   * The prediction columns of a frame {@link Scoring#score} produced: {@code prediction} (in the
   * target's units, or the class label), {@code probability_<class>} per class, {@code model_id}.
   */
  static List<Column> predictionColumns(OutputHead codec, String modelId) {
    List<Column> out = new ArrayList<>();
    out.add(codec.decode(functions.col(Scoring.PREDICTION)).as(Scoring.PREDICTION));
    if (codec.hasProbabilities()) {
      for (int i = 0; i < codec.classes().size(); i++) {
        out.add(
            functions
                .element_at(functions.col(Scoring.PROBABILITIES), i + 1)
                .as(PROBABILITY_PREFIX + codec.classes().get(i)));
      }
    }
    out.add(functions.lit(modelId).as(MODEL_ID));
    return out;
  }
}
