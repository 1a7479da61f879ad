package io.dlpipe.input;

import io.dlpipe.ConfigException;
import io.dlpipe.workspace.OutputGuard;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.CatalogManager;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;

/**
 * A table name as the user wrote it ({@code db.name}, {@code catalog.db.name}, {@code
 * delta.`/path`}), resolved to the catalog that holds it the way Spark SQL resolves it: a first
 * part that names a registered catalog selects it, anything else is the session catalog. dlpipe
 * looks tables up through the catalog API rather than by running SQL, so existence, properties
 * (dlpipe's ownership mark), schema, partitioning and location come from one {@link Table}.
 */
public final class TableRef {
  /** The session catalog's name in Spark SQL. */
  private static final String SESSION_CATALOG = "spark_catalog";

  private final SparkSession spark;
  private final String name;
  private final TableCatalog catalog;
  private final Identifier ident;
  private final boolean inSessionCatalog;

  private TableRef(
      SparkSession spark,
      String name,
      TableCatalog catalog,
      Identifier ident,
      boolean inSessionCatalog) {
    this.spark = spark;
    this.name = name;
    this.catalog = catalog;
    this.ident = ident;
    this.inSessionCatalog = inSessionCatalog;
  }

  /**
   * Resolves {@code name} against the session's catalogs. A name the parser refuses, or a catalog
   * that holds no tables, is a {@link ConfigException} naming {@code role}.
   */
  public static TableRef resolve(SparkSession spark, String name, String role) {
    List<String> parts;
    try {
      parts =
          scala.collection.JavaConverters.seqAsJavaList(
              spark.sessionState().sqlParser().parseMultipartIdentifier(name));
    } catch (org.apache.spark.sql.catalyst.parser.ParseException | RuntimeException e) {
      throw new ConfigException(
          "Invalid "
              + role
              + " '"
              + name
              + "': not a table name Spark SQL accepts (quote parts with backticks)",
          e);
    }
    CatalogManager catalogs = spark.sessionState().catalogManager();
    CatalogPlugin plugin;
    List<String> rest;
    boolean session;
    if (parts.size() > 1 && parts.get(0).equalsIgnoreCase(SESSION_CATALOG)) {
      plugin = catalogs.v2SessionCatalog();
      rest = parts.subList(1, parts.size());
      session = true;
    } else if (parts.size() > 1 && catalogs.isCatalogRegistered(parts.get(0))) {
      plugin = catalogs.catalog(parts.get(0));
      rest = parts.subList(1, parts.size());
      session = false;
    } else if (parts.size() == 1) {
      // A bare name lives in the current namespace of the current catalog, as in SQL.
      plugin = catalogs.currentCatalog();
      rest = new java.util.ArrayList<>(List.of(catalogs.currentNamespace()));
      rest.add(parts.get(0));
      session = plugin.name().equalsIgnoreCase(SESSION_CATALOG);
    } else {
      plugin = catalogs.v2SessionCatalog();
      rest = parts;
      session = true;
    }
    if (!(plugin instanceof TableCatalog tables)) {
      throw new ConfigException(
          "Invalid " + role + " '" + name + "': the catalog " + plugin.name() + " holds no tables");
    }
    Identifier ident =
        Identifier.of(
            rest.subList(0, rest.size() - 1).toArray(new String[0]), rest.get(rest.size() - 1));
    return new TableRef(spark, name, tables, ident, session);
  }

  /**
   * The name as the user wrote it: what messages show, and what Spark's readers and writers are
   * given.
   */
  public String name() {
    return name;
  }

  /**
   * The table {@code name + suffix} in the same catalog and namespace, e.g. the quarantine beside
   * an output table.
   */
  public String siblingName(String suffix) {
    return name.endsWith("`") ? name.substring(0, name.length() - 1) + suffix + "`" : name + suffix;
  }

  /**
   * Whether this is Delta's name for a table by its path, {@code delta.`/path/to/table`}: a Delta
   * table whatever else is configured.
   */
  public boolean isDeltaPath() {
    return inSessionCatalog
        && ident.namespace().length == 1
        && ident.namespace()[0].equalsIgnoreCase("delta")
        && ident.name().contains("/");
  }

  /** Whether the table lives in the session catalog (where a new table's format must be chosen). */
  public boolean inSessionCatalog() {
    return inSessionCatalog;
  }

  /** The table, or empty when the catalog has none of that name (nor its namespace). */
  public Optional<Table> load() {
    if (isDeltaPath() && !hasDeltaLog()) {
      // Delta's catalog answers for any path, table or not; a Delta table is a folder with a
      // _delta_log.
      return Optional.empty();
    }
    try {
      return Optional.of(catalog.loadTable(ident));
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      return Optional.empty();
    } catch (org.apache.spark.sql.AnalysisException e) {
      // A missing namespace (database) means a missing table; Spark throws its own exception for
      // it.
      if (e instanceof org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private boolean hasDeltaLog() {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(ident.name(), "_delta_log");
    try {
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot look for " + log, e);
    }
  }

  /**
   * Refuses, before anything is written, a table the session catalog could not create: a name other
   * than letters, digits and _ (Spark's own rule for that catalog, checked only when it creates the
   * table, after the rows were computed), or a database it does not have.
   */
  public void requireCreatable(String role) {
    if (!inSessionCatalog || isDeltaPath()) {
      return;
    }
    for (String part :
        ident.namespace().length == 0
            ? new String[] {ident.name()}
            : new String[] {ident.namespace()[ident.namespace().length - 1], ident.name()}) {
      if (!part.matches("\\w+")) {
        throw new ConfigException(
            "Invalid "
                + role
                + " '"
                + name
                + "': the session catalog takes only letters, digits and _ in database and table names, found '"
                + part
                + "'");
      }
    }
    if (catalog instanceof org.apache.spark.sql.connector.catalog.SupportsNamespaces spaces
        && ident.namespace().length > 0
        && !spaces.namespaceExists(ident.namespace())) {
      throw new ConfigException(
          "Invalid "
              + role
              + " '"
              + name
              + "': the database "
              + String.join(".", ident.namespace())
              + " does not exist in the session catalog"
              + " (predict creates tables, not databases); create it, or name a table of an existing database");
    }
  }

  /**
   * Where the session catalog puts this table when it creates it (its managed location), for a
   * table it does not know; empty for other catalogs and Delta paths.
   */
  public Optional<String> defaultLocation() {
    if (!inSessionCatalog || isDeltaPath() || ident.namespace().length > 1) {
      return Optional.empty();
    }
    scala.Option<String> db =
        ident.namespace().length == 0
            ? scala.Option.empty()
            : scala.Option.apply(ident.namespace()[0]);
    return Optional.of(
        spark
            .sessionState()
            .catalog()
            .defaultTablePath(new org.apache.spark.sql.catalyst.TableIdentifier(ident.name(), db))
            .toString());
  }

  /**
   * Where the table's files are, when its catalog says (Hive, Delta and Iceberg tables do): the
   * place {@link OutputGuard} compares with what dlpipe replaces.
   */
  public Optional<String> location() {
    return load()
        .map(t -> t.properties().get(TableCatalog.PROP_LOCATION))
        .filter(l -> l != null && !l.isBlank());
  }
}
