package io.dlpipe.ml;

import io.dlpipe.config.EnumNames;
import io.dlpipe.config.Setting;
import io.dlpipe.config.Settings;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import scala.runtime.AbstractFunction1;

/**
 * One Spark ML Param, declared once: its name bound to a row of the settings table, whose doc,
 * checks and default (from {@code dlpipe-defaults.conf}) it takes, or, for a Param that is no
 * setting (a column name, a path), a doc and default of its own. {@link #create} builds the Param
 * object of one estimator or model.
 */
public final class ParamSpec {
  /** The Spark ML Param class that carries the value. */
  private enum Type {
    INT,
    LONG,
    DOUBLE,
    STRING,
    STRING_ARRAY,
    INT_ARRAY
  }

  private final String name;
  private final String doc;
  private final Type type;
  private final Setting<?> setting;
  private final Object defaultValue;

  private ParamSpec(String name, String doc, Type type, Setting<?> setting, Object defaultValue) {
    this.name = name;
    this.doc = doc;
    this.type = type;
    this.setting = setting;
    this.defaultValue = defaultValue;
  }

  /** A Param that sets {@code setting}: its doc, its checks and its default are the setting's. */
  static ParamSpec of(String name, Setting<?> setting) {
    Type type =
        switch (setting.kind()) {
          case INTEGER -> Type.INT;
          case LONG -> Type.LONG;
          case NUMBER -> Type.DOUBLE;
          case TEXT, CHOICE, CHARACTER -> Type.STRING;
          case TEXT_LIST -> Type.STRING_ARRAY;
          case INTEGER_LIST -> Type.INT_ARRAY;
          default ->
              throw new IllegalArgumentException(
                  "No Spark ML Param type carries a setting of kind "
                      + setting.kind()
                      + ": "
                      + setting.key());
        };
    return new ParamSpec(
        name,
        setting.doc() + " (" + setting.key() + ")",
        type,
        setting,
        asParamValue(type, setting.defaultValue()));
  }

  /** A text Param that is no setting (a column name, a path). */
  static ParamSpec text(String name, String doc, String defaultValue) {
    return new ParamSpec(name, doc, Type.STRING, null, defaultValue);
  }

  /** A list-of-text Param that is no setting; empty by default. */
  static ParamSpec textArray(String name, String doc) {
    return new ParamSpec(name, doc, Type.STRING_ARRAY, null, new String[0]);
  }

  public String name() {
    return name;
  }

  public String doc() {
    return doc;
  }

  /** The setting the Param's value is passed to, or null when it is no setting. */
  public Setting<?> setting() {
    return setting;
  }

  /**
   * The default in the Param's own type (an int[] for a list of widths), or null when the Param has
   * none (it is required).
   */
  Object defaultValue() {
    return defaultValue;
  }

  /** The Param object of {@code owner}, checked by the setting's own rules. */
  Param<?> create(Params owner) {
    return switch (type) {
      case INT -> new IntParam(owner, name, doc, check());
      case LONG -> new LongParam(owner, name, doc, check());
      case DOUBLE -> new DoubleParam(owner, name, doc, check());
      case STRING -> new Param<String>(owner, name, doc, check());
      case STRING_ARRAY -> new StringArrayParam(owner, name, doc, check());
      case INT_ARRAY -> new IntArrayParam(owner, name, doc, check());
    };
  }

  private <T> scala.Function1<T, Object> check() {
    return new SettingCheck<>(setting == null ? null : setting.key());
  }

  /**
   * A setting's value as a Param of {@code type} holds it: a list as an array, a choice as its
   * name.
   */
  private static Object asParamValue(Type type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case STRING_ARRAY -> ((List<?>) value).stream().map(String::valueOf).toArray(String[]::new);
      case INT_ARRAY -> ((List<?>) value).stream().mapToInt(o -> (Integer) o).toArray();
      case STRING -> value instanceof Enum<?> e ? EnumNames.kebab(e) : String.valueOf(value);
      default -> value;
    };
  }

  /**
   * A Param's validator: the setting's own checks, as the configuration loader applies them; a
   * choice must be one of its names exactly. Serializable, holding the key only, as Params travel
   * with the estimator.
   */
  private static final class SettingCheck<T> extends AbstractFunction1<T, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String key;

    SettingCheck(String key) {
      this.key = key;
    }

    @Override
    public Object apply(T value) {
      if (key == null) {
        return Boolean.TRUE;
      }
      Setting<?> setting = Settings.byKey(key).orElseThrow();
      return setting.choices().isEmpty()
          ? setting.accepts(value)
          : setting.choices().contains(value);
    }
  }
}
