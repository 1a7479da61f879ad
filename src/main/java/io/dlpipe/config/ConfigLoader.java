package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.dlpipe.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Builds a {@link DlpipeConfig} from the layers built-in defaults &lt; {@code --conf FILE} &lt;
 * {@code --set key=value}, resolving {@code ${?ENV}} substitutions, and validates all of it before
 * anything else runs. Every failure is a {@link ConfigException} naming the key, the expected and
 * the found value.
 */
public final class ConfigLoader {
  /** Classpath resource holding every known key beside its default. */
  public static final String DEFAULTS_RESOURCE = "dlpipe-defaults.conf";

  /** Objects whose keys are the user's own (column names, Spark settings), not dlpipe's. */
  private static final Set<String> FREE_FORM = Set.of("input.columns", "input.options", "spark.conf", "train.class-weights", "tune.space", "etl.normalize.numeric-encoding-columns");

  private static final Pattern SCALAR_LITERAL =
      Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|null|\\[.*]|\\{.*}|\".*\"");

  private ConfigLoader() {}

  /** Loads, merges, resolves and validates. {@code confFile} may be null (defaults and sets only). */
  public static DlpipeConfig load(Path confFile, List<String> sets) {
    return load(confFile, sets, System.getenv());
  }

  /** As {@link #load(Path, List)}, reading environment settings ({@code DLPIPE_PII_SALT}) from {@code env}. */
  public static DlpipeConfig load(Path confFile, List<String> sets, Map<String, String> env) {
    return load(confFile, sets, null, env);
  }

  /**
   * As {@link #load(Path, List)}, with the run date of {@code --date} (null: none) set as
   * {@code run.date} over every layer, before substitutions resolve.
   */
  public static DlpipeConfig load(Path confFile, List<String> sets, String date) {
    return load(confFile, sets, date, System.getenv());
  }

  /** As {@link #load(Path, List, String)}, reading environment settings from {@code env}. */
  public static DlpipeConfig load(Path confFile, List<String> sets, String date, Map<String, String> env) {
    Config defaults = defaults();
    Config file = ConfigFactory.empty();
    if (confFile != null) {
      if (!Files.isRegularFile(confFile)) {
        throw new ConfigException("Config file not found: " + confFile + " (given with --conf)");
      }
      try {
        file = ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException("Config file " + confFile + " is not valid HOCON: " + e.getMessage(), e);
      }
    }
    // The user's secret-key globs must be known before a --set is echoed in any message.
    SecretMasker early = SecretMasker.of(earlySecretKeys(file, sets));
    Config overrides = ConfigFactory.empty();
    for (String set : sets) {
      overrides = parseSet(set, early).withFallback(overrides);
    }
    if (date != null) {
      RunDates.requireOneDate(overrides, file, date);
      overrides = RunDates.fromOption(date).withFallback(overrides);
    }
    Config user = overrides.withFallback(file);
    checkKnownKeys(user, defaults);
    Config resolved = RunDates.resolve(user, defaults);
    // Validated before the tokens are replaced, so a bad --date is reported as itself.
    return build(RunDates.substituteTokens(resolved, RunDates.date(resolved)), env);
  }

  /** security.secret-keys from the file and the --set arguments, before either is validated. */
  private static List<String> earlySecretKeys(Config file, List<String> sets) {
    List<String> globs = new ArrayList<>();
    String key = "security.secret-keys";
    try {
      if (file.hasPath(key)) {
        file.getList(key).unwrapped().forEach(o -> globs.add(String.valueOf(o)));
      }
    } catch (com.typesafe.config.ConfigException e) {
      // reported with its key when the whole tree is validated
    }
    for (String set : sets) {
      int eq = indexOfUnquoted(set, '=');
      if (eq > 0 && set.substring(0, eq).trim().equals(key)) {
        try {
          ConfigFactory.parseString("k = " + set.substring(eq + 1)).getList("k").unwrapped().forEach(o -> globs.add(String.valueOf(o)));
        } catch (com.typesafe.config.ConfigException e) {
          // idem
        }
      }
    }
    return globs;
  }

  /**
   * {@code base} with some keys replaced, validated like any other config: how a tuning trial gets
   * its settings. Each key must be one dlpipe knows.
   */
  public static DlpipeConfig withValues(DlpipeConfig base, Map<String, Object> values) {
    Config c = base.resolved();
    Config defaults = defaults();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (!isKnown(defaults, e.getKey()) || isFreeForm(e.getKey())) {
        throw new ConfigException("Invalid configuration: tune.space." + e.getKey() + ": expected a key dlpipe knows (see " + DEFAULTS_RESOURCE + "), found an unknown key");
      }
      c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "tune.space"));
    }
    // The salt was read from the environment when base was loaded; a trial reuses it.
    return build(c, Map.of(PrivacyConfig.SALT_ENV, base.privacy().salt()));
  }

  /** The built-in defaults, unresolved-free and with required keys as nulls. */
  public static Config defaults() {
    return ConfigFactory.parseResources(
        ConfigLoader.class.getClassLoader(),
        DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
  }

  /**
   * Parses one {@code key=value}. The value is read as HOCON only when it is plainly a number,
   * boolean, list, object or quoted string; anything else is taken as literal text, because paths
   * like {@code s3a://b/dt=2026-11-28} contain characters (':', '//', '=') that HOCON would read
   * as syntax or a comment.
   */
  static Config parseSet(String set) {
    return parseSet(set, SecretMasker.builtIn());
  }

  /** As {@link #parseSet(String)}; a secret's value never appears in a message or an origin. */
  static Config parseSet(String set, SecretMasker masker) {
    int eq = indexOfUnquoted(set, '=');
    if (eq <= 0) {
      throw new ConfigException("Invalid --set '" + masker.scrub(set) + "': expected key=value, found no key");
    }
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    if (masker.isSecret(key)) {
      // The origin travels with the value into every later message ("(--set ...)").
      set = key + "=" + SecretMasker.MASK;
    }
    try {
      ConfigUtil.splitPath(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("Invalid --set '" + set + "': '" + key + "' is not a valid key path", e);
    }
    String origin = "--set " + set;
    if (SCALAR_LITERAL.matcher(value).matches() && !RunDates.isToken(value)) {
      try {
        return ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults().setOriginDescription(origin));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException("Invalid --set '" + set + "': " + (masker.isSecret(key) ? "not a valid HOCON value" : e.getMessage()), e);
      }
    }
    return ConfigValueFactory.fromAnyRef(value, origin).atPath(key);
  }

  private static int indexOfUnquoted(String s, char wanted) {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == wanted && !quoted) {
        return i;
      }
    }
    return -1;
  }

  /** A key the defaults do not declare is a typo: stop, and suggest the closest known key. */
  private static void checkKnownKeys(Config user, Config defaults) {
    List<String> known = new ArrayList<>();
    leafPaths("", defaults.root(), known);
    List<String> userLeaves = new ArrayList<>();
    leafPaths("", user.root(), userLeaves);
    for (String path : userLeaves) {
      if (isFreeForm(path) || isKnown(defaults, path)) {
        continue;
      }
      ConfigValue v = valueAt(user, path);
      String origin = v == null ? "" : " (" + ConfigReader.origin(v) + ")";
      String hint = closest(path, known).map(k -> "; did you mean '" + k + "'?").orElse("");
      throw new ConfigException(
          "Invalid configuration: unknown key '" + path + "'" + origin + hint
              + " Every key is listed with its default in " + DEFAULTS_RESOURCE + ".");
    }
  }

  private static boolean isFreeForm(String path) {
    for (String prefix : FREE_FORM) {
      if (path.startsWith(prefix + ".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isKnown(Config defaults, String path) {
    try {
      return defaults.hasPathOrNull(path);
    } catch (com.typesafe.config.ConfigException e) {
      return false; // a path through a scalar, e.g. input.path.x
    }
  }

  private static ConfigValue valueAt(Config config, String path) {
    try {
      return config.hasPathOrNull(path) ? config.getValue(path) : null;
    } catch (com.typesafe.config.ConfigException e) {
      return null;
    }
  }

  /** Leaf paths, including null and unresolved values (entrySet() skips or rejects those). */
  static void leafPaths(String prefix, ConfigObject obj, List<String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = prefix.isEmpty() ? ConfigUtil.joinPath(e.getKey()) : prefix + "." + ConfigUtil.joinPath(e.getKey());
      ConfigValue v = e.getValue();
      if (!(v instanceof ConfigObject)) {
        out.add(path); // a scalar, a list, or a substitution not resolved yet
      } else if (!FREE_FORM.contains(path) && !((ConfigObject) v).isEmpty()) {
        leafPaths(path, (ConfigObject) v, out);
      } else if (FREE_FORM.contains(path)) {
        for (String k : ((ConfigObject) v).keySet()) {
          out.add(path + "." + ConfigUtil.joinPath(k));
        }
      } else {
        out.add(path);
      }
    }
  }

  private static Optional<String> closest(String path, List<String> known) {
    return known.stream()
        .filter(k -> !isFreeForm(k))
        .min(Comparator.comparingInt(k -> levenshtein(path, k)))
        .filter(k -> levenshtein(path, k) <= Math.max(2, path.length() / 5));
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static DlpipeConfig build(Config c, Map<String, String> env) {
    SecurityConfig security = new SecurityConfig(new ConfigReader(c, SecretMasker.builtIn()).stringList("security.secret-keys"));
    ConfigReader r = new ConfigReader(c, SecretMasker.of(security.secretKeys()));

    InputFormat format = r.enumValue("input.format", InputFormat.class);
    InputConfig input =
        new InputConfig(
            inputPath(r, c, format),
            format,
            r.bool("input.header"),
            String.valueOf(r.character("input.delimiter")),
            String.valueOf(r.character("input.quote")),
            String.valueOf(r.character("input.escape")),
            charset(r, c),
            r.stringList("input.null-values"),
            r.enumMap("input.columns", ColumnRole.class),
            r.bool("input.infer-roles"),
            r.stringMap("input.options"),
            multiLine(c),
            inputTable(r, c, format),
            inputWhere(r, c),
            (int) r.integer("input.csv.max-record-lines", 1, 1_000_000));
    checkReaderOptions(input, c);

    TargetConfig target =
        new TargetConfig(
            r.requiredString("target.column", "the name of the column to predict"),
            r.enumValue("target.task", Task.class),
            r.stringList("target.classes"),
            (int) r.integer("target.max-classes", 2, 100_000),
            positiveClass(r, c));
    if (input.columns().containsKey(target.column())) {
      throw ConfigReader.invalid(
          "input.columns." + ConfigReader.quoteKey(target.column()),
          "no role for the target column " + target.column() + " (the target is never a feature)",
          c.getValue("input.columns." + ConfigUtil.joinPath(target.column())));
    }
    if (target.task() == Task.REGRESSION && !target.classes().isEmpty()) {
      throw ConfigReader.invalid("target.classes", "an empty list for task = regression", c.getValue("target.classes"));
    }
    if (target.classes().size() == 1 || new TreeSet<>(target.classes()).size() != target.classes().size()) {
      throw ConfigReader.invalid("target.classes", "at least 2 distinct class labels", c.getValue("target.classes"));
    }
    checkPositiveClass(target, c);

    OutputConfig output = new OutputConfig(r.requiredString("output.dir", "a path for the workspace"),
        r.duration("output.lock.stale-after", java.time.Duration.ofSeconds(1), java.time.Duration.ofDays(1)));

    EtlConfig etl = etl(r, c);
    TrainConfig train = train(r, c, target);
    SparkSettings spark =
        new SparkSettings(r.string("spark.master", "a Spark master URL"), r.string("spark.app-name", "a name"), r.stringMap("spark.conf"), memorySize(r, c, "spark.executor-offheap"));
    EvaluateConfig evaluate = evaluate(r, c);
    PrivacyConfig privacy = privacy(r, c, env, target, etl);
    DlpipeConfig built = new DlpipeConfig(input, target, output, etl, train, evaluate, spark, security, privacy, tune(r, c), schedule(r, c), c);
    // Read on demand by predict; validated here so that a bad value stops every command before Spark starts.
    built.predictTable();
    return built;
  }

  /** input.path: required for the file formats; a table's location comes from the catalog, so none with format table. */
  private static String inputPath(ConfigReader r, Config c, InputFormat format) {
    if (format != InputFormat.TABLE) {
      return r.requiredString("input.path", "a path to the raw data");
    }
    if (!c.getIsNull("input.path") && !String.valueOf(c.getValue("input.path").unwrapped()).isBlank()) {
      throw ConfigReader.invalid("input.path", "no value when input.format = table (input.table names the table)", c.getValue("input.path"));
    }
    return "";
  }

  /** input.table: a table name the SQL parser accepts, required with format table and refused otherwise. */
  private static String inputTable(ConfigReader r, Config c, InputFormat format) {
    String key = "input.table";
    String expected = "a table of the session's catalog such as db.name when input.format = table";
    if (format != InputFormat.TABLE) {
      if (!r.string(key, expected).isBlank()) {
        throw ConfigReader.invalid(key, "no value unless input.format = table (found input.format = " + EnumNames.kebab(format) + ")", c.getValue(key));
      }
      return "";
    }
    String table = r.requiredString(key, expected);
    try {
      org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseMultipartIdentifier(table);
    } catch (Exception e) { // Scala throws ParseException undeclared
      throw ConfigReader.invalid(key, expected + " (a name the SQL parser accepts; quote parts with backticks)", c.getValue(key));
    }
    return table;
  }

  /** input.where: empty, or a SQL predicate; parsed here so that a typo stops before Spark starts. */
  private static String inputWhere(ConfigReader r, Config c) {
    String key = "input.where";
    String expected = "empty, or a SQL predicate on the input's columns such as dt = '2026-11-28'";
    String where = r.string(key, expected).trim();
    if (where.isEmpty()) {
      return where;
    }
    org.apache.spark.sql.catalyst.expressions.Expression parsed;
    try {
      parsed = org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseExpression(where);
    } catch (Exception e) { // Scala throws ParseException undeclared
      throw ConfigReader.invalid(key, expected, c.getValue(key));
    }
    String refused = WhereFunctions.firstRefused(parsed);
    if (refused != null) {
      throw ConfigReader.invalid(key, "a SQL predicate that calls only Spark's built-in functions and no Java method (" + refused + ")", c.getValue(key));
    }
    return where;
  }

  /**
   * privacy.*: a column may be dropped or hashed, not both; never the target (the model needs it);
   * never a column the split or dedup is keyed on when dropped; hashing needs the salt.
   */
  private static PrivacyConfig privacy(ConfigReader r, Config c, Map<String, String> env, TargetConfig target, EtlConfig etl) {
    List<String> drop = r.stringList("privacy.drop-columns");
    List<String> hash = r.stringList("privacy.hash-columns");
    for (String col : drop) {
      if (hash.contains(col)) {
        throw ConfigReader.invalid("privacy.hash-columns", "no column also listed in privacy.drop-columns, found " + col + " in both", c.getValue("privacy.hash-columns"));
      }
      if (col.equals(etl.split().idColumn()) || etl.dedup().keyColumns().contains(col)) {
        throw ConfigReader.invalid("privacy.drop-columns", "no column that etl.split.id-column or etl.dedup.key-columns use (hash it instead), found " + col, c.getValue("privacy.drop-columns"));
      }
    }
    for (String key : List.of("privacy.drop-columns", "privacy.hash-columns")) {
      if (r.stringList(key).contains(target.column())) {
        throw ConfigReader.invalid(key, "columns other than the target " + target.column() + " (the model must see the target)", c.getValue(key));
      }
    }
    String salt = "";
    if (!hash.isEmpty()) {
      salt = env.getOrDefault(PrivacyConfig.SALT_ENV, "");
      if (salt.isEmpty()) {
        throw new ConfigException("Invalid configuration: privacy.hash-columns: expected the environment variable " + PrivacyConfig.SALT_ENV
            + " to hold the salt of the hashes, found it unset (" + ConfigReader.origin(c.getValue("privacy.hash-columns")) + ")");
      }
      if (salt.length() < PrivacyConfig.MIN_SALT_LENGTH) {
        throw new ConfigException("Invalid configuration: privacy.hash-columns: expected " + PrivacyConfig.SALT_ENV + " to hold at least "
            + PrivacyConfig.MIN_SALT_LENGTH + " characters, found " + salt.length() + " (a short salt makes hashed values easy to guess)");
      }
    }
    return new PrivacyConfig(drop, hash, salt);
  }

  /** input.csv.multi-line: auto, or a boolean (HOCON reads a bare true/false as one). */
  private static CsvMultiLine multiLine(Config c) {
    String path = "input.csv.multi-line";
    String expected = "auto | true | false";
    if (c.getIsNull(path)) {
      throw ConfigReader.invalid(path, expected, c.getValue(path));
    }
    ConfigValue v = c.getValue(path);
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) v.unwrapped() ? CsvMultiLine.TRUE : CsvMultiLine.FALSE;
    }
    CsvMultiLine m = v.valueType() == ConfigValueType.STRING ? ConfigReader.parseEnum(CsvMultiLine.class, (String) v.unwrapped()) : null;
    if (m == null) {
      throw ConfigReader.invalid(path, expected, v);
    }
    return m;
  }

  /**
   * Reader options that would make rows vanish outside the accounting (read = written +
   * duplicates removed + quarantined), or that dlpipe sets itself, are refused.
   */
  private static void checkReaderOptions(InputConfig input, Config c) {
    for (Map.Entry<String, String> e : input.options().entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      String path = "input.options." + ConfigReader.quoteKey(e.getKey());
      if (key.equals("mode") && !e.getValue().equalsIgnoreCase("PERMISSIVE")) {
        throw ConfigReader.invalid(path, "PERMISSIVE or no mode (DROPMALFORMED would drop rows outside the accounting, FAILFAST would stop at the first bad row"
            + " instead of quarantining it)", c.getObject("input.options").get(e.getKey()));
      }
      if (key.equals("columnnameofcorruptrecord") || key.equals("multiline") && input.format() == InputFormat.CSV) {
        String instead = key.equals("multiline") ? "; set input.csv.multi-line instead" : "";
        throw ConfigReader.invalid(path, "no value (dlpipe sets this reader option itself" + instead + ")",
            c.getObject("input.options").get(e.getKey()));
      }
    }
  }

  /** A Spark memory size such as 512m or 4g; empty is allowed and means "derive it". */
  private static String memorySize(ConfigReader r, Config c, String path) {
    String size = r.string(path, "a memory size such as 4g or 512m").trim();
    if (!size.isEmpty() && !size.matches("(?i)\\d+[kmgt]b?")) {
      throw ConfigReader.invalid(path, "a memory size such as 4g or 512m, or empty", c.getValue(path));
    }
    return size;
  }

  private static String charset(ConfigReader r, Config c) {
    String name = r.string("input.encoding", "a charset name");
    try {
      return java.nio.charset.Charset.forName(name).name();
    } catch (IllegalArgumentException e) {
      throw ConfigReader.invalid("input.encoding", "a charset this JVM supports, e.g. UTF-8", c.getValue("input.encoding"));
    }
  }

  private static EtlConfig etl(ConfigReader r, Config c) {
    EtlConfig.Infer infer =
        new EtlConfig.Infer(
            r.number("etl.infer.numeric-min-parse-ratio", 0, 1, false, true),
            r.number("etl.infer.id-like-min-distinct-ratio", 0, 1, false, true),
            (int) r.integer("etl.infer.max-categorical-numeric-levels", 0, 10_000),
            r.bool("etl.infer.dates"));

    EtlConfig.Dedup dedup =
        new EtlConfig.Dedup(r.enumValue("etl.dedup.mode", EtlConfig.DedupMode.class), r.stringList("etl.dedup.key-columns"));
    if (dedup.mode() == EtlConfig.DedupMode.KEYS && dedup.keyColumns().isEmpty()) {
      throw ConfigReader.invalid("etl.dedup.key-columns", "at least one column when etl.dedup.mode = keys", c.getValue("etl.dedup.key-columns"));
    }

    EtlConfig.Impute impute =
        new EtlConfig.Impute(
            r.enumValue("etl.impute.numeric", EtlConfig.NumericImpute.class),
            r.enumValue("etl.impute.categorical", EtlConfig.CategoricalImpute.class));

    EtlConfig.Clip clip =
        new EtlConfig.Clip(
            r.bool("etl.clip.enabled"),
            r.number("etl.clip.lower-quantile", 0, 0.5, true, false),
            r.number("etl.clip.upper-quantile", 0.5, 1, false, true));

    EtlConfig.Normalize normalize =
        new EtlConfig.Normalize(
            r.enumValue("etl.normalize.method", EtlConfig.NormalizeMethod.class),
            r.enumValue("etl.normalize.log", EtlConfig.LogMode.class),
            r.stringList("etl.normalize.log-columns"),
            r.number("etl.normalize.log-skew-threshold", 0, Double.MAX_VALUE, true, true),
            r.enumValue("etl.normalize.numeric-encoding", EtlConfig.NumericEncoding.class),
            r.enumMap("etl.normalize.numeric-encoding-columns", EtlConfig.NumericEncoding.class),
            (int) r.integer("etl.normalize.piecewise-linear-bins", 2, 256),
            (int) r.integer("etl.normalize.periodic-frequencies", 1, 64),
            r.number("etl.normalize.periodic-sigma", 0, 100, false, true));
    if (normalize.log() == EtlConfig.LogMode.LISTED && normalize.logColumns().isEmpty()) {
      throw ConfigReader.invalid("etl.normalize.log-columns", "at least one column when etl.normalize.log = listed", c.getValue("etl.normalize.log-columns"));
    }

    EtlConfig.Categorical categorical =
        new EtlConfig.Categorical(
            r.enumValue("etl.categorical.encoding", EtlConfig.CategoricalEncoding.class),
            (int) r.integer("etl.categorical.top-k", 1, 10_000),
            r.integer("etl.categorical.min-count", 1, Long.MAX_VALUE / 2));

    EtlConfig.Split split =
        new EtlConfig.Split(
            r.number("etl.split.train", 0, 1, false, true),
            // Zero would leave a split empty: early stopping and evaluate need rows in both.
            r.number("etl.split.validation", 0, 1, false, false),
            r.number("etl.split.test", 0, 1, false, false),
            r.integer("etl.split.seed", Long.MIN_VALUE / 2, Long.MAX_VALUE / 2),
            r.string("etl.split.id-column", "a column name, or empty for the whole row").trim());
    double sum = split.train() + split.validation() + split.test();
    if (Math.abs(sum - 1.0) > 1e-9) {
      throw new ConfigException(
          String.format(
              Locale.ROOT,
              "Invalid configuration: etl.split: expected train + validation + test = 1, found %s + %s + %s = %s (%s)",
              split.train(), split.validation(), split.test(), sum, ConfigReader.origin(c.getValue("etl.split.train"))));
    }

    String compression = r.string("etl.write.compression", "snappy | zstd | gzip | none").toLowerCase(Locale.ROOT);
    if (!Set.of("snappy", "zstd", "gzip", "none").contains(compression)) {
      throw ConfigReader.invalid("etl.write.compression", "snappy | zstd | gzip | none", c.getValue("etl.write.compression"));
    }
    EtlConfig.Write write = new EtlConfig.Write((int) r.integer("etl.write.target-file-mb", 1, 4096), compression);

    return new EtlConfig(
        r.number("etl.max-reject-ratio", 0, 1, true, true),
        infer, dedup, impute, clip, normalize, categorical, split, write,
        r.number("etl.quantile-relative-error", 0, 0.1, false, true));
  }

  private static EvaluateConfig evaluate(ConfigReader r, Config c) {
    long folds = r.integer("evaluate.cross-validation.folds", 0, 20);
    if (folds == 1) {
      throw ConfigReader.invalid("evaluate.cross-validation.folds", "0 (off) or an integer in [2, 20]", c.getValue("evaluate.cross-validation.folds"));
    }
    String thresholdKey = "evaluate.threshold";
    ConfigValue t = c.getValue(thresholdKey);
    Double threshold;
    if (t.valueType() == ConfigValueType.STRING && "auto".equals(t.unwrapped())) {
      threshold = null;
    } else if (t.valueType() == ConfigValueType.NUMBER && ((Number) t.unwrapped()).doubleValue() > 0 && ((Number) t.unwrapped()).doubleValue() < 1) {
      threshold = ((Number) t.unwrapped()).doubleValue();
    } else {
      throw ConfigReader.invalid(thresholdKey, "auto or a number in (0, 1)", t);
    }
    String rungsKey = "evaluate.baselines";
    List<EvaluateConfig.Rung> rungs = new ArrayList<>();
    for (String name : r.stringList(rungsKey)) {
      EvaluateConfig.Rung rung = java.util.Arrays.stream(EvaluateConfig.Rung.values()).filter(x -> EnumNames.kebab(x).equals(name.trim())).findFirst()
          .orElseThrow(() -> ConfigReader.invalid(rungsKey, "a list of linear | gbt", c.getValue(rungsKey)));
      if (!rungs.contains(rung)) {
        rungs.add(rung);
      }
    }
    return new EvaluateConfig(
        (int) r.integer("evaluate.batch-size", 1, 1 << 20),
        r.bool("evaluate.baseline"),
        new EvaluateConfig.Importance(
            r.bool("evaluate.importance.enabled"),
            (int) r.integer("evaluate.importance.sample-rows", 10, 1_000_000),
            (int) r.integer("evaluate.importance.repeats", 1, 100),
            r.integer("evaluate.importance.seed", Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)),
        (int) folds,
        r.bool("evaluate.report"),
        threshold,
        new EvaluateConfig.Costs(
            r.number("evaluate.costs.false-positive", 0, Double.MAX_VALUE, true, true),
            r.number("evaluate.costs.false-negative", 0, Double.MAX_VALUE, true, true)),
        rungs,
        (int) r.integer("evaluate.gbt.max-iter", 1, 10_000));
  }

  private static String gradientSharingMask(ConfigReader r, Config c) {
    String key = "train.master.gradient-sharing-network-mask";
    String mask = r.string(key, "an IPv4 network in CIDR notation such as 10.1.0.0/16, or empty").trim();
    if (!mask.isEmpty() && !mask.matches("^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$")) {
      throw ConfigReader.invalid(key, "an IPv4 network in CIDR notation such as 10.1.0.0/16, or empty", c.getValue(key));
    }
    return mask;
  }

  /**
   * A number in [min, max) (or (min, max] when {@code positive}), or the string auto, read as NaN:
   * the trainer resolves it once the width is known.
   */
  private static double autoNumber(ConfigReader r, Config c, String key, double min, double max, boolean positive) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() == ConfigValueType.STRING && "auto".equals(((String) v.unwrapped()).trim())) {
      return Double.NaN;
    }
    String range = positive ? "(" + fmtBound(min) + ", " + fmtBound(max) + "]" : "[" + fmtBound(min) + ", " + fmtBound(max) + ")";
    double d;
    try {
      d = v.valueType() == ConfigValueType.NUMBER ? ((Number) v.unwrapped()).doubleValue()
          : v.valueType() == ConfigValueType.STRING ? Double.parseDouble(((String) v.unwrapped()).trim()) : Double.NaN;
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (positive ? !(d > min && d <= max) : !(d >= min && d < max)) {
      throw ConfigReader.invalid(key, "auto or a number in " + range, v);
    }
    return d;
  }

  private static String fmtBound(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static TrainConfig train(ConfigReader r, Config c, TargetConfig target) {
    String hiddenKey = "train.model.hidden-layers";
    List<Integer> hidden = new ArrayList<>();
    for (String s : r.stringList(hiddenKey)) {
      int width;
      try {
        double d = Double.parseDouble(s.trim());
        width = d == Math.rint(d) && d >= 1 && d <= 65_536 ? (int) d : -1;
      } catch (NumberFormatException e) {
        width = -1;
      }
      if (width < 1) {
        throw ConfigReader.invalid(hiddenKey, "a list of layer widths, integers in [1, 65536]", c.getValue(hiddenKey));
      }
      hidden.add(width);
    }
    TrainConfig.Model model =
        new TrainConfig.Model(
            r.enumValue("train.model.architecture", TrainConfig.Architecture.class),
            hidden,
            r.enumValue("train.model.activation", TrainConfig.Activation.class),
            r.enumValue("train.model.weight-init", TrainConfig.WeightInit.class),
            r.number("train.model.dropout", 0, 1, true, false),
            r.number("train.model.l2", 0, 1, true, true),
            r.number("train.model.weight-decay", 0, 1, true, true),
            r.bool("train.model.batch-normalization"),
            r.enumValue("train.model.classification-output", TrainConfig.ClassificationOutput.class),
            new TrainConfig.SmallData(r.integer("train.model.small-data.rows", 0, Long.MAX_VALUE / 2),
                r.number("train.model.small-data.dropout", 0, 1, true, false), r.number("train.model.small-data.l2", 0, 1, true, true)));
    if (model.weightDecay() > 0 && model.l2() > 0) {
      // DL4J drops L2 with a warning when weight decay is set: one must be chosen.
      throw ConfigReader.invalid("train.model.weight-decay", "0 while train.model.l2 is above 0 (set l2 = 0 to use weight decay)", c.getValue("train.model.weight-decay"));
    }
    if (model.classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      if (target.task() != Task.CLASSIFICATION) {
        throw ConfigReader.invalid(
            "train.model.classification-output", "softmax unless target.task = classification", c.getValue("train.model.classification-output"));
      }
      if (!target.classes().isEmpty() && target.classes().size() != 2) {
        throw ConfigReader.invalid(
            "train.model.classification-output",
            "softmax for " + target.classes().size() + " classes (sigmoid needs exactly 2 in target.classes)",
            c.getValue("train.model.classification-output"));
      }
    }

    TrainConfig.Schedule schedule =
        new TrainConfig.Schedule(
            r.enumValue("train.updater.schedule.type", TrainConfig.ScheduleType.class),
            r.number("train.updater.schedule.decay-rate", 0, 1, false, true),
            (int) r.integer("train.updater.schedule.decay-epochs", 1, 100_000),
            (int) r.integer("train.updater.schedule.warmup-epochs", 0, 100_000));
    TrainConfig.Updater updater =
        new TrainConfig.Updater(
            r.enumValue("train.updater.type", TrainConfig.UpdaterType.class),
            r.number("train.updater.learning-rate", 0, 10, false, true),
            r.number("train.updater.momentum", 0, 1, true, false),
            r.number("train.updater.rms-decay", 0, 1, false, false),
            schedule);

    TrainConfig.Master master =
        new TrainConfig.Master(
            r.enumValue("train.master.type", TrainConfig.MasterType.class),
            (int) r.integer("train.batch-size-per-worker", 0, 1_000_000),
            (int) r.integer("train.averaging-frequency", 0, 100_000),
            (int) r.integer("train.worker-prefetch-batches", 0, 1_000),
            (int) r.integer("train.workers", 0, 1_000_000),
            r.enumValue("train.approach", TrainConfig.Approach.class),
            r.string("train.export-dir", "a Hadoop path, or empty for <output.dir>/model/_export").trim(),
            r.enumValue("train.repartition", TrainConfig.Repartition.class),
            r.enumValue("train.repartition-strategy", TrainConfig.RepartitionStrategy.class),
            r.enumValue("train.storage-level", TrainConfig.StorageLevelName.class),
            r.bool("train.collect-stats"),
            (int) r.integer("train.threads-per-worker", 0, 1_024),
            r.enumValue("train.lr-batch-scaling", TrainConfig.BatchScaling.class),
            (int) r.integer("train.lr-base-batch-size", 1, 1_000_000),
            (int) r.integer("train.lr-warmup-iterations", 0, 100_000_000),
            gradientSharingMask(r, c),
            new TrainConfig.Averaging(
                r.enumValue("train.averaging.method", TrainConfig.AveragingMethod.class),
                autoNumber(r, c, "train.averaging.block-momentum", 0, 1, false),
                autoNumber(r, c, "train.averaging.block-learning-rate", 0, 10, true),
                r.bool("train.averaging.nesterov"),
                r.enumValue("train.averaging.updater-state", TrainConfig.UpdaterState.class),
                r.bool("train.averaging.scale-learning-rate")));

    TrainConfig.TargetTransform targetTransform = r.enumValue("train.target-transform", TrainConfig.TargetTransform.class);
    TrainConfig.Loss loss = r.enumValue("train.loss", TrainConfig.Loss.class);
    if (loss == TrainConfig.Loss.POISSON && targetTransform != TrainConfig.TargetTransform.AUTO) {
      // The Poisson loss fits the mean count in the target's own units: a log or a shift would change what it fits.
      throw ConfigReader.invalid("train.target-transform", "auto with train.loss = poisson (the Poisson loss fits the target in its own units)",
          c.getValue("train.target-transform"));
    }
    return new TrainConfig(
        (int) r.integer("train.epochs", 1, 100_000),
        r.integer("train.seed", Long.MIN_VALUE / 2, Long.MAX_VALUE / 2),
        new TrainConfig.EarlyStopping(
            (int) r.integer("train.early-stopping.patience", 0, 100_000),
            r.number("train.early-stopping.min-delta", 0, Double.MAX_VALUE, true, true),
            r.enumValue("train.early-stopping.metric", TrainConfig.EarlyStoppingMetric.class)),
        model,
        updater,
        master,
        (int) r.integer("train.eval-batch-size", 1, 1_000_000),
        classWeights(r, c, target, model),
        targetTransform,
        (int) r.integer("train.average-epochs", 1, 1_000),
        loss,
        new TrainConfig.TargetTrial(r.integer("train.target-trial.rows", 100, 10_000_000), (int) r.integer("train.target-trial.epochs", 1, 1_000)));
  }

  /** {@code target.positive-class}: null, or a label as text (a number such as 1 is the label "1"). */
  private static String positiveClass(ConfigReader r, Config c) {
    String key = "target.positive-class";
    if (c.getIsNull(key)) {
      return null;
    }
    String label = r.string(key, "a class label of the target, or null").trim();
    if (label.isEmpty()) {
      throw ConfigReader.invalid(key, "a class label of the target, or null", c.getValue(key));
    }
    return label;
  }

  /**
   * {@code target.positive-class} names a class of a binary task: one of two declared classes when
   * they are declared (otherwise etl checks it against the data).
   */
  private static void checkPositiveClass(TargetConfig target, Config c) {
    if (target.positive().isEmpty()) {
      return;
    }
    String key = "target.positive-class";
    if (target.task() != Task.CLASSIFICATION) {
      throw ConfigReader.invalid(key, "null (unset) for task = regression", c.getValue(key));
    }
    if (!target.classes().isEmpty() && target.classes().size() != 2) {
      throw ConfigReader.invalid(key, "null (unset) unless target.classes lists exactly 2 classes (a positive class belongs to a binary task)", c.getValue(key));
    }
    if (!target.classes().isEmpty() && !target.classes().contains(target.positiveClass())) {
      throw ConfigReader.invalid(key, "one of target.classes " + target.classes(), c.getValue(key));
    }
  }

  /** {@code run.date} and {@code schedule}: what {@code run --date} does. */
  private static ScheduleConfig schedule(ConfigReader r, Config c) {
    return new ScheduleConfig(
        RunDates.date(c),
        r.enumValue("schedule.retrain", ScheduleConfig.Retrain.class),
        r.enumValue("schedule.weekday", java.time.DayOfWeek.class),
        new ScheduleConfig.Drift(
            r.number("schedule.drift.psi-threshold", 0, 100, false, true),
            r.number("schedule.drift.unseen-threshold", 0, 1, false, true)),
        new ScheduleConfig.Promotion(r.number("schedule.promotion.max-regression", 0, 1, true, true)));
  }

  /** {@code tune}: the trial count and the space, each key a list of the values to draw from. */
  private static TuneConfig tune(ConfigReader r, Config c) {
    int trials = (int) r.integer("tune.trials", 0, 10_000);
    // Sorted: HOCON objects do not keep their order, and tuning.csv columns must not move between runs.
    Map<String, List<Object>> space = new java.util.TreeMap<>();
    Config defaults = defaults();
    ConfigValue root = c.getValue("tune.space");
    if (!(root instanceof ConfigObject)) {
      throw ConfigReader.invalid("tune.space", "an object of config key to a list of values", root);
    }
    List<String> leaves = new ArrayList<>();
    leafPaths("", ((ConfigObject) root).toConfig().root(), leaves);
    for (String leaf : leaves) {
      String key = leaf;
      ConfigValue v = ((ConfigObject) root).toConfig().getValue(leaf);
      if (!isKnown(defaults, key) || key.startsWith("tune.")) {
        throw ConfigReader.invalid("tune.space." + key, "a train.* or evaluate.* key dlpipe knows", v);
      }
      if (v.valueType() != ConfigValueType.LIST || ((List<?>) v.unwrapped()).isEmpty()) {
        throw ConfigReader.invalid("tune.space." + key, "a non-empty list of values to try", v);
      }
      space.put(key, List.copyOf((List<?>) v.unwrapped()));
    }
    if (trials > 0 && space.isEmpty()) {
      throw ConfigReader.invalid("tune.trials", "0 while tune.space is empty", c.getValue("tune.trials"));
    }
    return new TuneConfig(trials, r.integer("tune.seed", Long.MIN_VALUE / 2, Long.MAX_VALUE / 2), space,
        r.integer("tune.parallel-max-values", 0, Long.MAX_VALUE / 2));
  }

  /** {@code train.class-weights}: auto, none, or an object of class label to a positive weight. */
  private static TrainConfig.ClassWeights classWeights(ConfigReader r, Config c, TargetConfig target, TrainConfig.Model model) {
    String key = "train.class-weights";
    String expected = "auto, none, or an object of class label to a weight in (0, 1000], e.g. { bad = 5.0 }";
    ConfigValue v = c.getValue(key);
    double cap = r.number("train.class-weight-cap", 1, 1000, true, true);
    TrainConfig.ClassWeights weights;
    if (v.valueType() == ConfigValueType.STRING && "auto".equals(v.unwrapped())) {
      weights = new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.AUTO, Map.of(), cap);
    } else if (v.valueType() == ConfigValueType.STRING && "none".equals(v.unwrapped())) {
      weights = new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.NONE, Map.of(), cap);
    } else if (v.valueType() == ConfigValueType.OBJECT) {
      Map<String, Double> explicit = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
        Object w = e.getValue().unwrapped();
        if (!(w instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > 1000) {
          throw ConfigReader.invalid(key + "." + ConfigUtil.joinPath(e.getKey()), "a weight in (0, 1000]", e.getValue());
        }
        explicit.put(e.getKey(), n.doubleValue());
      }
      weights = new TrainConfig.ClassWeights(TrainConfig.ClassWeightMode.EXPLICIT, explicit, cap);
    } else {
      throw ConfigReader.invalid(key, expected, v);
    }
    if (weights.mode() != TrainConfig.ClassWeightMode.NONE && target.task() != Task.CLASSIFICATION) {
      throw ConfigReader.invalid(key, "none unless target.task = classification", v);
    }
    if (weights.mode() != TrainConfig.ClassWeightMode.NONE && model.classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      throw ConfigReader.invalid(key, "none with train.model.classification-output = sigmoid (DL4J weighs output units, not classes; use softmax)", v);
    }
    return weights;
  }

}
