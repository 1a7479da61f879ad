package io.dlpipe.input;

import io.dlpipe.DataException;
import io.dlpipe.config.CsvMultiLine;
import io.dlpipe.config.InputConfig;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.Columns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads raw CSV, JSON, Parquet or a table of the session's catalog into one uniform frame: every
 * input column as text (exactly as it appeared, so that parsing and quarantine decisions are
 * dlpipe's, not the reader's), plus {@link Columns#CORRUPT} holding the raw line of a row malformed
 * for the format and {@link Columns#SOURCE} naming its file. Text keeps the door open for
 * 100x-memory data: nothing here is materialized, and no schema inference pass runs over CSV.
 */
public final class InputReader {
  private static final Logger LOG = LoggerFactory.getLogger(InputReader.class);

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
    return readTyped(spark, input, false);
  }

  /**
   * As {@link #read}, but with input.csv.multi-line = auto every CSV file is read line by line
   * without first scanning the files for quoted newlines (a full read of the input of its own). A
   * record with a quoted newline then shows as malformed rows of its file: the caller checks those
   * files alone with {@link #hasQuotedNewlines} and reads again with {@link #read} only when one
   * has such a record. {@link #scanDeferred} says whether this applies to the input.
   */
  public static Dataset<Row> readDeferringScan(SparkSession spark, InputConfig input) {
    return asText(readTyped(spark, input, scanDeferred(input)));
  }

  /** True when {@link #readDeferringScan} skips the quoted-newline scan for this input. */
  public static boolean scanDeferred(InputConfig input) {
    return !input.isTable()
        && input.format() == io.dlpipe.config.InputFormat.CSV
        && input.multiLine() == CsvMultiLine.AUTO
        && asciiCompatible(input.encoding());
  }

  /**
   * True when one of these files (as {@link Columns#SOURCE} names them) has a quoted field that
   * spans lines.
   */
  public static boolean hasQuotedNewlines(
      SparkSession spark, InputConfig input, List<String> files) {
    return !files.isEmpty()
        && !QuotedNewlines.filesWithQuotedNewlines(
                spark,
                files,
                input.delimiter().charAt(0),
                input.quote().charAt(0),
                input.escape().charAt(0))
            .isEmpty();
  }

  private static Dataset<Row> readTyped(SparkSession spark, InputConfig input, boolean byLine) {
    if (input.isTable()) {
      return where(readTable(spark, input), input);
    }
    requireExists(spark, input.path());
    try {
      return where(
          switch (input.format()) {
            case CSV -> readCsv(spark, input, byLine);
            case JSON -> readJson(spark, input);
            case PARQUET -> readParquet(spark, input);
            case TABLE -> throw new IllegalStateException("tables are read above");
          },
          input);
    } catch (io.dlpipe.DlpipeException e) {
      throw e;
    } catch (Exception e) {
      // Schema reads run Spark jobs: a corrupt footer or a duplicate name fails here, for every
      // caller.
      throw explain(spark, e, input);
    }
  }

  /**
   * A table of the session's catalog, as Parquet input is read: the columns with their types, no
   * row is malformed for a format. A table the catalog does not have is like a missing input path
   * (exit code 3).
   */
  private static Dataset<Row> readTable(SparkSession spark, InputConfig input) {
    TableRef ref = TableRef.resolve(spark, input.table(), "input.table");
    if (ref.load().isEmpty()) {
      throw new DataException(
          "Input not found: table "
              + input.table()
              + " (input.table) does not exist in the session's catalog");
    }
    try {
      // Reader options go to the table's source (e.g. Delta's versionAsOf), as input.options do for
      // files.
      Dataset<Row> df = spark.read().options(input.options()).table(input.table());
      return df.withColumn(Columns.CORRUPT, functions.lit(null).cast(DataTypes.StringType));
    } catch (io.dlpipe.DlpipeException e) {
      throw e;
    } catch (Exception e) {
      DataException known = dataError(e);
      if (known != null) {
        throw known;
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * input.where on the typed frame. For a table or Parquet, Spark pushes it into the scan (a
   * partition filter prunes partitions). A row malformed for its format (csv, json) is kept
   * whatever the predicate says: its cells cannot be trusted to decide, and it must still reach the
   * quarantine rather than vanish outside the accounting.
   */
  private static Dataset<Row> where(Dataset<Row> typed, InputConfig input) {
    if (input.where().isEmpty()) {
      return typed;
    }
    Column predicate = functions.expr(input.where());
    if (input.format() == io.dlpipe.config.InputFormat.CSV
        || input.format() == io.dlpipe.config.InputFormat.JSON) {
      predicate = predicate.or(functions.col(Columns.CORRUPT).isNotNull());
    }
    try {
      return typed.where(predicate);
    } catch (Exception e) {
      // Spark analyses the predicate at once: a column the input lacks fails here.
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        List<String> names = new ArrayList<>(Arrays.asList(typed.columns()));
        names.remove(Columns.CORRUPT);
        throw new DataException(
            "Schema mismatch: input.where \""
                + input.where()
                + "\" does not apply to "
                + (input.isTable() ? "table " + input.table() : input.path())
                + ": "
                + firstLine(((org.apache.spark.sql.AnalysisException) e).getSimpleMessage())
                + " (its columns: "
                + names
                + ")",
            e);
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * A frame a Spark program already holds, as the uniform raw frame: like Parquet input, its rows
   * are never malformed for a format, so {@link Columns#CORRUPT} is null.
   */
  public static Dataset<Row> fromFrame(Dataset<Row> frame) {
    return asText(
        frame.withColumn(Columns.CORRUPT, functions.lit(null).cast(DataTypes.StringType)));
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
   * As {@link #explain(Exception, String)}; for Parquet input, a column name that the schema
   * repeats is traced to the file whose footer repeats it (Spark's message names only the column).
   */
  public static RuntimeException explain(SparkSession spark, Exception e, InputConfig input) {
    if (input.format() == io.dlpipe.config.InputFormat.CSV && input.header()) {
      List<String> expected = null;
      try {
        // The same file Spark took the columns from (the largest): cheap, and only on this failure.
        expected = Arrays.asList(csvReader(spark, input).csv(input.path()).schema().fieldNames());
      } catch (RuntimeException unreadable) {
        e.addSuppressed(unreadable);
      }
      DataException header =
          HeaderMismatch.explain(
              e, input.describe(), expected, spark.sparkContext().hadoopConfiguration());
      if (header != null) {
        return header;
      }
    }
    if (input.format() == io.dlpipe.config.InputFormat.PARQUET) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (DUPLICATE.matcher(String.valueOf(c.getMessage())).find()) {
          DataException named = duplicateInParquetSchema(spark, input.path(), e);
          if (named != null) {
            return named;
          }
          break;
        }
      }
    }
    return explain(e, input.describe());
  }

  /**
   * Turns a failure raised while Spark scanned the input into a {@link DataException} when it is a
   * problem of the data (a file whose header differs, a file that vanished, a corrupt Parquet file,
   * an unknown host); anything else is returned unchanged.
   */
  public static RuntimeException explain(Exception e, String path) {
    DataException header = HeaderMismatch.explain(e, path, null, activeHadoopConf());
    if (header != null) {
      return header;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof java.io.FileNotFoundException) {
        return new DataException(
            "Input changed while it was read: " + m.strip() + " (input.path = " + path + ")", e);
      }
      // Only here, where the input is being read: elsewhere the same error would be a bug of
      // dlpipe's.
      Matcher dup = DUPLICATE.matcher(m);
      if (dup.find()) {
        String name = dup.group(1) != null ? dup.group(1) : dup.group(2);
        // Quoted like the CSV and Parquet messages, whichever of Spark's two spellings named it.
        return new DataException(
            "Duplicate column name '"
                + oneLine(name).replace("`", "")
                + "' in the input "
                + path
                + " (input.path); every column needs its own name",
            e);
      }
    }
    DataException unknownHost = HadoopFiles.unknownHost(e, path, "input.path");
    if (unknownHost != null) {
      return unknownHost;
    }
    DataException known = dataError(e);
    if (known != null) {
      return known;
    }
    // Scala code throws checked exceptions (SparkException) undeclared.
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  private static final Pattern NOT_PARQUET = Pattern.compile("(\\S+) is not a Parquet file");
  private static final Pattern FOOTER =
      Pattern.compile("Could not read footer for file: (\\S+?)\\.?(\\s|$)");
  private static final Pattern DECODING =
      Pattern.compile("Can not read value at \\d+ in block -?\\d+ in file (\\S+)");
  private static final Pattern DUPLICATE =
      Pattern.compile(
          "\\[COLUMN_ALREADY_EXISTS] The column `?([^`]+?)`? already exists|Found duplicate column\\(s\\) in the data schema: (.+)");

  /**
   * A {@link DataException} naming the file or the column when a failure anywhere in the cause
   * chain is a fault of the data files, whichever stage read them; null otherwise.
   */
  public static DataException dataError(Throwable e) {
    DataException header = HeaderMismatch.explain(e, null, null, activeHadoopConf());
    if (header != null) {
      return header;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      Matcher file = NOT_PARQUET.matcher(m);
      if (file.find() || (file = FOOTER.matcher(m)).find() || (file = DECODING.matcher(m)).find()) {
        return new DataException(
            "Corrupt or truncated Parquet file "
                + file.group(1)
                + ": it cannot be read ("
                + firstLine(innermost(c))
                + ")",
            e);
      }
      if (m.startsWith("[UNABLE_TO_INFER_SCHEMA]")) {
        // A folder that holds only folders, or only files Spark skips (names starting with _ or .).
        return new DataException(
            "Input has no data files: Spark found no file it reads under the input ("
                + firstLine(m)
                + ")",
            e);
      }
      if (c instanceof java.net.UnknownHostException) {
        return new DataException(
            "Unknown host "
                + m
                + ": the file system named in the path cannot be reached (check the host name in input.path and output.dir)",
            e);
      }
    }
    return null;
  }

  /**
   * The running session's Hadoop configuration (the credentials of the input's file system), else a
   * default one.
   */
  private static Configuration activeHadoopConf() {
    return SparkSession.getDefaultSession().isDefined()
        ? SparkSession.getDefaultSession().get().sparkContext().hadoopConfiguration()
        : new Configuration();
  }

  private static String innermost(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }

  private static String firstLine(String m) {
    return m.strip().lines().findFirst().orElse("");
  }

  private static String oneLine(String m) {
    return m.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  static void requireExists(SparkSession spark, String path) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new DataException(
            "Input not found: " + path + " (input.path) does not exist or matches no file");
      }
    } catch (IOException e) {
      throw new DataException(
          "Input not readable: " + path + " (input.path): " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // HDFS wraps an unknown name node host in an IllegalArgumentException.
      if (e.getCause() instanceof java.net.UnknownHostException u) {
        throw new DataException(
            "Input not reachable: " + path + " (input.path): unknown host " + u.getMessage(), e);
      }
      throw e;
    }
  }

  private static DataFrameReader baseReader(SparkSession spark, InputConfig input) {
    DataFrameReader reader =
        spark
            .read()
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", Columns.CORRUPT);
    if (!input.encoding().equals("UTF-8")) {
      // Only when needed: an explicit charset takes Spark's slower decoding path.
      reader = reader.option("encoding", input.encoding());
    }
    for (var e : input.options().entrySet()) {
      reader = reader.option(e.getKey(), e.getValue());
    }
    return reader;
  }

  /** A fresh CSV reader: DataFrameReader is mutable, and each read below sets its own options. */
  private static DataFrameReader csvReader(SparkSession spark, InputConfig input) {
    return baseReader(spark, input)
        .option("header", input.header())
        .option("sep", input.delimiter())
        .option("quote", input.quote())
        .option("escape", input.escape())
        // Keep cells exactly as written: dlpipe decides what is missing (input.null-values).
        .option("nullValue", "\u0000dlpipe-no-null\u0000")
        .option("emptyValue", "")
        .option("inferSchema", false);
  }

  private static Dataset<Row> readCsv(SparkSession spark, InputConfig input, boolean skipScan) {
    // Field counts are checked on the whole raw record, whatever columns a later stage keeps (also
    // in a session dlpipe did not start).
    spark.conf().set(io.dlpipe.spark.SparkSessions.CSV_COLUMN_PRUNING, false);
    // The header alone names the columns; inferSchema would cost a full pass over the data.
    StructType header =
        csvReader(spark, input)
            .option("multiLine", input.multiLine() == CsvMultiLine.TRUE)
            .csv(input.path())
            .schema();
    if (header.fields().length == 0) {
      throw new DataException(
          "Input is empty: " + input.path() + " (input.path) has no header line");
    }
    if (input.header()) {
      checkDuplicateNames(csvReader(spark, input), header, input);
    }
    StructType schema = new StructType();
    for (StructField f : header.fields()) {
      schema = schema.add(f.name(), DataTypes.StringType, true);
    }
    schema = schema.add(Columns.CORRUPT, DataTypes.StringType, true);
    // enforceSchema=false: every file's header must match, or columns would silently shift.
    StructType full = schema;
    java.util.function.Function<Boolean, DataFrameReader> reader =
        multiLine ->
            csvReader(spark, input)
                .schema(full)
                .option("enforceSchema", false)
                .option("multiLine", multiLine);
    if (input.multiLine() == CsvMultiLine.TRUE || !asciiCompatible(input.encoding())) {
      return reader.apply(true).csv(input.path());
    }
    if (skipScan) {
      return reader.apply(false).csv(input.path());
    }
    List<String> spanning =
        QuotedNewlines.filesWithQuotedNewlines(
            spark,
            input.path(),
            input.delimiter().charAt(0),
            input.quote().charAt(0),
            input.escape().charAt(0));
    if (spanning.isEmpty()) {
      return reader.apply(false).csv(input.path());
    }
    if (input.multiLine() == CsvMultiLine.FALSE) {
      throw new DataException(
          "Quoted newline: "
              + spanning.size()
              + " file(s) under "
              + input.path()
              + " have a quoted field that spans lines (or a quote"
              + " never closed), first "
              + spanning.get(0)
              + "; read line by line (input.csv.multi-line = false) such a record would be split, so set"
              + " input.csv.multi-line = auto");
    }
    // auto: only the files that need it are read whole (one task per file); the rest stay
    // splittable.
    Set<String> whole = new HashSet<>();
    for (String f : spanning) {
      whole.add(QuotedNewlines.normalize(f));
    }
    List<String> byLine = new ArrayList<>();
    List<String> wholeFiles = new ArrayList<>();
    for (String f : spark.read().text(input.path()).inputFiles()) {
      (whole.contains(QuotedNewlines.normalize(f)) ? wholeFiles : byLine)
          .add(new Path(java.net.URI.create(f)).toString());
    }
    LOG.info(
        "Input {}: {} of {} files have quoted fields that span lines and are read whole (input.csv.multi-line = auto), first {}",
        input.path(),
        wholeFiles.size(),
        wholeFiles.size() + byLine.size(),
        spanning.get(0));
    Dataset<Row> multi = reader.apply(true).csv(wholeFiles.toArray(new String[0]));
    return byLine.isEmpty()
        ? multi
        : reader.apply(false).csv(byLine.toArray(new String[0])).unionByName(multi);
  }

  /**
   * Where in {@code file} (a CSV file of {@code input}) the first record spanning more than {@code
   * maxLines} lines starts: {line, lines spanned}, or null. Reads the file once on the driver, so
   * it is for naming the line in an error, not for every run.
   */
  public static long[] firstLongRecord(
      SparkSession spark, InputConfig input, String file, int maxLines) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path p = new Path(java.net.URI.create(file));
    try {
      org.apache.hadoop.io.compress.CompressionCodec codec =
          new org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(p);
      try (java.io.InputStream raw = p.getFileSystem(conf).open(p);
          java.io.Reader text =
              new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      codec == null ? raw : codec.createInputStream(raw), input.encoding()),
                  1 << 16)) {
        return QuotedNewlines.firstLongRecord(
            text,
            input.delimiter().charAt(0),
            input.quote().charAt(0),
            input.escape().charAt(0),
            maxLines);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read {} to find its long record: {}", file, e.toString());
      return null;
    }
  }

  /**
   * Multi-byte code units (UTF-16, UTF-32) hide the quote byte from a line scan; read those whole.
   */
  private static boolean asciiCompatible(String encoding) {
    return !encoding.toUpperCase(java.util.Locale.ROOT).startsWith("UTF-16")
        && !encoding.toUpperCase(java.util.Locale.ROOT).startsWith("UTF-32");
  }

  /**
   * Spark renames duplicate header names (case-insensitively) to name + position, which then looks
   * like a header mismatch or silently names another column. When the schema looks renamed, the
   * first line is read as data and checked, so the message names the column and the file.
   */
  private static void checkDuplicateNames(
      DataFrameReader csv, StructType header, InputConfig input) {
    boolean renamed = false;
    for (int i = 0; i < header.fields().length && !renamed; i++) {
      String n = header.fields()[i].name();
      renamed = n.length() > String.valueOf(i).length() && n.endsWith(String.valueOf(i));
    }
    if (!renamed) {
      return;
    }
    Row first =
        csv.option("header", false)
            .csv(input.path())
            .select(functions.col("*"), functions.input_file_name())
            .head();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < first.length() - 1; i++) {
      String name = first.isNullAt(i) ? "" : first.getString(i);
      Integer before = seen.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), i);
      if (before != null && !name.isEmpty()) {
        throw new DataException(
            "Duplicate column name '"
                + name
                + "' in the header of "
                + first.getString(first.length() - 1)
                + " (columns "
                + (before + 1)
                + " and "
                + (i + 1)
                + "; names compare case-insensitively); every column needs its own name");
      }
    }
  }

  private static Dataset<Row> readJson(SparkSession spark, InputConfig input) {
    StructType inferred = baseReader(spark, input).json(input.path()).schema();
    if (!Arrays.asList(inferred.fieldNames()).contains(Columns.CORRUPT)) {
      inferred = inferred.add(Columns.CORRUPT, DataTypes.StringType, true);
    }
    // Spark infers a field holding "" beside numbers as a number, and then rejects the "" as a
    // malformed record. Top-level scalars are read as their JSON text instead ("" stays "", which
    // dlpipe reads as missing, like an empty CSV cell) and cast back to the inferred type, so that
    // predict writes numbers and booleans out as they came in. The cast cannot fail: inference
    // chose the type because every non-empty value of the field is of it.
    StructType text = new StructType();
    List<Column> typed = new ArrayList<>();
    for (StructField f : inferred.fields()) {
      boolean atomic =
          !(f.dataType() instanceof StructType
              || f.dataType() instanceof org.apache.spark.sql.types.ArrayType
              || f.dataType() instanceof org.apache.spark.sql.types.MapType);
      boolean recast = atomic && !f.dataType().equals(DataTypes.StringType);
      text = text.add(f.name(), recast ? DataTypes.StringType : f.dataType(), true);
      Column c = Columns.col(f.name());
      typed.add(
          recast
              ? functions
                  .when(c.equalTo(""), functions.lit(null).cast(f.dataType()))
                  .otherwise(c.cast(f.dataType()))
                  .as(f.name())
              : c);
    }
    return baseReader(spark, input)
        .schema(text)
        .json(input.path())
        .select(typed.toArray(new Column[0]));
  }

  private static Dataset<Row> readParquet(SparkSession spark, InputConfig input) {
    Dataset<Row> df = spark.read().options(input.options()).parquet(input.path());
    return df.withColumn(Columns.CORRUPT, functions.lit(null).cast(DataTypes.StringType));
  }

  /** At most this many Parquet footers are read to name the file with a repeated column name. */
  private static final int MAX_FOOTERS = 1000;

  /**
   * Reads the footers of the Parquet files under {@code path} (a few bytes each, no Spark job) for
   * the first file whose schema repeats a column name (case-insensitively, as Spark compares them);
   * null when none does (the repetition then comes from merging files).
   */
  private static DataException duplicateInParquetSchema(
      SparkSession spark, String path, Exception cause) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      int read = 0;
      for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
            fs.listFiles(m.getPath(), true);
        while (files.hasNext() && read < MAX_FOOTERS) {
          FileStatus f = files.next();
          String name = f.getPath().getName();
          if (name.startsWith("_") || name.startsWith(".") || f.getLen() == 0) {
            continue;
          }
          read++;
          List<org.apache.parquet.schema.Type> fields;
          try (org.apache.parquet.hadoop.ParquetFileReader reader =
              org.apache.parquet.hadoop.ParquetFileReader.open(
                  org.apache.parquet.hadoop.util.HadoopInputFile.fromStatus(f, conf))) {
            fields = reader.getFileMetaData().getSchema().getFields();
          } catch (IOException | RuntimeException unreadable) {
            continue; // a corrupt footer has its own error when Spark reads it
          }
          Map<String, Integer> seen = new HashMap<>();
          for (int i = 0; i < fields.size(); i++) {
            String column = fields.get(i).getName();
            Integer before = seen.putIfAbsent(column.toLowerCase(java.util.Locale.ROOT), i);
            if (before != null) {
              return new DataException(
                  "Duplicate column name '"
                      + column
                      + "' in the schema of the Parquet file "
                      + f.getPath()
                      + " (columns "
                      + (before + 1)
                      + " and "
                      + (i + 1)
                      + "; names compare case-insensitively) under "
                      + path
                      + " (input.path); every column needs its own name",
                  cause);
            }
          }
        }
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    return null;
  }

  /** Every data column as text; nested values as JSON text; adds the source file. */
  public static Dataset<Row> asText(Dataset<Row> typed) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : typed.schema().fields()) {
      String name = f.name();
      if (name.startsWith(Columns.INTERNAL_PREFIX) && !name.equals(Columns.CORRUPT)) {
        throw new DataException(
            "Input column "
                + name
                + " uses the prefix "
                + Columns.INTERNAL_PREFIX
                + " that dlpipe reserves; rename it");
      }
      Column c = Columns.col(name);
      boolean nested =
          f.dataType() instanceof StructType
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
