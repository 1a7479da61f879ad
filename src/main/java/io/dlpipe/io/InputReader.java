package io.dlpipe.io;

import io.dlpipe.DataException;
import io.dlpipe.config.InputConfig;
import io.dlpipe.spark.Columns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads raw CSV, JSON or Parquet into one uniform frame: every input column as text (exactly as it
 * appeared, so that parsing and quarantine decisions are dlpipe's, not the reader's), plus
 * {@link Columns#CORRUPT} holding the raw line of a row malformed for the format and {@link
 * Columns#SOURCE} naming its file. Text keeps the door open for 100x-memory data: nothing here is
 * materialized, and no schema inference pass runs over CSV.
 */
public final class InputReader {
  private InputReader() {}

  /** The uniform raw frame; throws {@link DataException} when the input is missing. */
  public static Dataset<Row> read(SparkSession spark, InputConfig input) {
    return asText(readTyped(spark, input));
  }

  /**
   * The input with the types its format carries (all text for CSV) plus {@link Columns#CORRUPT};
   * batch prediction checks these types against training before anything is scored.
   */
  public static Dataset<Row> readTyped(SparkSession spark, InputConfig input) {
    requireExists(spark, input.path());
    return switch (input.format()) {
      case CSV -> readCsv(spark, input);
      case JSON -> readJson(spark, input);
      case PARQUET -> readParquet(spark, input);
    };
  }

  /**
   * A frame a Spark program already holds, as the uniform raw frame: like Parquet input, its rows
   * are never malformed for a format, so {@link Columns#CORRUPT} is null.
   */
  public static Dataset<Row> fromFrame(Dataset<Row> frame) {
    return asText(frame.withColumn(Columns.CORRUPT, functions.lit(null).cast(DataTypes.StringType)));
  }

  /** The input's column names in file order, read from the header or schema alone. */
  public static List<String> columnNames(Dataset<Row> raw) {
    List<String> names = new ArrayList<>();
    for (String n : raw.columns()) {
      if (!n.startsWith(Columns.INTERNAL_PREFIX)) {
        names.add(n);
      }
    }
    return names;
  }

  /**
   * Turns a failure raised while Spark scanned the input into a {@link DataException} when it is
   * a problem of the data (a file whose header differs, a file that vanished); anything else is
   * returned unchanged.
   */
  public static RuntimeException explain(Exception e, String path) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("CSV header does not conform to the schema")) {
        return new DataException("Schema mismatch: the files under " + path + " (input.path) do not all have the same header: " + m.strip(), e);
      }
      if (c instanceof java.io.FileNotFoundException) {
        return new DataException("Input changed while it was read: " + m.strip() + " (input.path = " + path + ")", e);
      }
    }
    // Scala code throws checked exceptions (SparkException) undeclared.
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  static void requireExists(SparkSession spark, String path) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new DataException("Input not found: " + path + " (input.path) does not exist or matches no file");
      }
    } catch (IOException e) {
      throw new DataException("Input not readable: " + path + " (input.path): " + e.getMessage(), e);
    }
  }

  private static DataFrameReader baseReader(SparkSession spark, InputConfig input) {
    DataFrameReader reader = spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", Columns.CORRUPT);
    if (!input.encoding().equals("UTF-8")) {
      // Only when needed: an explicit charset takes Spark's slower decoding path.
      reader = reader.option("encoding", input.encoding());
    }
    for (var e : input.options().entrySet()) {
      reader = reader.option(e.getKey(), e.getValue());
    }
    return reader;
  }

  private static Dataset<Row> readCsv(SparkSession spark, InputConfig input) {
    DataFrameReader csv =
        baseReader(spark, input)
            .option("header", input.header())
            .option("sep", input.delimiter())
            .option("quote", input.quote())
            .option("escape", input.escape())
            // Keep cells exactly as written: dlpipe decides what is missing (input.null-values).
            .option("nullValue", "\u0000dlpipe-no-null\u0000")
            .option("emptyValue", "")
            .option("inferSchema", false);
    // The header alone names the columns; inferSchema would cost a full pass over the data.
    StructType header = csv.csv(input.path()).schema();
    if (header.fields().length == 0) {
      throw new DataException("Input is empty: " + input.path() + " (input.path) has no header line");
    }
    StructType schema = new StructType();
    for (StructField f : header.fields()) {
      schema = schema.add(f.name(), DataTypes.StringType, true);
    }
    schema = schema.add(Columns.CORRUPT, DataTypes.StringType, true);
    // enforceSchema=false: every file's header must match, or columns would silently shift.
    return csv.schema(schema).option("enforceSchema", false).csv(input.path());
  }

  private static Dataset<Row> readJson(SparkSession spark, InputConfig input) {
    StructType inferred = baseReader(spark, input).json(input.path()).schema();
    if (!Arrays.asList(inferred.fieldNames()).contains(Columns.CORRUPT)) {
      inferred = inferred.add(Columns.CORRUPT, DataTypes.StringType, true);
    }
    return baseReader(spark, input).schema(inferred).json(input.path());
  }

  private static Dataset<Row> readParquet(SparkSession spark, InputConfig input) {
    Dataset<Row> df = spark.read().options(input.options()).parquet(input.path());
    return df.withColumn(Columns.CORRUPT, functions.lit(null).cast(DataTypes.StringType));
  }

  /** Every data column as text; nested values as JSON text; adds the source file. */
  public static Dataset<Row> asText(Dataset<Row> typed) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : typed.schema().fields()) {
      String name = f.name();
      if (name.startsWith(Columns.INTERNAL_PREFIX) && !name.equals(Columns.CORRUPT)) {
        throw new DataException("Input column " + name + " uses the prefix " + Columns.INTERNAL_PREFIX + " that dlpipe reserves; rename it");
      }
      Column c = Columns.col(name);
      boolean nested = f.dataType() instanceof StructType
          || f.dataType() instanceof org.apache.spark.sql.types.ArrayType
          || f.dataType() instanceof org.apache.spark.sql.types.MapType;
      if (nested) {
        c = functions.to_json(c);
      } else if (!f.dataType().equals(DataTypes.StringType)) {
        c = c.cast(DataTypes.StringType);
      }
      cols.add(c.as(name));
    }
    cols.add(functions.input_file_name().as(Columns.SOURCE));
    return typed.select(cols.toArray(new Column[0]));
  }
}
