package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.dlpipe.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Typed access to a resolved HOCON tree where every failure names the key, what was expected and
 * what was found. Typesafe Config's own messages name the key but not the value, and users fixing a
 * scheduler's {@code --set} need both.
 */
final class ConfigReader {
  private final Config config;
  private final SecretMasker masker;

  ConfigReader(Config config, SecretMasker masker) {
    this.config = config;
    this.masker = masker;
  }

  String requiredString(String path, String expected) {
    ConfigValue v = requiredValue(path, expected);
    if (v.valueType() != ConfigValueType.STRING) {
      throw invalid(path, expected, v, masker);
    }
    String s = ((String) v.unwrapped()).trim();
    if (s.isEmpty()) {
      throw invalid(path, expected, v, masker);
    }
    return s;
  }

  String string(String path, String expected) {
    ConfigValue v = requiredValue(path, expected);
    // Numbers and booleans are accepted where text is expected: `quote = 1` is still text.
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw invalid(path, expected, v, masker);
    }
    return String.valueOf(v.unwrapped());
  }

  char character(String path) {
    String s = string(path, "a single character");
    if (s.length() != 1) {
      throw invalid(path, "a single character", config.getValue(path), masker);
    }
    return s.charAt(0);
  }

  boolean bool(String path) {
    ConfigValue v = requiredValue(path, "true or false");
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) v.unwrapped();
    }
    if (v.valueType() == ConfigValueType.STRING) {
      String s = ((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
    }
    throw invalid(path, "true or false", v, masker);
  }

  /** The value of {@code setting}, read and checked by its row of the table. */
  <T> T get(Setting<T> setting) {
    return setting.read(this);
  }

  /** The tree being read. */
  Config config() {
    return config;
  }

  /** Whether {@code path} holds an explicit null (a key the user must set, or may leave unset). */
  boolean isNull(String path) {
    return config.getIsNull(path);
  }

  /** The raw value at {@code path}, for messages about it. */
  ConfigValue value(String path) {
    return config.getValue(path);
  }

  static String numberRange(double min, double max, boolean minInclusive, boolean maxInclusive) {
    return "a number in "
        + (minInclusive ? "[" : "(")
        + fmt(min)
        + ", "
        + fmt(max)
        + (maxInclusive ? "]" : ")");
  }

  static String integerRange(long min, long max) {
    return "an integer in [" + min + ", " + max + "]";
  }

  static String durationRange(java.time.Duration min, java.time.Duration max) {
    return "a duration such as 120s or 2m, between "
        + min.toMillis()
        + " ms and "
        + max.toSeconds()
        + " s";
  }

  static String autoRange(double min, double max, boolean positive) {
    String range =
        positive ? "(" + fmt(min) + ", " + fmt(max) + "]" : "[" + fmt(min) + ", " + fmt(max) + ")";
    return "auto or a number in " + range;
  }

  double number(String path, double min, double max, boolean minInclusive, boolean maxInclusive) {
    String expected = numberRange(min, max, minInclusive, maxInclusive);
    ConfigValue v = requiredValue(path, expected);
    double d = asDouble(path, expected, v);
    boolean ok =
        (minInclusive ? d >= min : d > min)
            && (maxInclusive ? d <= max : d < max)
            && !Double.isNaN(d);
    if (!ok) {
      throw invalid(path, expected, v, masker);
    }
    return d;
  }

  long integer(String path, long min, long max) {
    String expected = integerRange(min, max);
    ConfigValue v = requiredValue(path, expected);
    double d = asDouble(path, expected, v);
    if (d != Math.rint(d) || d < min || d > max) {
      throw invalid(path, expected, v, masker);
    }
    return (long) d;
  }

  <E extends Enum<E>> E enumValue(String path, Class<E> type) {
    String expected = "one of " + names(type);
    ConfigValue v = requiredValue(path, expected);
    if (v.valueType() != ConfigValueType.STRING) {
      throw invalid(path, expected, v, masker);
    }
    E e = parseEnum(type, (String) v.unwrapped());
    if (e == null) {
      throw invalid(path, expected, v, masker);
    }
    return e;
  }

  /** A HOCON duration (120s, 2m, 500ms) in [min, max]. */
  java.time.Duration duration(String path, java.time.Duration min, java.time.Duration max) {
    String expected = durationRange(min, max);
    ConfigValue v = requiredValue(path, expected);
    java.time.Duration d;
    try {
      d = config.getDuration(path);
    } catch (com.typesafe.config.ConfigException e) {
      throw invalid(path, expected, v);
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(path, expected, v);
    }
    return d;
  }

  /**
   * A number in [min, max) (or (min, max] when {@code positive}), or the string auto, read as NaN:
   * the trainer resolves it once the width is known.
   */
  double autoNumber(String path, double min, double max, boolean positive) {
    ConfigValue v = config.getValue(path);
    if (v.valueType() == ConfigValueType.STRING && "auto".equals(((String) v.unwrapped()).trim())) {
      return Double.NaN;
    }
    double d;
    try {
      d =
          v.valueType() == ConfigValueType.NUMBER
              ? ((Number) v.unwrapped()).doubleValue()
              : v.valueType() == ConfigValueType.STRING
                  ? Double.parseDouble(((String) v.unwrapped()).trim())
                  : Double.NaN;
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (positive ? !(d > min && d <= max) : !(d >= min && d < max)) {
      throw invalid(path, autoRange(min, max, positive), v);
    }
    return d;
  }

  List<String> stringList(String path) {
    ConfigValue v = requiredValue(path, "a list of strings");
    if (v.valueType() != ConfigValueType.LIST) {
      throw invalid(path, "a list of strings", v, masker);
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v.unwrapped()) {
      if (o == null || o instanceof Map || o instanceof List) {
        throw invalid(path, "a list of strings", v, masker);
      }
      out.add(String.valueOf(o));
    }
    return out;
  }

  /** A free-form object of scalar values, e.g. Spark settings; keys keep their dots. */
  Map<String, String> stringMap(String path) {
    ConfigValue v = requiredValue(path, "an object of settings");
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw invalid(path, "an object of settings", v, masker);
    }
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", (ConfigObject) v, out, path);
    return out;
  }

  private void flatten(String prefix, ConfigObject obj, Map<String, String> out, String path) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigValue value = e.getValue();
      if (value.valueType() == ConfigValueType.OBJECT) {
        flatten(key, (ConfigObject) value, out, path);
      } else if (value.valueType() == ConfigValueType.LIST
          || value.valueType() == ConfigValueType.NULL) {
        throw invalid(path + "." + quoteKey(key), "a text, number or boolean", value, masker);
      } else {
        out.put(key, String.valueOf(value.unwrapped()));
      }
    }
  }

  /** An object whose values are all members of {@code type}, in declaration order. */
  <E extends Enum<E>> Map<String, E> enumMap(String path, Class<E> type) {
    ConfigValue v = requiredValue(path, "an object of column = role");
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw invalid(path, "an object of column = role", v, masker);
    }
    Map<String, E> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
      String key = path + "." + quoteKey(e.getKey());
      ConfigValue value = e.getValue();
      E parsed =
          value.valueType() == ConfigValueType.STRING
              ? parseEnum(type, (String) value.unwrapped())
              : null;
      if (parsed == null) {
        throw invalid(key, "one of " + names(type), value, masker);
      }
      out.put(e.getKey(), parsed);
    }
    return out;
  }

  private ConfigValue requiredValue(String path, String expected) {
    if (!config.hasPath(path)) {
      throw new ConfigException(
          "Invalid configuration: "
              + path
              + ": expected "
              + expected
              + ", found nothing (the key is required; set it in the --conf file or with --set "
              + path
              + "=...)");
    }
    return config.getValue(path);
  }

  private double asDouble(String path, String expected, ConfigValue v) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      return ((Number) v.unwrapped()).doubleValue();
    }
    if (v.valueType() == ConfigValueType.STRING) {
      try {
        return Double.parseDouble(((String) v.unwrapped()).trim());
      } catch (NumberFormatException e) {
        throw invalid(path, expected, v, masker);
      }
    }
    throw invalid(path, expected, v, masker);
  }

  /**
   * As {@link #invalid(String, String, ConfigValue, SecretMasker)} with the built-in secret
   * patterns.
   */
  static ConfigException invalid(String path, String expected, ConfigValue found) {
    return invalid(path, expected, found, SecretMasker.builtIn());
  }

  /**
   * The message names key, expectation and found value; a secret's value is shown as its type and
   * ****.
   */
  static ConfigException invalid(
      String path, String expected, ConfigValue found, SecretMasker masker) {
    return new ConfigException(
        "Invalid configuration: "
            + path
            + ": expected "
            + expected
            + ", found "
            + (masker.isSecret(path)
                ? found.valueType().name().toLowerCase(Locale.ROOT) + " " + SecretMasker.MASK
                : describe(found))
            + " ("
            + origin(found)
            + ")");
  }

  /** Where a value came from: "FILE: LINE", or the --set argument that gave it. */
  static String origin(ConfigValue v) {
    String d = v.origin().description();
    return d.startsWith("--set ") && d.endsWith(": 1") ? d.substring(0, d.length() - 3) : d;
  }

  static String describe(ConfigValue v) {
    String rendered = v.render(ConfigRenderOptions.concise());
    return v.valueType().name().toLowerCase(Locale.ROOT) + " " + rendered;
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (EnumNames.kebab(e).equals(wanted)) {
        return e;
      }
    }
    return null;
  }

  static <E extends Enum<E>> String names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(EnumNames::kebab)
        .collect(Collectors.joining(" | "));
  }

  static String quoteKey(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? String.valueOf((long) d)
        : String.valueOf(d);
  }
}
