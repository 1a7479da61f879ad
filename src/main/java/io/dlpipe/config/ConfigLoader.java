package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
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

  /**
   * Objects whose keys are the user's own (column names, Spark settings), not dlpipe's. A holder:
   * the table reads the defaults through this class, so it must not be built when this class is.
   */
  private static final class FreeForm {
    static final Set<String> KEYS =
        Settings.all().stream()
            .filter(Setting::freeForm)
            .map(Setting::key)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  private static final Pattern SCALAR_LITERAL =
      Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|null|\\[.*]|\\{.*}|\".*\"");

  private ConfigLoader() {}

  /**
   * Loads, merges, resolves and validates. {@code confFile} may be null (defaults and sets only).
   */
  public static DlpipeConfig load(Path confFile, List<String> sets) {
    return load(confFile, sets, System.getenv());
  }

  /**
   * As {@link #load(Path, List)}, reading environment settings ({@code DLPIPE_PII_SALT}) from
   * {@code env}.
   */
  public static DlpipeConfig load(Path confFile, List<String> sets, Map<String, String> env) {
    return load(confFile, sets, null, env);
  }

  /**
   * As {@link #load(Path, List)}, with the run date of {@code --date} (null: none) set as {@code
   * run.date} over every layer, before substitutions resolve.
   */
  public static DlpipeConfig load(Path confFile, List<String> sets, String date) {
    return load(confFile, sets, date, System.getenv());
  }

  /** As {@link #load(Path, List, String)}, reading environment settings from {@code env}. */
  public static DlpipeConfig load(
      Path confFile, List<String> sets, String date, Map<String, String> env) {
    return load(confFile, Overrides.none(), sets, date, env);
  }

  /**
   * The defaults, then {@code typed} (values code sets, each named by its {@link Setting}), then
   * {@code sets} ({@code key=value} text, which wins): how the Spark ML estimator builds its
   * configuration.
   */
  public static DlpipeConfig fromOverrides(Overrides typed, List<String> sets) {
    return load(null, typed, sets, null, System.getenv());
  }

  private static DlpipeConfig load(
      Path confFile, Overrides typed, List<String> sets, String date, Map<String, String> env) {
    Config defaults = defaults();
    Config file = ConfigFactory.empty();
    if (confFile != null) {
      if (!Files.isRegularFile(confFile)) {
        throw new ConfigException("Config file not found: " + confFile + " (given with --conf)");
      }
      try {
        file =
            ConfigFactory.parseFile(
                confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException(
            "Config file " + confFile + " is not valid HOCON: " + e.getMessage(), e);
      }
    }
    // The user's secret-key globs must be known before a --set is echoed in any message.
    SecretMasker early = SecretMasker.of(earlySecretKeys(file, sets));
    Config overrides = typed.toConfig(early);
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
          ConfigFactory.parseString("k = " + set.substring(eq + 1))
              .getList("k")
              .unwrapped()
              .forEach(o -> globs.add(String.valueOf(o)));
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
        throw new ConfigException(
            "Invalid configuration: tune.space."
                + e.getKey()
                + ": expected a key dlpipe knows (see "
                + DEFAULTS_RESOURCE
                + "), found an unknown key");
      }
      c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "tune.space"));
    }
    // The salt was read from the environment when base was loaded; a trial reuses it.
    return build(c, Map.of(PrivacyConfig.SALT_ENV, base.privacy().salt()));
  }

  /**
   * {@code base} with the typed {@code values} replacing its own, validated like any other config.
   */
  public static DlpipeConfig withValues(DlpipeConfig base, Overrides values) {
    // The salt was read from the environment when base was loaded; the derived config reuses it.
    return build(
        values.replace(base.resolved(), base.masker()),
        Map.of(PrivacyConfig.SALT_ENV, base.privacy().salt()));
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
   * like {@code s3a://b/dt=2026-11-28} contain characters (':', '//', '=') that HOCON would read as
   * syntax or a comment.
   */
  static Config parseSet(String set) {
    return parseSet(set, SecretMasker.builtIn());
  }

  /** As {@link #parseSet(String)}; a secret's value never appears in a message or an origin. */
  static Config parseSet(String set, SecretMasker masker) {
    int eq = indexOfUnquoted(set, '=');
    if (eq <= 0) {
      throw new ConfigException(
          "Invalid --set '" + masker.scrub(set) + "': expected key=value, found no key");
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
      throw new ConfigException(
          "Invalid --set '" + set + "': '" + key + "' is not a valid key path", e);
    }
    String origin = "--set " + set;
    if (SCALAR_LITERAL.matcher(value).matches() && !RunDates.isToken(value)) {
      try {
        return ConfigFactory.parseString(
            key + " = " + value, ConfigParseOptions.defaults().setOriginDescription(origin));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException(
            "Invalid --set '"
                + set
                + "': "
                + (masker.isSecret(key) ? "not a valid HOCON value" : e.getMessage()),
            e);
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
          "Invalid configuration: unknown key '"
              + path
              + "'"
              + origin
              + hint
              + " Every key is listed with its default in "
              + DEFAULTS_RESOURCE
              + ".");
    }
  }

  private static boolean isFreeForm(String path) {
    for (String prefix : FreeForm.KEYS) {
      if (path.startsWith(prefix + ".")) {
        return true;
      }
    }
    return false;
  }

  static boolean isKnown(Config defaults, String path) {
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
      String path =
          prefix.isEmpty()
              ? ConfigUtil.joinPath(e.getKey())
              : prefix + "." + ConfigUtil.joinPath(e.getKey());
      ConfigValue v = e.getValue();
      if (!(v instanceof ConfigObject)) {
        out.add(path); // a scalar, a list, or a substitution not resolved yet
      } else if (!FreeForm.KEYS.contains(path) && !((ConfigObject) v).isEmpty()) {
        leafPaths(path, (ConfigObject) v, out);
      } else if (FreeForm.KEYS.contains(path)) {
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
    SecurityConfig security =
        new SecurityConfig(
            new ConfigReader(c, SecretMasker.builtIn()).get(Settings.SECURITY_SECRET_KEYS));
    ConfigReader r = new ConfigReader(c, SecretMasker.of(security.secretKeys()));

    InputFormat format = r.get(Settings.INPUT_FORMAT);
    InputConfig input =
        new InputConfig(
            inputPath(r, format),
            format,
            r.get(Settings.INPUT_HEADER),
            r.get(Settings.INPUT_DELIMITER),
            r.get(Settings.INPUT_QUOTE),
            r.get(Settings.INPUT_ESCAPE),
            r.get(Settings.INPUT_ENCODING),
            r.get(Settings.INPUT_NULL_VALUES),
            r.get(Settings.INPUT_COLUMNS),
            r.get(Settings.INPUT_INFER_ROLES),
            r.get(Settings.INPUT_OPTIONS),
            r.get(Settings.INPUT_CSV_MULTI_LINE),
            inputTable(r, format),
            inputWhere(r),
            r.get(Settings.INPUT_CSV_MAX_RECORD_LINES));
    checkReaderOptions(input, c);

    TargetConfig target =
        new TargetConfig(
            r.get(Settings.TARGET_COLUMN),
            r.get(Settings.TARGET_TASK),
            r.get(Settings.TARGET_CLASSES),
            r.get(Settings.TARGET_MAX_CLASSES),
            r.get(Settings.TARGET_POSITIVE_CLASS));
    if (input.columns().containsKey(target.column())) {
      throw ConfigReader.invalid(
          "input.columns." + ConfigReader.quoteKey(target.column()),
          "no role for the target column " + target.column() + " (the target is never a feature)",
          c.getValue("input.columns." + ConfigUtil.joinPath(target.column())));
    }
    if (target.task() == Task.REGRESSION && !target.classes().isEmpty()) {
      throw invalid(Settings.TARGET_CLASSES, "an empty list for task = regression", c);
    }
    if (target.classes().size() == 1
        || new TreeSet<>(target.classes()).size() != target.classes().size()) {
      throw invalid(Settings.TARGET_CLASSES, "at least 2 distinct class labels", c);
    }
    checkPositiveClass(target, c);

    OutputConfig output =
        new OutputConfig(r.get(Settings.OUTPUT_DIR), r.get(Settings.OUTPUT_LOCK_STALE_AFTER));

    EtlConfig etl = etl(r, c);
    TrainConfig train = train(r, c, target);
    SparkSettings spark =
        new SparkSettings(
            r.get(Settings.SPARK_MASTER),
            r.get(Settings.SPARK_APP_NAME),
            r.get(Settings.SPARK_CONF),
            r.get(Settings.SPARK_EXECUTOR_OFFHEAP));
    EvaluateConfig evaluate = evaluate(r);
    PrivacyConfig privacy = privacy(r, c, env, target, etl);
    DlpipeConfig built =
        new DlpipeConfig(
            input,
            target,
            output,
            etl,
            train,
            evaluate,
            spark,
            security,
            privacy,
            tune(r, c),
            schedule(r),
            c);
    // Read on demand by predict; validated here so that a bad value stops every command before
    // Spark starts.
    built.predictTable();
    return built;
  }

  /**
   * A cross-key rule broken at {@code setting}: the message names its key, the rule and its value.
   */
  private static ConfigException invalid(Setting<?> setting, String expected, Config c) {
    return ConfigReader.invalid(setting.key(), expected, c.getValue(setting.key()));
  }

  /**
   * input.path: required for the file formats; a table's location comes from the catalog, so none
   * with format table.
   */
  private static String inputPath(ConfigReader r, InputFormat format) {
    if (format != InputFormat.TABLE) {
      return r.get(Settings.INPUT_PATH);
    }
    String key = Settings.INPUT_PATH.key();
    if (!r.isNull(key) && !String.valueOf(r.value(key).unwrapped()).isBlank()) {
      throw ConfigReader.invalid(
          key, "no value when input.format = table (input.table names the table)", r.value(key));
    }
    return "";
  }

  /**
   * input.table: a table name the SQL parser accepts, required with format table and refused
   * otherwise.
   */
  private static String inputTable(ConfigReader r, InputFormat format) {
    Setting<String> setting = Settings.INPUT_TABLE;
    String key = setting.key();
    if (format != InputFormat.TABLE) {
      if (!r.get(setting).isBlank()) {
        throw ConfigReader.invalid(
            key,
            "no value unless input.format = table (found input.format = "
                + EnumNames.kebab(format)
                + ")",
            r.value(key));
      }
      return "";
    }
    String table = r.requiredString(key, setting.expected());
    try {
      org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseMultipartIdentifier(
          table);
    } catch (Exception e) { // Scala throws ParseException undeclared
      throw ConfigReader.invalid(
          key,
          setting.expected() + " (a name the SQL parser accepts; quote parts with backticks)",
          r.value(key));
    }
    return table;
  }

  /**
   * input.where: empty, or a SQL predicate; parsed here so that a typo stops before Spark starts.
   */
  private static String inputWhere(ConfigReader r) {
    Setting<String> setting = Settings.INPUT_WHERE;
    String where = r.get(setting);
    if (where.isEmpty()) {
      return where;
    }
    org.apache.spark.sql.catalyst.expressions.Expression parsed;
    try {
      parsed =
          org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseExpression(where);
    } catch (Exception e) { // Scala throws ParseException undeclared
      throw ConfigReader.invalid(setting.key(), setting.expected(), r.value(setting.key()));
    }
    String refused = WhereFunctions.firstRefused(parsed);
    if (refused != null) {
      throw ConfigReader.invalid(
          setting.key(),
          "a SQL predicate that calls only Spark's built-in functions and no Java method ("
              + refused
              + ")",
          r.value(setting.key()));
    }
    return where;
  }

  /**
   * privacy.*: a column may be dropped or hashed, not both; never the target (the model needs it);
   * never a column the split or dedup is keyed on when dropped; hashing needs the salt.
   */
  private static PrivacyConfig privacy(
      ConfigReader r, Config c, Map<String, String> env, TargetConfig target, EtlConfig etl) {
    List<String> drop = r.get(Settings.PRIVACY_DROP_COLUMNS);
    List<String> hash = r.get(Settings.PRIVACY_HASH_COLUMNS);
    for (String col : drop) {
      if (hash.contains(col)) {
        throw invalid(
            Settings.PRIVACY_HASH_COLUMNS,
            "no column also listed in privacy.drop-columns, found " + col + " in both",
            c);
      }
      if (col.equals(etl.split().idColumn()) || etl.dedup().keyColumns().contains(col)) {
        throw invalid(
            Settings.PRIVACY_DROP_COLUMNS,
            "no column that etl.split.id-column or etl.dedup.key-columns use (hash it instead), found "
                + col,
            c);
      }
    }
    for (Setting<List<String>> setting :
        List.of(Settings.PRIVACY_DROP_COLUMNS, Settings.PRIVACY_HASH_COLUMNS)) {
      if (r.get(setting).contains(target.column())) {
        throw invalid(
            setting,
            "columns other than the target " + target.column() + " (the model must see the target)",
            c);
      }
    }
    String salt = "";
    if (!hash.isEmpty()) {
      salt = env.getOrDefault(PrivacyConfig.SALT_ENV, "");
      if (salt.isEmpty()) {
        throw new ConfigException(
            "Invalid configuration: privacy.hash-columns: expected the environment variable "
                + PrivacyConfig.SALT_ENV
                + " to hold the salt of the hashes, found it unset ("
                + ConfigReader.origin(c.getValue("privacy.hash-columns"))
                + ")");
      }
      if (salt.length() < PrivacyConfig.MIN_SALT_LENGTH) {
        throw new ConfigException(
            "Invalid configuration: privacy.hash-columns: expected "
                + PrivacyConfig.SALT_ENV
                + " to hold at least "
                + PrivacyConfig.MIN_SALT_LENGTH
                + " characters, found "
                + salt.length()
                + " (a short salt makes hashed values easy to guess)");
      }
    }
    return new PrivacyConfig(drop, hash, salt);
  }

  /**
   * Reader options that would make rows vanish outside the accounting (read = written + duplicates
   * removed + quarantined), or that dlpipe sets itself, are refused.
   */
  private static void checkReaderOptions(InputConfig input, Config c) {
    for (Map.Entry<String, String> e : input.options().entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      String path = "input.options." + ConfigReader.quoteKey(e.getKey());
      if (key.equals("mode") && !e.getValue().equalsIgnoreCase("PERMISSIVE")) {
        throw ConfigReader.invalid(
            path,
            "PERMISSIVE or no mode (DROPMALFORMED would drop rows outside the accounting, FAILFAST would stop at the first bad row"
                + " instead of quarantining it)",
            c.getObject("input.options").get(e.getKey()));
      }
      if (key.equals("columnnameofcorruptrecord")
          || key.equals("multiline") && input.format() == InputFormat.CSV) {
        String instead = key.equals("multiline") ? "; set input.csv.multi-line instead" : "";
        throw ConfigReader.invalid(
            path,
            "no value (dlpipe sets this reader option itself" + instead + ")",
            c.getObject("input.options").get(e.getKey()));
      }
    }
  }

  private static EtlConfig etl(ConfigReader r, Config c) {
    EtlConfig.Infer infer =
        new EtlConfig.Infer(
            r.get(Settings.ETL_INFER_NUMERIC_MIN_PARSE_RATIO),
            r.get(Settings.ETL_INFER_ID_LIKE_MIN_DISTINCT_RATIO),
            r.get(Settings.ETL_INFER_MAX_CATEGORICAL_NUMERIC_LEVELS),
            r.get(Settings.ETL_INFER_DATES),
            r.get(Settings.ETL_INFER_SAMPLE_ROWS));

    EtlConfig.Dedup dedup =
        new EtlConfig.Dedup(r.get(Settings.ETL_DEDUP_MODE), r.get(Settings.ETL_DEDUP_KEY_COLUMNS));
    if (dedup.mode() == EtlConfig.DedupMode.KEYS && dedup.keyColumns().isEmpty()) {
      throw invalid(
          Settings.ETL_DEDUP_KEY_COLUMNS, "at least one column when etl.dedup.mode = keys", c);
    }

    EtlConfig.Impute impute =
        new EtlConfig.Impute(
            r.get(Settings.ETL_IMPUTE_NUMERIC), r.get(Settings.ETL_IMPUTE_CATEGORICAL));

    EtlConfig.Clip clip =
        new EtlConfig.Clip(
            r.get(Settings.ETL_CLIP_ENABLED),
            r.get(Settings.ETL_CLIP_LOWER_QUANTILE),
            r.get(Settings.ETL_CLIP_UPPER_QUANTILE));

    EtlConfig.Normalize normalize =
        new EtlConfig.Normalize(
            r.get(Settings.ETL_NORMALIZE_METHOD),
            r.get(Settings.ETL_NORMALIZE_LOG),
            r.get(Settings.ETL_NORMALIZE_LOG_COLUMNS),
            r.get(Settings.ETL_NORMALIZE_LOG_SKEW_THRESHOLD),
            r.get(Settings.ETL_NORMALIZE_NUMERIC_ENCODING),
            r.get(Settings.ETL_NORMALIZE_NUMERIC_ENCODING_COLUMNS),
            r.get(Settings.ETL_NORMALIZE_PIECEWISE_LINEAR_BINS),
            r.get(Settings.ETL_NORMALIZE_PERIODIC_FREQUENCIES),
            r.get(Settings.ETL_NORMALIZE_PERIODIC_SIGMA));
    if (normalize.log() == EtlConfig.LogMode.LISTED && normalize.logColumns().isEmpty()) {
      throw invalid(
          Settings.ETL_NORMALIZE_LOG_COLUMNS,
          "at least one column when etl.normalize.log = listed",
          c);
    }

    EtlConfig.Categorical categorical =
        new EtlConfig.Categorical(
            r.get(Settings.ETL_CATEGORICAL_ENCODING),
            r.get(Settings.ETL_CATEGORICAL_TOP_K),
            r.get(Settings.ETL_CATEGORICAL_MIN_COUNT));

    EtlConfig.Split split =
        new EtlConfig.Split(
            r.get(Settings.ETL_SPLIT_TRAIN),
            r.get(Settings.ETL_SPLIT_VALIDATION),
            r.get(Settings.ETL_SPLIT_TEST),
            r.get(Settings.ETL_SPLIT_SEED),
            r.get(Settings.ETL_SPLIT_ID_COLUMN));
    double sum = split.train() + split.validation() + split.test();
    if (Math.abs(sum - 1.0) > 1e-9) {
      throw new ConfigException(
          String.format(
              Locale.ROOT,
              "Invalid configuration: etl.split: expected train + validation + test = 1, found %s + %s + %s = %s (%s)",
              split.train(),
              split.validation(),
              split.test(),
              sum,
              ConfigReader.origin(c.getValue("etl.split.train"))));
    }

    String compression = r.get(Settings.ETL_WRITE_COMPRESSION);
    EtlConfig.Write write =
        new EtlConfig.Write(r.get(Settings.ETL_WRITE_TARGET_FILE_MB), compression);

    return new EtlConfig(
        r.get(Settings.ETL_MAX_REJECT_RATIO),
        infer,
        dedup,
        impute,
        clip,
        normalize,
        categorical,
        split,
        write,
        r.get(Settings.ETL_QUANTILE_RELATIVE_ERROR));
  }

  private static EvaluateConfig evaluate(ConfigReader r) {
    int folds = r.get(Settings.EVALUATE_CROSS_VALIDATION_FOLDS);
    Double threshold = r.get(Settings.EVALUATE_THRESHOLD);
    List<EvaluateConfig.Rung> rungs = r.get(Settings.EVALUATE_BASELINES);
    return new EvaluateConfig(
        r.get(Settings.EVALUATE_BATCH_SIZE),
        r.get(Settings.EVALUATE_BASELINE),
        new EvaluateConfig.Importance(
            r.get(Settings.EVALUATE_IMPORTANCE_ENABLED),
            r.get(Settings.EVALUATE_IMPORTANCE_SAMPLE_ROWS),
            r.get(Settings.EVALUATE_IMPORTANCE_REPEATS),
            r.get(Settings.EVALUATE_IMPORTANCE_SEED)),
        folds,
        r.get(Settings.EVALUATE_REPORT),
        threshold,
        new EvaluateConfig.Costs(
            r.get(Settings.EVALUATE_COSTS_FALSE_POSITIVE),
            r.get(Settings.EVALUATE_COSTS_FALSE_NEGATIVE)),
        rungs,
        r.get(Settings.EVALUATE_GBT_MAX_ITER));
  }

  private static TrainConfig train(ConfigReader r, Config c, TargetConfig target) {
    List<Integer> hidden = r.get(Settings.TRAIN_MODEL_HIDDEN_LAYERS);
    TrainConfig.Model model =
        new TrainConfig.Model(
            r.get(Settings.TRAIN_MODEL_TYPE),
            hidden,
            r.get(Settings.TRAIN_MODEL_ACTIVATION),
            r.get(Settings.TRAIN_MODEL_WEIGHT_INIT),
            r.get(Settings.TRAIN_MODEL_DROPOUT),
            r.get(Settings.TRAIN_MODEL_L2),
            r.get(Settings.TRAIN_MODEL_WEIGHT_DECAY),
            r.get(Settings.TRAIN_MODEL_BATCH_NORMALIZATION),
            r.get(Settings.TRAIN_MODEL_CLASSIFICATION_OUTPUT),
            new TrainConfig.SmallData(
                r.get(Settings.TRAIN_MODEL_SMALL_DATA_ROWS),
                r.get(Settings.TRAIN_MODEL_SMALL_DATA_TYPE),
                r.get(Settings.TRAIN_MODEL_SMALL_DATA_DROPOUT),
                r.get(Settings.TRAIN_MODEL_SMALL_DATA_L2)),
            r.get(Settings.TRAIN_MODEL_LINEAR_START),
            r.get(Settings.TRAIN_MODEL_LINEAR_START_MARGIN));
    if (model.weightDecay() > 0 && model.l2() > 0) {
      // DL4J drops L2 with a warning when weight decay is set: one must be chosen.
      throw invalid(
          Settings.TRAIN_MODEL_WEIGHT_DECAY,
          "0 while train.model.l2 is above 0 (set l2 = 0 to use weight decay)",
          c);
    }
    if (model.classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      if (target.task() != Task.CLASSIFICATION) {
        throw invalid(
            Settings.TRAIN_MODEL_CLASSIFICATION_OUTPUT,
            "softmax unless target.task = classification",
            c);
      }
      if (!target.classes().isEmpty() && target.classes().size() != 2) {
        throw invalid(
            Settings.TRAIN_MODEL_CLASSIFICATION_OUTPUT,
            "softmax for "
                + target.classes().size()
                + " classes (sigmoid needs exactly 2 in target.classes)",
            c);
      }
    }

    TrainConfig.Schedule schedule =
        new TrainConfig.Schedule(
            r.get(Settings.TRAIN_UPDATER_SCHEDULE_TYPE),
            r.get(Settings.TRAIN_UPDATER_SCHEDULE_DECAY_RATE),
            r.get(Settings.TRAIN_UPDATER_SCHEDULE_DECAY_EPOCHS),
            r.get(Settings.TRAIN_UPDATER_SCHEDULE_WARMUP_EPOCHS));
    TrainConfig.Updater updater =
        new TrainConfig.Updater(
            r.get(Settings.TRAIN_UPDATER_TYPE),
            r.get(Settings.TRAIN_UPDATER_LEARNING_RATE),
            r.get(Settings.TRAIN_UPDATER_MOMENTUM),
            r.get(Settings.TRAIN_UPDATER_RMS_DECAY),
            schedule);

    TrainConfig.Master master =
        new TrainConfig.Master(
            r.get(Settings.TRAIN_MASTER_TYPE),
            r.get(Settings.TRAIN_BATCH_SIZE_PER_WORKER),
            r.get(Settings.TRAIN_AVERAGING_FREQUENCY),
            r.get(Settings.TRAIN_WORKER_PREFETCH_BATCHES),
            r.get(Settings.TRAIN_WORKERS),
            r.get(Settings.TRAIN_APPROACH),
            r.get(Settings.TRAIN_EXPORT_DIR),
            r.get(Settings.TRAIN_REPARTITION),
            r.get(Settings.TRAIN_REPARTITION_STRATEGY),
            r.get(Settings.TRAIN_STORAGE_LEVEL),
            r.get(Settings.TRAIN_COLLECT_STATS),
            r.get(Settings.TRAIN_THREADS_PER_WORKER),
            r.get(Settings.TRAIN_LR_BATCH_SCALING),
            r.get(Settings.TRAIN_LR_BASE_BATCH_SIZE),
            r.get(Settings.TRAIN_LR_WARMUP_ITERATIONS),
            r.get(Settings.TRAIN_MASTER_GRADIENT_SHARING_NETWORK_MASK),
            new TrainConfig.Averaging(
                r.get(Settings.TRAIN_AVERAGING_METHOD),
                r.get(Settings.TRAIN_AVERAGING_BLOCK_MOMENTUM),
                r.get(Settings.TRAIN_AVERAGING_BLOCK_LEARNING_RATE),
                r.get(Settings.TRAIN_AVERAGING_NESTEROV),
                r.get(Settings.TRAIN_AVERAGING_UPDATER_STATE),
                r.get(Settings.TRAIN_AVERAGING_SCALE_LEARNING_RATE)),
            r.get(Settings.TRAIN_MASTER_STALL_TIMEOUT));

    TrainConfig.TargetTransform targetTransform = r.get(Settings.TRAIN_TARGET_TRANSFORM);
    TrainConfig.Loss loss = r.get(Settings.TRAIN_LOSS);
    if (loss == TrainConfig.Loss.POISSON && targetTransform != TrainConfig.TargetTransform.AUTO) {
      // The Poisson loss fits the mean count in the target's own units: a log or a shift would
      // change what it fits.
      throw invalid(
          Settings.TRAIN_TARGET_TRANSFORM,
          "auto with train.loss = poisson (the Poisson loss fits the target in its own units)",
          c);
    }
    return new TrainConfig(
        r.get(Settings.TRAIN_EPOCHS),
        r.get(Settings.TRAIN_SEED),
        new TrainConfig.EarlyStopping(
            r.get(Settings.TRAIN_EARLY_STOPPING_PATIENCE),
            r.get(Settings.TRAIN_EARLY_STOPPING_MIN_DELTA),
            r.get(Settings.TRAIN_EARLY_STOPPING_METRIC)),
        model,
        updater,
        master,
        r.get(Settings.TRAIN_EVAL_BATCH_SIZE),
        classWeights(r, c, target, model),
        targetTransform,
        r.get(Settings.TRAIN_AVERAGE_EPOCHS),
        loss,
        new TrainConfig.TargetTrial(
            r.get(Settings.TRAIN_TARGET_TRIAL_ROWS), r.get(Settings.TRAIN_TARGET_TRIAL_EPOCHS)));
  }

  /**
   * {@code target.positive-class} names a class of a binary task: one of two declared classes when
   * they are declared (otherwise etl checks it against the data).
   */
  private static void checkPositiveClass(TargetConfig target, Config c) {
    if (target.positive().isEmpty()) {
      return;
    }
    Setting<String> key = Settings.TARGET_POSITIVE_CLASS;
    if (target.task() != Task.CLASSIFICATION) {
      throw invalid(key, "null (unset) for task = regression", c);
    }
    if (!target.classes().isEmpty() && target.classes().size() != 2) {
      throw invalid(
          key,
          "null (unset) unless target.classes lists exactly 2 classes (a positive class belongs to a binary task)",
          c);
    }
    if (!target.classes().isEmpty() && !target.classes().contains(target.positiveClass())) {
      throw invalid(key, "one of target.classes " + target.classes(), c);
    }
  }

  /** {@code run.date} and {@code schedule}: what {@code run --date} does. */
  private static ScheduleConfig schedule(ConfigReader r) {
    return new ScheduleConfig(
        r.get(Settings.RUN_DATE),
        r.get(Settings.SCHEDULE_RETRAIN),
        r.get(Settings.SCHEDULE_WEEKDAY),
        new ScheduleConfig.Drift(
            r.get(Settings.SCHEDULE_DRIFT_PSI_THRESHOLD),
            r.get(Settings.SCHEDULE_DRIFT_UNSEEN_THRESHOLD)),
        new ScheduleConfig.Promotion(r.get(Settings.SCHEDULE_PROMOTION_MAX_REGRESSION)));
  }

  /** {@code tune}: the trial count and the space, each key a list of the values to draw from. */
  private static TuneConfig tune(ConfigReader r, Config c) {
    int trials = r.get(Settings.TUNE_TRIALS);
    Map<String, List<Object>> space = r.get(Settings.TUNE_SPACE);
    if (trials > 0 && space.isEmpty()) {
      throw invalid(Settings.TUNE_TRIALS, "0 while tune.space is empty", c);
    }
    return new TuneConfig(
        trials, r.get(Settings.TUNE_SEED), space, r.get(Settings.TUNE_PARALLEL_MAX_VALUES));
  }

  /** {@code train.class-weights}, checked against the task and the output layer. */
  private static TrainConfig.ClassWeights classWeights(
      ConfigReader r, Config c, TargetConfig target, TrainConfig.Model model) {
    TrainConfig.ClassWeights weights = r.get(Settings.TRAIN_CLASS_WEIGHTS);
    if (weights.mode() != TrainConfig.ClassWeightMode.NONE
        && target.task() != Task.CLASSIFICATION) {
      throw invalid(Settings.TRAIN_CLASS_WEIGHTS, "none unless target.task = classification", c);
    }
    if (weights.mode() != TrainConfig.ClassWeightMode.NONE
        && model.classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      throw invalid(
          Settings.TRAIN_CLASS_WEIGHTS,
          "none with train.model.classification-output = sigmoid (DL4J weighs output units, not classes; use softmax)",
          c);
    }
    return weights;
  }
}
