package io.dlpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values that code sets (the Spark ML estimator's Params), keyed by their {@link Setting}, not by
 * {@code "key=value"} text. {@link ConfigLoader} layers them over the defaults and the {@code
 * --conf} file and under {@code --set}, and checks them as it checks any value; a message about one
 * names its source, e.g. {@code (DlpipeEstimator setting train.epochs=0)}.
 */
public final class Overrides {
  private final String source;
  private final Map<Setting<?>, Object> values = new LinkedHashMap<>();

  /** {@code source} names where the values come from in messages, e.g. {@code DlpipeEstimator}. */
  public Overrides(String source) {
    this.source = source;
  }

  /**
   * No values: the configuration of the defaults, the file and the {@code --set} arguments alone.
   */
  public static Overrides none() {
    return new Overrides("code");
  }

  /**
   * Sets {@code setting} to {@code value}, of the setting's own type; a later value of the same
   * setting wins.
   */
  public <T> Overrides set(Setting<T> setting, T value) {
    values.put(setting, value);
    return this;
  }

  /**
   * As {@link #set}, for a value in a plain form (what a Spark ML Param holds): a number, text, a
   * kebab-case name for a choice, an array or list for a list.
   */
  public Overrides setPlain(Setting<?> setting, Object value) {
    values.put(setting, value);
    return this;
  }

  /** The values set, in the order they were first set. */
  public Map<Setting<?>, Object> values() {
    return Collections.unmodifiableMap(values);
  }

  /** The values as one HOCON layer, merged into the layers below it as a {@code --set} is. */
  Config toConfig(SecretMasker masker) {
    Config layer = ConfigFactory.empty();
    for (Map.Entry<Setting<?>, Object> e : values.entrySet()) {
      layer = value(e.getKey(), e.getValue(), masker).atPath(e.getKey().key()).withFallback(layer);
    }
    return layer;
  }

  /**
   * {@code base} with each value replacing the one at its key (an object is replaced, not merged).
   */
  Config replace(Config base, SecretMasker masker) {
    Config c = base;
    for (Map.Entry<Setting<?>, Object> e : values.entrySet()) {
      c = c.withValue(e.getKey().key(), value(e.getKey(), e.getValue(), masker));
    }
    return c;
  }

  /** One value, its origin naming the source; a secret's value never appears in an origin. */
  private ConfigValue value(Setting<?> setting, Object value, SecretMasker masker) {
    Object plain = plain(value);
    String shown =
        masker.isSecret(setting.key())
            ? SecretMasker.MASK
            : ConfigValueFactory.fromAnyRef(plain).render(ConfigRenderOptions.concise());
    return ConfigValueFactory.fromAnyRef(plain, source + " setting " + setting.key() + "=" + shown);
  }

  /**
   * {@code value} as the plain Java HOCON builds from: enums as their kebab-case names, arrays as
   * lists.
   */
  static Object plain(Object value) {
    if (value instanceof Enum<?> e) {
      return EnumNames.kebab(e);
    }
    if (value instanceof Duration d) {
      return d.toMillis() + "ms";
    }
    if (value instanceof Character || value instanceof TemporalAccessor) {
      return value.toString();
    }
    if (value instanceof int[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    }
    if (value instanceof long[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    }
    if (value instanceof double[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    }
    if (value instanceof Object[] a) {
      return plain(java.util.Arrays.asList(a));
    }
    if (value instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(o -> out.add(plain(o)));
      return out;
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    return value;
  }
}
