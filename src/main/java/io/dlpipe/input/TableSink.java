package io.dlpipe.input;

import io.dlpipe.ConfigException;
import io.dlpipe.config.PredictTableConfig;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.OutputMarker;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes predict's scored rows and its quarantine into tables, one partition per run: the partition
 * column ({@code predict.table.partition-column}) holds the run's date, and a rerun for the same
 * date replaces that partition, so rows are never duplicated and other dates are never touched.
 * Each format by its own idempotent operation: Delta and Iceberg tables by an overwrite of the rows
 * matching {@code partition = date} (DataFrameWriterV2, which Delta runs as {@code replaceWhere});
 * Hive and Parquet/ORC metastore tables by {@code INSERT OVERWRITE ... PARTITION (partition =
 * date)}. Both replace the partition even when this run has no rows for it (an empty quarantine),
 * which dynamic partition overwrite ({@code overwritePartitions}, {@code
 * partitionOverwriteMode=dynamic}) would not: it replaces only partitions that receive rows.
 *
 * <p>Ownership follows the {@link OutputMarker} rule for folders: a table dlpipe creates carries
 * the table property {@value #KIND_PROPERTY} (its {@link OutputKind}); an existing table without it
 * is refused unless the user allows writing into a foreign table, and then too only this run's
 * partition is replaced. A table with another dlpipe kind, another partitioning or a schema that
 * does not take the rows is refused. Every refusal is a {@link ConfigException} (exit code 2)
 * raised before the table is written.
 */
public final class TableSink {
  private static final Logger LOG = LoggerFactory.getLogger(TableSink.class);

  /**
   * The table property that marks a table dlpipe created, holding the {@link OutputKind#id()} of
   * its rows.
   */
  public static final String KIND_PROPERTY = "dlpipe.kind";

  /** The suffix of the quarantine table beside an output table. */
  public static final String QUARANTINE_SUFFIX = "_quarantine";

  /** The CLI flag that allows writing into a table dlpipe did not create. */
  public static final String FOREIGN_FLAG = "--allow-foreign-table";

  private final SparkSession spark;
  private final String table;
  private final PredictTableConfig layout;
  private final LocalDate date;
  private final boolean allowForeign;

  /**
   * @param table the output table as the user named it; the quarantine goes to {@code table +
   *     "_quarantine"}
   * @param date the run's date: the partition this run owns
   * @param allowForeign write into an existing table dlpipe did not create (its partition for
   *     {@code date} only)
   */
  public TableSink(
      SparkSession spark,
      String table,
      PredictTableConfig layout,
      LocalDate date,
      boolean allowForeign) {
    this.spark = spark;
    this.table = table;
    this.layout = layout;
    this.date = date;
    this.allowForeign = allowForeign;
  }

  public String table() {
    return table;
  }

  public String quarantineTable() {
    return TableRef.resolve(spark, table, "--output-table").siblingName(QUARANTINE_SUFFIX);
  }

  /** The partition this run owns, as a SQL predicate: {@code dt = '2026-11-28'}. */
  public String partition() {
    return layout.partitionColumn() + " = '" + date + "'";
  }

  /**
   * The refusals that need no rows, for both tables, before anything is read or written: a name
   * Spark cannot parse, a table dlpipe did not create, one of another kind or partitioned
   * otherwise.
   */
  public void check() {
    for (Target t : targets()) {
      Optional<Table> existing = t.ref.load();
      if (existing.isPresent()) {
        checkExisting(existing.get(), t);
      } else {
        t.ref.requireCreatable("--output-table");
        leftover(t);
      }
    }
  }

  /**
   * The files of a table this session catalog does not know, at the place it would create it: the
   * default build's in-memory catalog forgets every table when the JVM ends, but the table's folder
   * stays in the warehouse, and creating it again fails. Such a folder is dlpipe's table of an
   * earlier run when it carries this kind's marker (written when predict created it); it is
   * registered again with its partitions, and this run replaces only its own partition. Anything
   * else there is refused (exit code 2). Empty when nothing is there.
   */
  private Optional<String> leftover(Target target) {
    Optional<String> location = target.ref.defaultLocation();
    if (location.isEmpty()) {
      return Optional.empty();
    }
    HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    if (!files.exists(location.get()) || files.list(location.get()).isEmpty()) {
      return Optional.empty();
    }
    OutputMarker marker = OutputMarker.read(files, location.get());
    if (marker == null || marker.outputKind() != target.kind) {
      throw new ConfigException(
          "Refusing to write "
              + target.role
              + ": the session catalog has no such table, but its location "
              + location.get()
              + " holds files that "
              + (marker == null
                  ? "dlpipe did not write as a table (no " + OutputMarker.FILE + ")"
                  : "are dlpipe's " + marker.outputKind().id() + ", not " + target.kind.id())
              + "; move them away, or choose another --output-table");
    }
    return location;
  }

  /**
   * Registers the table of an earlier run at {@code location} again, as {@link #create} made it,
   * and finds its partitions.
   */
  private void register(String location, Target target) {
    String column = layout.partitionColumn();
    List<String> columns = new ArrayList<>();
    for (StructField f : spark.read().parquet(location).schema().fields()) {
      if (!f.name().equalsIgnoreCase(column)) {
        columns.add(quote(f.name()) + " " + f.dataType().sql());
      }
    }
    columns.add(quote(column) + " STRING");
    LOG.info(
        "Table {}: registering the table of an earlier run at {} again (the session catalog does not keep tables between runs)",
        target.ref.name(),
        location);
    spark.sql(
        "CREATE TABLE "
            + target.ref.name()
            + " ("
            + String.join(", ", columns)
            + ") USING parquet PARTITIONED BY ("
            + quote(column)
            + ") LOCATION '"
            + location.replace("\\", "\\\\").replace("'", "\\'")
            + "' TBLPROPERTIES ('"
            + KIND_PROPERTY
            + "' = '"
            + target.kind.id()
            + "')");
    spark.sql("ALTER TABLE " + target.ref.name() + " RECOVER PARTITIONS");
  }

  /**
   * Replaces this run's partition of the quarantine table with {@code rows}; returns the rows it
   * now holds.
   */
  public long writeQuarantine(Dataset<Row> rows) {
    return write(rows, targets().get(1));
  }

  /**
   * Replaces this run's partition of the output table with {@code rows}; returns the rows it now
   * holds.
   */
  public long writeScored(Dataset<Row> rows) {
    return write(rows, targets().get(0));
  }

  /** A table predict writes: where, which kind of rows, and how messages name it. */
  private record Target(TableRef ref, OutputKind kind, String role) {}

  private List<Target> targets() {
    TableRef out = TableRef.resolve(spark, table, "--output-table");
    TableRef quarantine =
        TableRef.resolve(spark, out.siblingName(QUARANTINE_SUFFIX), "--output-table");
    return List.of(
        new Target(out, OutputKind.PREDICTIONS, "--output-table " + table),
        new Target(
            quarantine,
            OutputKind.PREDICT_QUARANTINE,
            "the quarantine table " + quarantine.name() + " of --output-table"));
  }

  private long write(Dataset<Row> rows, Target target) {
    String column = layout.partitionColumn();
    for (String name : rows.columns()) {
      if (name.equalsIgnoreCase(column)) {
        throw new ConfigException(
            "Refusing to write "
                + target.role
                + ": the rows already have a column '"
                + name
                + "', the name of the partition column that holds the run's date"
                + " (predict.table.partition-column = "
                + column
                + "); set predict.table.partition-column to another name");
      }
    }
    Optional<Table> existing = target.ref.load();
    String name = target.ref.name();
    if (existing.isEmpty()) {
      Optional<String> earlier = leftover(target);
      if (earlier.isPresent()) {
        register(earlier.get(), target);
        existing = target.ref.load();
      }
    }
    if (existing.isEmpty()) {
      create(rows.withColumn(column, functions.lit(date.toString())), target);
    } else {
      Table t = existing.get();
      checkExisting(t, target);
      DataType type = partitionType(t, target);
      Dataset<Row> frame = rows.withColumn(column, partitionValue(type));
      List<String> order = checkSchema(t.schema(), frame.schema(), column, target);
      String provider = provider(t);
      if (provider.equals("delta") || provider.equals("iceberg")) {
        // Deletes the rows of this date and appends these, in one commit; Delta turns it into
        // replaceWhere.
        try {
          frame.writeTo(name).overwrite(functions.col(column).equalTo(partitionValue(type)));
        } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
          throw new IllegalStateException("table " + name + " vanished while predict wrote it", e);
        }
      } else {
        insertOverwrite(frame, name, order, type);
      }
    }
    long now =
        spark
            .table(name)
            .where(
                functions
                    .col(column)
                    .equalTo(
                        partitionValue(partitionType(target.ref.load().orElseThrow(), target))))
            .count();
    LOG.info("Table {}: partition {} holds {} rows of this run", name, partition(), now);
    return now;
  }

  /**
   * A new table, partitioned by the run's date and marked as dlpipe's: created with this run's rows
   * in one commit.
   */
  private void create(Dataset<Row> frame, Target target) {
    var writer =
        frame
            .writeTo(target.ref.name())
            .partitionedBy(
                functions.col(layout.partitionColumn()),
                scala.collection.JavaConverters.asScalaBuffer(new ArrayList<Column>()).toSeq())
            .tableProperty(KIND_PROPERTY, target.kind.id());
    if (target.ref.isDeltaPath()) {
      writer = writer.using("delta");
    } else if (target.ref.inSessionCatalog()) {
      // Another catalog (an Iceberg catalog) has one format; the session catalog needs to be told.
      writer = writer.using(layout.format().name().toLowerCase(Locale.ROOT));
    }
    LOG.info(
        "Creating table {} ({}), partitioned by {}, marked {} = {}",
        target.ref.name(),
        target.ref.isDeltaPath()
            ? "delta"
            : target.ref.inSessionCatalog()
                ? layout.format().name().toLowerCase(Locale.ROOT)
                : "its catalog's format",
        layout.partitionColumn(),
        KIND_PROPERTY,
        target.kind.id());
    try {
      writer.create();
    } catch (org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException e) {
      throw new IllegalStateException(
          "table "
              + target.ref.name()
              + " was created by someone else while predict wrote it; run predict again",
          e);
    }
    // The mark a later run needs when the catalog forgets the table but its folder stays (see
    // leftover).
    Optional<String> location = target.ref.defaultLocation();
    Optional<String> actual = target.ref.location();
    if (location.isPresent()
        && actual.isPresent()
        && layout.format() == io.dlpipe.config.TableFormat.PARQUET) {
      OutputMarker.of(target.kind)
          .writeTo(new HadoopFiles(spark.sparkContext().hadoopConfiguration()), actual.get());
    }
  }

  /** Static partition overwrite: replaces exactly this date's partition, even with no rows. */
  private void insertOverwrite(Dataset<Row> frame, String name, List<String> order, DataType type) {
    String view = "dlpipe_predict_" + java.util.UUID.randomUUID().toString().replace("-", "");
    frame.createOrReplaceTempView(view);
    try {
      List<String> select = new ArrayList<>();
      for (String c : order) {
        select.add(quote(c));
      }
      String value = type.equals(DataTypes.DateType) ? "DATE '" + date + "'" : "'" + date + "'";
      spark.sql(
          "INSERT OVERWRITE TABLE "
              + name
              + " PARTITION ("
              + quote(layout.partitionColumn())
              + " = "
              + value
              + ") SELECT "
              + String.join(", ", select)
              + " FROM "
              + view);
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  private void checkExisting(Table t, Target target) {
    String kind = t.properties().get(KIND_PROPERTY);
    if (kind == null && !allowForeign) {
      throw new ConfigException(
          "Refusing to write "
              + target.role
              + ": the table exists and was not created by dlpipe (no table property "
              + KIND_PROPERTY
              + "); pass "
              + FOREIGN_FLAG
              + " to replace only the partition "
              + partition()
              + " in it, or choose another --output-table");
    }
    if (kind != null && !kind.equals(target.kind.id())) {
      throw new ConfigException(
          "Refusing to write "
              + target.role
              + ": the table holds dlpipe's "
              + kind
              + " rows ("
              + KIND_PROPERTY
              + "), not "
              + target.kind.id()
              + "; choose another --output-table");
    }
    String provider = provider(t);
    if (!List.of("delta", "iceberg", "parquet", "orc", "hive").contains(provider)) {
      throw new ConfigException(
          "Refusing to write "
              + target.role
              + ": its format is "
              + (provider.isEmpty() ? "unknown" : provider)
              + "; predict writes Delta, Iceberg, Parquet, ORC and Hive tables");
    }
    partitionType(t, target);
  }

  /**
   * The type of the partition column: the table must be partitioned by it alone, as text or a date.
   */
  private DataType partitionType(Table t, Target target) {
    String column = layout.partitionColumn();
    List<String> by = new ArrayList<>();
    for (Transform p : t.partitioning()) {
      by.add(p.describe());
    }
    Transform[] parts = t.partitioning();
    boolean ok =
        parts.length == 1
            && parts[0].name().equals("identity")
            && parts[0].references().length == 1
            && String.join(".", parts[0].references()[0].fieldNames()).equalsIgnoreCase(column);
    if (!ok) {
      throw new ConfigException(
          "Refusing to write "
              + target.role
              + ": the table is partitioned by "
              + by
              + ", not by "
              + column
              + " alone (predict.table.partition-column); "
              + "predict replaces one partition per run, so choose another --output-table or set predict.table.partition-column");
    }
    for (StructField f : t.schema().fields()) {
      if (f.name().equalsIgnoreCase(column)) {
        if (f.dataType().equals(DataTypes.StringType) || f.dataType().equals(DataTypes.DateType)) {
          return f.dataType();
        }
        throw new ConfigException(
            "Refusing to write "
                + target.role
                + ": column '"
                + f.name()
                + "' is "
                + f.dataType().simpleString()
                + " in the table, but the run's date needs string or date");
      }
    }
    throw new IllegalStateException(
        "table " + target.ref.name() + " is partitioned by " + column + ", which its schema lacks");
  }

  private Column partitionValue(DataType type) {
    return functions.lit(date.toString()).cast(type);
  }

  /**
   * The rows must fit the table column for column (names compared case-insensitively, as Spark and
   * Hive do; types equal). Returns the table's columns but the partition column, in its order, for
   * a positional insert.
   */
  private static List<String> checkSchema(
      StructType tableSchema, StructType rows, String partitionColumn, Target target) {
    String prefix = "Refusing to write " + target.role + ": ";
    String advice = "; choose another --output-table (predict creates it), or move this table away";
    List<String> tableNames = new ArrayList<>();
    for (StructField f : tableSchema.fields()) {
      tableNames.add(f.name());
    }
    for (StructField f : rows.fields()) {
      StructField in = find(tableSchema, f.name());
      if (in == null) {
        throw new ConfigException(
            prefix
                + "the table has no column '"
                + f.name()
                + "' ("
                + f.dataType().simpleString()
                + "), which predict writes (its columns: "
                + tableNames
                + ")"
                + advice);
      }
      if (!in.dataType().catalogString().equals(f.dataType().catalogString())) {
        throw new ConfigException(
            prefix
                + "column '"
                + in.name()
                + "' is "
                + in.dataType().simpleString()
                + " in the table, but predict writes "
                + f.dataType().simpleString()
                + advice);
      }
    }
    List<String> order = new ArrayList<>();
    for (StructField f : tableSchema.fields()) {
      StructField mine = find(rows, f.name());
      if (mine == null) {
        throw new ConfigException(
            prefix
                + "the table's column '"
                + f.name()
                + "' is not among the columns predict writes ("
                + Arrays.asList(rows.fieldNames())
                + ")"
                + advice);
      }
      order.add(mine.name());
    }
    order.removeIf(c -> c.equalsIgnoreCase(partitionColumn));
    return order;
  }

  private static StructField find(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  private static String provider(Table t) {
    String p = t.properties().get(TableCatalog.PROP_PROVIDER);
    return p == null ? "" : p.toLowerCase(Locale.ROOT);
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
