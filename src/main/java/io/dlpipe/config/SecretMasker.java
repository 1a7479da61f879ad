package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that decides which configuration keys hold secrets and hides their values: the
 * logged configuration, model.json, the report, run-summary.json, error messages and the
 * spark-submit hand-off all go through it. A key is secret when its name (with or without the
 * {@code spark.conf.}, {@code input.options.} and {@code spark.hadoop.} prefixes) matches one of
 * {@link #BUILT_IN} or one of the user's {@code security.secret-keys} globs. Over-masking is cheap
 * (a non-secret shown as ****), under-masking leaks a credential into a log that lives for years,
 * so the patterns are deliberately broad.
 */
public final class SecretMasker {
  /** What a secret value is replaced with. */
  public static final String MASK = "****";

  /**
   * Hadoop and Spark credential key names, matched case-insensitively anywhere in the normalized
   * key. Listed in docs/RELIABILITY.md ("Secrets and privacy"); keep the two in step.
   */
  public static final List<String> BUILT_IN =
      List.of(
          // fs.s3a.secret.key, fs.s3a.bucket.B.secret.key, *.oauth2.client.secret,
          // spark.authenticate.secret, AWS_SECRET_ACCESS_KEY
          "secret",
          // fs.s3a.access.key, fs.s3a.bucket.B.access.key, fs.s3n.awsAccessKeyId, AWS_ACCESS_KEY_ID
          "access[._-]?key",
          // fs.s3a.session.token, fs.azure.account.oauth2.refresh.token, fs.azure.sas.fixed.token
          "token",
          // *.password, spark.ssl.keyPassword, hadoop.security.credstore.*.password-file, DB_PASS,
          // *.passphrase
          "pass",
          // spark.executorEnv.DB_PWD, *.pwd
          "pwd",
          // fs.adl.oauth2.credential, hadoop.security.credential.provider.path, *.credentials
          "credential",
          // fs.azure.account.key.ACCOUNT.blob.core.windows.net, fs.azure.account.key (one account)
          "fs\\.azure\\.account\\.key(\\.|$)",
          // fs.azure.sas.CONTAINER.ACCOUNT.blob.core.windows.net
          "fs\\.azure\\.sas\\.",
          // GCS: fs.gs.auth.service.account.json.keyfile,
          // google.cloud.auth.service.account.json.keyfile
          "keyfile",
          // GCS: fs.gs.auth.service.account.private.key(.id), any *.private-key
          "private[._-]?key",
          // fs.s3a.encryption.key, DB_KEY, API_KEY_ID, *.keys, *apikey: "key" ending a word (not
          // keySizeBits, keyStore, keytab)
          "keys?([._-]|$)");

  private static final Pattern BUILT_IN_PATTERN =
      Pattern.compile(
          String.join("|", BUILT_IN.stream().map(p -> "(" + p + ")").toList()),
          Pattern.CASE_INSENSITIVE);

  /**
   * {@code scheme://user:password@host}: credentials written into a URL. A scheme starts where no
   * scheme character precedes it, so the scan stays linear in a long value (every line of the log
   * passes through it).
   */
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*+://)[^/@\\s:\"]+:[^/@\\s\"]+@");

  /**
   * The user and password of {@code scheme://user:password@}, captured (an s3a user is an access
   * key).
   */
  private static final Pattern URL_PASSWORD =
      Pattern.compile(
          "(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*+://([^/@\\s:\"]+):([^/@\\s\"]+)@");

  /** dlpipe's own keys whose names look secret but whose values are not. */
  private static final Set<String> NOT_SECRET =
      Set.of("security.secret-keys", "etl.dedup.key-columns");

  /**
   * A parameter of a URL or connection string ({@code ?user=u&password=p}, {@code ;password=p}):
   * its value is masked when its name is a secret key name ({@link #isSecret}).
   */
  private static final Pattern URL_PARAMETER =
      Pattern.compile("([?&;]\\s*)([A-Za-z][A-Za-z0-9_.-]*)=([^&;#\\s\"']*)");

  /**
   * What {@code spark.redaction.regex} adds to the key patterns: Spark matches it against the value
   * too, so a setting whose value holds URL credentials is hidden whatever its key is called (a
   * value with a password parameter already matches the key patterns: it contains "pass").
   */
  private static final String VALUE_PATTERNS = "://[^/@\\s:]+:[^/@\\s]+@";

  /** Prefixes under which users put other systems' settings. */
  private static final List<String> PREFIXES =
      List.of("spark.conf.", "input.options.", "spark.hadoop.");

  /** Secret values shorter than this are not scrubbed from free text: "1" would eat every digit. */
  private static final int MIN_SCRUB_LENGTH = 4;

  private static final SecretMasker BUILT_IN_ONLY = new SecretMasker(List.of(), List.of());

  /** The masker of the command running in this JVM: see {@link #current()}. */
  private static volatile SecretMasker current = BUILT_IN_ONLY;

  private final List<String> userGlobs;
  private final List<Pattern> user;
  private final List<String> values;

  private SecretMasker(List<String> userGlobs, List<String> values) {
    this.userGlobs = List.copyOf(userGlobs);
    this.user = userGlobs.stream().map(SecretMasker::glob).toList();
    // Longest first, so that a secret containing another is replaced whole.
    this.values =
        values.stream()
            .filter(v -> v.length() >= MIN_SCRUB_LENGTH)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  /** The built-in patterns only: for messages written before the user's list is known. */
  public static SecretMasker builtIn() {
    return BUILT_IN_ONLY;
  }

  /** Built-in patterns plus the user's globs ({@code *} matches any text, case-insensitive). */
  public static SecretMasker of(List<String> userGlobs) {
    return new SecretMasker(userGlobs, List.of());
  }

  /**
   * A masker that also knows the secret values of {@code resolved}, to scrub them from free text:
   * the values of secret keys, and the user and password of any {@code scheme://user:password@} in
   * any value, as written and URL-decoded (Hadoop decodes it, and an error may then quote the
   * decoded form, which no longer looks like a URL).
   */
  public static SecretMasker of(List<String> userGlobs, Config resolved) {
    SecretMasker keys = of(userGlobs);
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : leaves(resolved.root()).entrySet()) {
      ConfigValue v = e.getValue();
      if (keys.isSecret(e.getKey()) && v.valueType() != ConfigValueType.NULL) {
        collect(v, found);
      } else if (v.valueType() == ConfigValueType.STRING) {
        urlPasswords((String) v.unwrapped(), found);
      }
    }
    return new SecretMasker(userGlobs, found);
  }

  /**
   * This masker plus the values of the secret keys among {@code settings} (for example the Hadoop
   * configuration's credential keys from core-site.xml or {@code spark.hadoop.*} system properties,
   * which the dlpipe configuration never saw).
   */
  public SecretMasker withValuesOf(Map<String, String> settings) {
    List<String> more = new ArrayList<>(values);
    settings.forEach(
        (k, v) -> {
          if (v != null && isSecret(k)) {
            more.add(v);
          } else if (v != null) {
            urlPasswords(v, more);
          }
        });
    return new SecretMasker(userGlobs, more);
  }

  /**
   * The masker of the command that runs in this JVM, with the secret values of its configuration
   * and of its Hadoop configuration; the built-in patterns before a configuration is loaded. The
   * command line installs it ({@link #use}) once the configuration is valid, and everything that
   * prints or logs an error goes through it: the log layout ({@code %scrub}), the error line and
   * its {@code --verbose} trace, doctor's findings.
   */
  public static SecretMasker current() {
    return current;
  }

  /** Makes {@code masker} the {@link #current()} one and returns the one it replaces. */
  public static SecretMasker use(SecretMasker masker) {
    SecretMasker before = current;
    current = masker;
    return before;
  }

  /** The user's globs, as given. */
  public List<String> userGlobs() {
    return userGlobs;
  }

  /**
   * Whether the key (a HOCON path, possibly with quoted segments, or a Spark/Hadoop setting name)
   * holds a secret.
   */
  public boolean isSecret(String key) {
    String k = key.replace("\"", "").trim();
    if (NOT_SECRET.contains(k)) {
      return false;
    }
    for (String candidate : candidates(k)) {
      if (BUILT_IN_PATTERN.matcher(candidate).find()) {
        return true;
      }
      for (Pattern p : user) {
        if (p.matcher(candidate).matches()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Settings with secret values replaced by {@link #MASK}, in the same order. */
  public Map<String, String> mask(Map<String, String> settings) {
    Map<String, String> out = new LinkedHashMap<>();
    settings.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : scrub(v)));
    return out;
  }

  /**
   * The value to show for a key: {@link #MASK} for a secret, else the value without URL
   * credentials.
   */
  public String show(String key, String value) {
    return isSecret(key) ? MASK : scrub(value);
  }

  /** The tree with every secret leaf replaced by {@link #MASK}, as HOCON text. */
  public String render(Config resolved) {
    Config masked = resolved;
    for (Map.Entry<String, ConfigValue> e : leaves(resolved.root()).entrySet()) {
      String path = e.getKey();
      ConfigValue v = e.getValue();
      if (isSecret(path)) {
        masked = masked.withValue(path, ConfigValueFactory.fromAnyRef(MASK));
      } else if (v.valueType() == ConfigValueType.STRING
          && !scrub((String) v.unwrapped()).equals(v.unwrapped())) {
        masked =
            masked.withValue(path, ConfigValueFactory.fromAnyRef(scrub((String) v.unwrapped())));
      }
    }
    return masked
        .root()
        .render(
            ConfigRenderOptions.defaults()
                .setOriginComments(false)
                .setComments(false)
                .setJson(false));
  }

  /**
   * Free text (an error message, a log line) with every secret value this masker knows and every
   * {@code scheme://user:password@} replaced. Use it on text that may quote a configuration value.
   */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String v : values) {
      out = out.replace(v, MASK);
    }
    Matcher m = URL_USER_INFO.matcher(out);
    out = m.find() ? m.replaceAll("$1" + MASK + "@") : out;
    return maskParameters(out);
  }

  /**
   * Whether a value carries a credential by what it is: {@code scheme://user:password@} or a secret
   * URL parameter.
   */
  public boolean holdsSecret(String value) {
    return value != null
        && (URL_USER_INFO.matcher(value).find() || !maskParameters(value).equals(value));
  }

  /** {@code ?password=p} (any secret parameter name) as {@code ?password=****}. */
  private String maskParameters(String text) {
    Matcher p = URL_PARAMETER.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean changed = false;
    while (p.find()) {
      boolean secret = !p.group(3).isEmpty() && !p.group(3).equals(MASK) && isSecret(p.group(2));
      changed |= secret;
      p.appendReplacement(
          out, Matcher.quoteReplacement(secret ? p.group(1) + p.group(2) + "=" + MASK : p.group()));
    }
    if (!changed) {
      return text;
    }
    p.appendTail(out);
    return out.toString();
  }

  /**
   * A regular expression for {@code spark.redaction.regex}: Spark then hides the same keys in its
   * UI, event logs and {@code --verbose} output. Spark matches it against keys and values with
   * find(), so it is the built-in patterns plus the user's globs.
   */
  public String sparkRedactionRegex() {
    List<String> parts = new ArrayList<>(BUILT_IN);
    for (Pattern p : user) {
      parts.add(p.pattern());
    }
    parts.add(VALUE_PATTERNS);
    return "(?i)" + String.join("|", parts);
  }

  /**
   * A regular expression for {@code spark.redaction.string.regex}: Spark replaces what it matches
   * in the text it generates (query plans in the UI, the event log and explain output), which
   * quotes paths and options. It matches the {@code user:password} of {@code
   * scheme://user:password@} and the value of a secret URL parameter, not the text around them.
   */
  public static String sparkStringRedactionRegex() {
    return "(?i)(?<=://)[^/@\\s:]+:[^/@\\s]+(?=@)|(?<=[?&;][a-z0-9_.-]{0,64}(pass|pwd|secret|token|credential|key|signature)[a-z0-9_.-]{0,64}=)[^&;#\\s\"']+";
  }

  private static List<String> candidates(String key) {
    Set<String> out = new LinkedHashSet<>();
    String k = key;
    out.add(k);
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String prefix : PREFIXES) {
        if (k.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          k = k.substring(prefix.length());
          out.add(k);
          stripped = true;
        }
      }
    }
    return List.copyOf(out);
  }

  private static Pattern glob(String glob) {
    String[] parts = glob.trim().split("\\*", -1);
    return Pattern.compile(
        java.util.Arrays.stream(parts)
            .map(Pattern::quote)
            .collect(java.util.stream.Collectors.joining(".*")),
        Pattern.CASE_INSENSITIVE);
  }

  private static void urlPasswords(String text, List<String> out) {
    Matcher q = URL_PARAMETER.matcher(text);
    while (q.find()) {
      if (BUILT_IN_PATTERN.matcher(q.group(2)).find() && !q.group(3).isEmpty()) {
        out.add(q.group(3));
        try {
          out.add(java.net.URLDecoder.decode(q.group(3), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // not valid percent-encoding: the text as written is all an error can quote
        }
      }
    }
    Matcher m = URL_PASSWORD.matcher(text);
    while (m.find()) {
      for (String part : new String[] {m.group(1), m.group(2)}) {
        out.add(part);
        try {
          out.add(java.net.URLDecoder.decode(part, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // not valid percent-encoding: the text as written is all an error can quote
        }
      }
    }
  }

  private static void collect(ConfigValue v, List<String> out) {
    Object u = v.unwrapped();
    if (u instanceof List<?> list) {
      list.forEach(o -> out.add(String.valueOf(o)));
    } else if (u instanceof Map<?, ?> map) {
      map.values().forEach(o -> out.add(String.valueOf(o)));
    } else if (u != null) {
      out.add(String.valueOf(u));
    }
  }

  /** Every leaf of the tree by its HOCON path (segments quoted where needed), nulls included. */
  static Map<String, ConfigValue> leaves(ConfigObject root) {
    Map<String, ConfigValue> out = new LinkedHashMap<>();
    leaves("", root, out);
    return out;
  }

  private static void leaves(String prefix, ConfigObject obj, Map<String, ConfigValue> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path =
          prefix.isEmpty()
              ? ConfigUtil.joinPath(e.getKey())
              : prefix + "." + ConfigUtil.joinPath(e.getKey());
      if (e.getValue() instanceof ConfigObject o && !o.isEmpty()) {
        leaves(path, o, out);
      } else {
        out.put(path, e.getValue());
      }
    }
  }

  @Override
  public String toString() {
    return "SecretMasker[built-in + " + userGlobs + ", " + values.size() + " known values]";
  }
}
