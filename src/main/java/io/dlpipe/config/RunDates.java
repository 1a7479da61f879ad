package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.dlpipe.ConfigException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run date ({@code run.date}, from {@code --date}) and the two ways a config uses it. The
 * HOCON-native {@code path = "hdfs:///raw/dt="${run.date}} resolves like any substitution; because
 * a value inside one quoted string (or a {@code --set}, which is literal text) cannot hold a
 * substitution, string values of the {@code input} and {@code output} sections may also carry the
 * tokens {@value #DATE_TOKEN} ({@code 2026-11-28}) and {@value #DATE_NODASH_TOKEN} ({@code
 * 20261128}). Either form without a date is a configuration error naming the key.
 */
final class RunDates {
  static final String KEY = "run.date";
  static final String DATE_TOKEN = "{date}";
  static final String DATE_NODASH_TOKEN = "{date_nodash}";

  /**
   * The sections whose string values may carry the tokens: every key a scheduled run's date may
   * reach.
   */
  static final List<String> TOKEN_SECTIONS = List.of("input", "output");

  private static final String GIVE = "give --date YYYY-MM-DD";

  /** The run dates accepted: any day a schedule of today's data can mean, with room either side. */
  static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

  static final LocalDate LATEST = LocalDate.of(2999, 12, 31);

  private RunDates() {}

  /** The origin a {@code --date} value carries into messages. */
  static Config fromOption(String date) {
    return ConfigValueFactory.fromAnyRef(date, "--date " + date).atPath(KEY);
  }

  /**
   * Resolves {@code user} over {@code defaults}. Without a date, run.date is left out of the
   * defaults, so a {@code ${run.date}} fails to resolve instead of quietly becoming "null" text.
   */
  static Config resolve(Config user, Config defaults) {
    boolean dated = user.hasPath(KEY);
    Config base = user.withFallback(dated ? defaults : defaults.withoutPath(KEY));
    try {
      return base.resolve();
    } catch (com.typesafe.config.ConfigException.UnresolvedSubstitution e) {
      if (!dated && e.getMessage().contains("${" + KEY + "}")) {
        Config partial = base.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
        String key = firstUnresolved(partial);
        if (key != null) {
          // The user's own value: the merged one's origin would also name the default it replaced.
          ConfigValue raw = rawValue(user.root(), key);
          throw new ConfigException(
              "Invalid configuration: "
                  + key
                  + ": expected a run date for its ${"
                  + KEY
                  + "} substitution ("
                  + GIVE
                  + "), found no date set ("
                  + (raw == null ? e.origin().description() : ConfigReader.origin(raw))
                  + ")",
              e);
        }
      }
      throw new ConfigException("Invalid configuration: " + e.getMessage(), e);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("Invalid configuration: " + e.getMessage(), e);
    }
  }

  /** The validated run.date of a resolved tree, or null when none is set. */
  static LocalDate date(Config c) {
    if (!c.hasPath(KEY)) {
      return null;
    }
    ConfigValue v = c.getValue(KEY);
    String expected = "a date YYYY-MM-DD";
    if (v.valueType() != ConfigValueType.STRING) {
      throw ConfigReader.invalid(KEY, expected, v);
    }
    String text = ((String) v.unwrapped()).trim();
    LocalDate date;
    try {
      // ISO_LOCAL_DATE is strict about the shape (2026-1-5 is refused) and the calendar (2026-02-30
      // too).
      date =
          LocalDate.parse(
              text,
              DateTimeFormatter.ISO_LOCAL_DATE.withResolverStyle(
                  java.time.format.ResolverStyle.STRICT));
    } catch (DateTimeParseException e) {
      throw ConfigReader.invalid(KEY, expected, v);
    }
    // 0000-01-01 parses, and would name a partition no scheduler meant: a slip of the template, not
    // a day of data.
    if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
      throw ConfigReader.invalid(KEY, expected + " from " + EARLIEST + " to " + LATEST, v);
    }
    return date;
  }

  /**
   * Refuses a {@code run.date} set in the file or by {@code --set} that differs from {@code
   * --date}: a scheduler that passes both means one of them, and silently taking either could score
   * the wrong day's partition.
   */
  static void requireOneDate(Config sets, Config file, String date) {
    for (Config layer : List.of(sets, file)) {
      ConfigValue other;
      try {
        if (!layer.hasPath(KEY)) {
          continue;
        }
        other = layer.getValue(KEY);
      } catch (com.typesafe.config.ConfigException e) {
        continue; // a ${...} substitution: it resolves against the --date and is checked as
        // run.date
      }
      if (other.valueType() != ConfigValueType.STRING
          || !((String) other.unwrapped()).trim().equals(date.trim())) {
        String origin = ConfigReader.origin(other);
        throw new ConfigException(
            "Invalid configuration: "
                + KEY
                + ": --date "
                + date
                + " and "
                + (origin.startsWith("--set ")
                    ? origin
                    : KEY
                        + " = "
                        + other.render(com.typesafe.config.ConfigRenderOptions.concise())
                        + " ("
                        + origin
                        + ")")
                + " name different dates; give the date once");
      }
    }
  }

  /** {@code c} with the date tokens of its input and output string values replaced. */
  static Config substituteTokens(Config c, LocalDate date) {
    Config out = c;
    for (String section : TOKEN_SECTIONS) {
      if (!c.hasPath(section) || !(c.getValue(section) instanceof ConfigObject)) {
        continue;
      }
      List<String[]> strings = new ArrayList<>();
      strings(section, c.getObject(section), strings);
      for (String[] s : strings) {
        String path = s[0];
        String text = s[1];
        if (!text.contains(DATE_TOKEN) && !text.contains(DATE_NODASH_TOKEN)) {
          continue;
        }
        ConfigValue v = c.getValue(path);
        if (date == null) {
          String token = text.contains(DATE_TOKEN) ? DATE_TOKEN : DATE_NODASH_TOKEN;
          throw new ConfigException(
              "Invalid configuration: "
                  + path
                  + ": expected a run date for its "
                  + token
                  + " token ("
                  + GIVE
                  + "), found no date set ("
                  + ConfigReader.origin(v)
                  + ")");
        }
        String replaced =
            text.replace(DATE_TOKEN, date.toString())
                .replace(DATE_NODASH_TOKEN, date.format(DateTimeFormatter.BASIC_ISO_DATE));
        out =
            out.withValue(path, ConfigValueFactory.fromAnyRef(replaced, v.origin().description()));
      }
    }
    return out;
  }

  /** Every string scalar under {@code obj}, as (path, text); lists are left alone. */
  private static void strings(String prefix, ConfigObject obj, List<String[]> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = prefix + "." + ConfigUtil.joinPath(e.getKey());
      ConfigValue v = e.getValue();
      if (v instanceof ConfigObject o) {
        strings(path, o, out);
      } else if (v.valueType() == ConfigValueType.STRING) {
        out.add(new String[] {path, (String) v.unwrapped()});
      }
    }
  }

  private static String firstUnresolved(Config partial) {
    List<String> leaves = new ArrayList<>();
    ConfigLoader.leafPaths("", partial.root(), leaves);
    for (String path : leaves) {
      try {
        partial.getValue(path);
      } catch (com.typesafe.config.ConfigException.NotResolved e) {
        return path;
      } catch (com.typesafe.config.ConfigException e) {
        // not this one
      }
    }
    return null;
  }

  private static ConfigValue rawValue(ConfigObject root, String path) {
    try {
      ConfigValue v = root;
      for (String part : ConfigUtil.splitPath(path)) {
        if (!(v instanceof ConfigObject o)) {
          return null;
        }
        v = o.get(part);
      }
      return v;
    } catch (com.typesafe.config.ConfigException e) {
      return null;
    }
  }

  /** A value that is nothing but a token: text, although it looks like a HOCON object. */
  static boolean isToken(String value) {
    return value.equals(DATE_TOKEN) || value.equals(DATE_NODASH_TOKEN);
  }
}
