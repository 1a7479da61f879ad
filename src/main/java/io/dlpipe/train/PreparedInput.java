package io.dlpipe.train;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EnumNames;
import io.dlpipe.config.Task;
import io.dlpipe.etl.EtlSummary;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.workspace.PreparedLayout;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What {@code etl} left in {@code prepared/}, checked against the contract and against the config
 * before any training work starts: {@code _SUCCESS} present, a transform this build reads, a config
 * that agrees with the data, and splits with the expected schema. Every refusal is a {@link
 * DataException} (exit code 3) that says what to do.
 *
 * @param layout where the prepared data lives
 * @param transform the fitted transform (feature count, task, classes, label statistics)
 * @param transformJson the exact text of {@code transform.json}, copied into the model bundle
 * @param summary the ETL summary: the row count of each split, without a Spark job
 */
public record PreparedInput(
    PreparedLayout layout, FittedTransform transform, String transformJson, EtlSummary summary) {

  /** Reads and checks {@code <output.dir>/prepared/}. */
  public static PreparedInput open(HadoopFiles files, DlpipeConfig cfg) {
    PreparedLayout layout = new PreparedLayout(cfg.output().preparedDir());
    String rerun = "run `dlpipe etl` with this config first";
    if (!files.exists(layout.success())) {
      throw new DataException(
          "No finished etl output in "
              + layout.root()
              + ": "
              + PreparedLayout.SUCCESS
              + " is missing (etl never ran there, failed, or is still running); "
              + rerun);
    }
    String json = files.readText(layout.transform());
    FittedTransform transform = FittedTransform.fromJson(json, layout.transform());
    EtlSummary summary;
    try {
      summary = Json.MAPPER.readValue(files.readText(layout.summary()), EtlSummary.class);
    } catch (java.io.IOException e) {
      throw new DataException(
          "ETL summary " + layout.summary() + " is not readable: " + e.getMessage() + "; " + rerun,
          e);
    }

    if (cfg.target().task() != transform.task()) {
      throw new DataException(
          "The config says target.task = "
              + EnumNames.kebab(cfg.target().task())
              + ", but the prepared data in "
              + layout.root()
              + " was made for "
              + EnumNames.kebab(transform.task())
              + "; rerun etl with this config, or fix target.task");
    }
    if (!cfg.target().column().equals(transform.targetColumn())) {
      throw new DataException(
          "The config says target.column = "
              + cfg.target().column()
              + ", but the prepared data in "
              + layout.root()
              + " predicts "
              + transform.targetColumn()
              + "; rerun etl with this config, or fix target.column");
    }
    if (cfg.target().task() == Task.CLASSIFICATION
        && !cfg.target().classes().isEmpty()
        && !cfg.target().classes().equals(transform.classes())) {
      throw new DataException(
          "The config says target.classes = "
              + cfg.target().classes()
              + ", but the prepared data in "
              + layout.root()
              + " has classes "
              + transform.classes()
              + "; rerun etl with this config");
    }
    if (transform.featureCount() < 1) {
      throw new DataException(
          "Transform "
              + layout.transform()
              + " declares no features; nothing to train on. Check input.columns and rerun etl");
    }
    if (transform.splitRule() == null) {
      // run re-prepares such a workspace itself; train alone says so and goes on, as the user
      // asked.
      org.slf4j.LoggerFactory.getLogger(PreparedInput.class)
          .warn(
              "{} was split by the old rule, a hash of the whole row with its target, which makes the test split "
                  + "depend on the label when feature rows repeat; rerun etl",
              layout.root());
    }
    PreparedInput in = new PreparedInput(layout, transform, json, summary);
    if (in.rows(Columns.TRAIN) == 0) {
      throw new DataException(
          "The train split in " + layout.root() + " is empty; nothing to train on");
    }
    if (in.rows(Columns.VALIDATION) == 0) {
      throw new DataException(
          "The validation split in "
              + layout.root()
              + " is empty, but training evaluates on it after every epoch "
              + "(early stopping, the best model); set etl.split.validation > 0 and rerun etl");
    }
    return in;
  }

  /** Rows etl wrote to a split. */
  public long rows(String split) {
    Long n = summary.rowsWritten().get(split);
    return n == null ? 0 : n;
  }

  /** A split as {@code features, label}, after checking its schema; nothing is read yet. */
  public Dataset<Row> read(SparkSession spark, String split) {
    String path = layout.split(split);
    Dataset<Row> df;
    try {
      df = spark.read().parquet(path);
    } catch (RuntimeException e) {
      throw new DataException(
          "Prepared split " + path + " is not readable Parquet: " + e.getMessage() + "; rerun etl",
          e);
    }
    StructType schema = df.schema();
    check(
        schema,
        path,
        Columns.FEATURES,
        DataTypes.createArrayType(DataTypes.FloatType),
        "array<float>");
    check(schema, path, Columns.LABEL, DataTypes.DoubleType, "double");
    return df.select(Columns.FEATURES, Columns.LABEL);
  }

  private static void check(
      StructType schema, String path, String column, DataType expected, String expectedName) {
    List<String> names = List.of(schema.fieldNames());
    if (!names.contains(column)) {
      throw new DataException(
          "Prepared split "
              + path
              + " has no column "
              + column
              + " (found "
              + names
              + "); rerun etl");
    }
    StructField f = schema.apply(column);
    DataType found = f.dataType();
    boolean ok =
        found instanceof ArrayType a && expected instanceof ArrayType e
            ? a.elementType().equals(e.elementType())
            : found.equals(expected);
    if (!ok) {
      throw new DataException(
          "Column "
              + column
              + " of "
              + path
              + " must be of type "
              + expectedName
              + " but was actually "
              + found.simpleString()
              + "; rerun etl");
    }
  }
}
