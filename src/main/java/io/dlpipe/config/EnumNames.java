package io.dlpipe.config;

import java.util.Locale;

/** How config enums are spelled in files, logs and JSON: {@code MIN_MAX} is {@code min-max}. */
public final class EnumNames {
  private EnumNames() {}

  public static String kebab(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
