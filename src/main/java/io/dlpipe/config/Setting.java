package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.dlpipe.ConfigException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One configuration key, declared once in {@link Settings}: its type, what a valid value looks
 * like, and how it is read and checked. The default and the doc live beside each other in {@value
 * ConfigLoader#DEFAULTS_RESOURCE} (the comment above the key is its doc), so that a user reading
 * the defaults file and the generated {@code docs/configuration.md} read the same text.
 *
 * <p>A setting checks its own value (type, bounds, choices, pattern); rules that tie two keys
 * together stay in {@link ConfigLoader}. Every failure names the key, the expected and the found
 * value, as {@link ConfigReader} words it.
 *
 * @param <T> the Java type the value is read as
 */
public final class Setting<T> {
  /** The shape of a value: what the docs call it and which Spark ML Param type carries it. */
  public enum Kind {
    BOOLEAN("boolean"),
    INTEGER("integer"),
    LONG("integer"),
    NUMBER("number"),
    TEXT("text"),
    CHARACTER("character"),
    CHOICE("choice"),
    TEXT_LIST("list of text"),
    INTEGER_LIST("list of integers"),
    OBJECT("object"),
    DURATION("duration"),
    DATE("date");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** How the generated reference names this kind. */
    public String label() {
      return label;
    }
  }

  /**
   * Reads the value at {@code key}; throws a {@link ConfigException} naming key, expected and
   * found.
   */
  @FunctionalInterface
  interface Reader<T> {
    T read(ConfigReader r, String key);
  }

  private final String key;
  private final Kind kind;
  private final String expected;
  private final List<String> choices;
  private final boolean freeForm;
  private final Reader<T> reader;

  private Setting(
      String key,
      Kind kind,
      String expected,
      List<String> choices,
      boolean freeForm,
      Reader<T> reader) {
    this.key = key;
    this.kind = kind;
    this.expected = expected;
    this.choices = List.copyOf(choices);
    this.freeForm = freeForm;
    this.reader = reader;
  }

  // ---- The kinds of rows Settings declares. Each reads through ConfigReader, which words the
  // errors.

  static Setting<Boolean> bool(String key) {
    return new Setting<>(key, Kind.BOOLEAN, "true or false", List.of(), false, ConfigReader::bool);
  }

  static Setting<Integer> integer(String key, int min, int max) {
    return new Setting<>(
        key,
        Kind.INTEGER,
        ConfigReader.integerRange(min, max),
        List.of(),
        false,
        (r, k) -> (int) r.integer(k, min, max));
  }

  static Setting<Long> longInteger(String key, long min, long max) {
    return new Setting<>(
        key,
        Kind.LONG,
        ConfigReader.integerRange(min, max),
        List.of(),
        false,
        (r, k) -> r.integer(k, min, max));
  }

  /** A seed: any integer a long holds with room to add to it. */
  static Setting<Long> seed(String key) {
    return longInteger(key, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
  }

  static Setting<Double> number(
      String key, double min, double max, boolean minInclusive, boolean maxInclusive) {
    return new Setting<>(
        key,
        Kind.NUMBER,
        ConfigReader.numberRange(min, max, minInclusive, maxInclusive),
        List.of(),
        false,
        (r, k) -> r.number(k, min, max, minInclusive, maxInclusive));
  }

  /**
   * {@code auto} (read as NaN, resolved later) or a number in [min, max), or (min, max] when {@code
   * positive}.
   */
  static Setting<Double> autoNumber(String key, double min, double max, boolean positive) {
    return new Setting<>(
        key,
        Kind.NUMBER,
        ConfigReader.autoRange(min, max, positive),
        List.of(),
        false,
        (r, k) -> r.autoNumber(k, min, max, positive));
  }

  static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type) {
    return new Setting<>(
        key,
        Kind.CHOICE,
        "one of " + ConfigReader.names(type),
        names(type),
        false,
        (r, k) -> r.enumValue(k, type));
  }

  /** Text, where numbers and booleans count as text (a quote of 1 is still text). */
  static Setting<String> text(String key, String expected) {
    return new Setting<>(
        key, Kind.TEXT, expected, List.of(), false, (r, k) -> r.string(k, expected));
  }

  /** Text that must be present and not blank; read trimmed. */
  static Setting<String> requiredText(String key, String expected) {
    return new Setting<>(
        key, Kind.TEXT, expected, List.of(), false, (r, k) -> r.requiredString(k, expected));
  }

  static Setting<String> character(String key) {
    return new Setting<>(
        key,
        Kind.CHARACTER,
        "a single character",
        List.of(),
        false,
        (r, k) -> String.valueOf(r.character(k)));
  }

  static Setting<List<String>> textList(String key) {
    return new Setting<>(
        key, Kind.TEXT_LIST, "a list of strings", List.of(), false, ConfigReader::stringList);
  }

  /** A free-form object of scalar settings (Spark's, a reader's); its keys are the user's own. */
  static Setting<Map<String, String>> textMap(String key) {
    return new Setting<>(
        key, Kind.OBJECT, "an object of settings", List.of(), true, ConfigReader::stringMap);
  }

  /** A free-form object of name to one of {@code type}'s values; its keys are the user's own. */
  static <E extends Enum<E>> Setting<Map<String, E>> choiceMap(
      String key, Class<E> type, String expected) {
    return new Setting<>(
        key,
        Kind.OBJECT,
        expected + ", each one of " + ConfigReader.names(type),
        List.of(),
        true,
        (r, k) -> r.enumMap(k, type));
  }

  static Setting<Duration> duration(String key, Duration min, Duration max) {
    return new Setting<>(
        key,
        Kind.DURATION,
        ConfigReader.durationRange(min, max),
        List.of(),
        false,
        (r, k) -> r.duration(k, min, max));
  }

  /**
   * A value read by its own rule ({@code reader}), for the few keys that mix kinds (auto or a
   * number).
   */
  static <T> Setting<T> custom(String key, Kind kind, String expected, Reader<T> reader) {
    return new Setting<>(key, kind, expected, List.of(), false, reader);
  }

  /**
   * As {@link #custom}, for an object whose keys are the user's own (unknown-key checks skip inside
   * it).
   */
  static <T> Setting<T> customObject(String key, String expected, Reader<T> reader) {
    return new Setting<>(key, Kind.OBJECT, expected, List.of(), true, reader);
  }

  /** This setting, its value transformed once read (trimmed, lower-cased, canonicalized). */
  <U> Setting<U> map(Function<? super T, ? extends U> f) {
    Reader<T> base = reader;
    return new Setting<>(
        key, kind, expected, choices, freeForm, (r, k) -> f.apply(base.read(r, k)));
  }

  /**
   * This setting, refusing a value that fails {@code ok} with {@code expected} (which also becomes
   * what the reference says a valid value is). A {@code ok} that throws refuses the value too.
   */
  Setting<T> check(Predicate<? super T> ok, String expected) {
    Reader<T> base = reader;
    return new Setting<>(
        key,
        kind,
        expected,
        choices,
        freeForm,
        (r, k) -> {
          T value = base.read(r, k);
          boolean accepted;
          try {
            accepted = ok.test(value);
          } catch (RuntimeException e) {
            accepted = false;
          }
          if (!accepted) {
            throw ConfigReader.invalid(k, expected, r.value(k));
          }
          return value;
        });
  }

  // ---- What the table tells its users.

  /** The key, e.g. {@code train.epochs}. */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * What a valid value is, in the words every error message uses, e.g. "an integer in [1, 100000]".
   */
  public String expected() {
    return expected;
  }

  /** The names a {@link Kind#CHOICE} accepts, in declaration order; empty for other kinds. */
  public List<String> choices() {
    return choices;
  }

  /**
   * An object whose keys are the user's own (column names, Spark settings): not checked against the
   * table.
   */
  public boolean freeForm() {
    return freeForm;
  }

  /** The top-level section of the key: {@code train} for {@code train.model.dropout}. */
  public String section() {
    return ConfigUtil.splitPath(key).get(0);
  }

  /** The doc: the comment above the key in {@value ConfigLoader#DEFAULTS_RESOURCE}, as one line. */
  public String doc() {
    return Defaults.comment(key);
  }

  /**
   * The default as written in {@value ConfigLoader#DEFAULTS_RESOURCE}, read and checked as any
   * value; null when it is null.
   */
  public T defaultValue() {
    Config defaults = Defaults.CONFIG;
    return defaults.getIsNull(key)
        ? null
        : read(new ConfigReader(defaults, SecretMasker.builtIn()));
  }

  /**
   * Whether {@code value} (the setting's Java type, or the plain form {@link Overrides} accepts: a
   * kebab-case name, an array) passes this setting's own checks. Rules that involve other keys are
   * checked when the whole configuration is loaded.
   */
  public boolean accepts(Object value) {
    Config c = ConfigValueFactory.fromAnyRef(Overrides.plain(value), "value").atPath(key);
    try {
      read(new ConfigReader(c, SecretMasker.builtIn()));
      return true;
    } catch (ConfigException | com.typesafe.config.ConfigException e) {
      return false;
    }
  }

  T read(ConfigReader r) {
    return reader.read(r, key);
  }

  @Override
  public String toString() {
    return key;
  }

  private static <E extends Enum<E>> List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(EnumNames::kebab)
        .collect(Collectors.toList());
  }

  /** The parsed defaults file, once per JVM: the source of every default and doc. */
  static final class Defaults {
    static final Config CONFIG = ConfigLoader.defaults();

    private Defaults() {}

    /**
     * The comment lines above {@code path} in the defaults file, joined; empty when there are none.
     */
    static String comment(String path) {
      ConfigValue v = valueAt(path);
      return v == null
          ? ""
          : v.origin().comments().stream()
              .map(String::trim)
              .collect(Collectors.joining(" "))
              .trim();
    }

    /** The line of {@code path} in the defaults file, or MAX_VALUE when it is not there. */
    static int line(String path) {
      ConfigValue v = valueAt(path);
      return v == null ? Integer.MAX_VALUE : v.origin().lineNumber();
    }

    /** The value at {@code path}, null values included (Config.getValue refuses those). */
    static ConfigValue valueAt(String path) {
      ConfigValue v = CONFIG.root();
      for (String part : ConfigUtil.splitPath(path)) {
        if (!(v instanceof ConfigObject o) || !o.containsKey(part)) {
          return null;
        }
        v = o.get(part);
      }
      return v;
    }
  }
}
