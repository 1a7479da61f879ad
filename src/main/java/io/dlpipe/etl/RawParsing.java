package io.dlpipe.etl;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules that turn a raw text cell into a value: one Java implementation that validation, role
 * inference, fitting and the transform (hence batch prediction) all call, so a cell means the same
 * thing in every stage. Plain Java rather than Spark's {@code cast}: its meaning does not change
 * with {@code spark.sql.ansi.enabled}, and one function per row scales to thousands of columns
 * where generated expression code would exceed the JVM's method size limit.
 */
public final class RawParsing implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Decimal numbers with an optional exponent; no hex, no type suffixes, no thousands separators. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** Spellings of non-finite numbers that Java, Spark, pandas or R write (compared lower-case). */
  private static final Set<String> NON_FINITE = Set.of("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

  private final Set<String> nullValues;

  /** @param nullValues cell texts (compared after stripping white space) that mean missing */
  public RawParsing(List<String> nullValues) {
    this.nullValues = Set.copyOf(nullValues);
  }

  /** True when the cell is null or, stripped, one of the null values. */
  public boolean isMissing(String cell) {
    return cell == null || nullValues.contains(cell.strip());
  }

  /** The stripped cell, or null when missing. */
  public String text(String cell) {
    return isMissing(cell) ? null : cell.strip();
  }

  /** The cell as a finite double, or null when missing or not a number. */
  public Double number(String cell) {
    if (isMissing(cell)) {
      return null;
    }
    String s = cell.strip();
    if (!NUMBER.matcher(s).matches()) {
      return null;
    }
    double d = Double.parseDouble(s);
    // -0 is 0: the sign of zero must not make two equal cells different features.
    return Double.isFinite(d) ? (d == 0 ? 0.0 : d) : null;
  }

  /** True when the cell is present and a number, but not a finite one (Infinity, NaN, 1e400). */
  public boolean isNonFinite(String cell) {
    if (isMissing(cell)) {
      return false;
    }
    String s = cell.strip();
    return NON_FINITE.contains(s.toLowerCase(java.util.Locale.ROOT)) || (NUMBER.matcher(s).matches() && !Double.isFinite(Double.parseDouble(s)));
  }

  /**
   * The index of the first control character in the cell, or -1: C0 controls other than tab, LF
   * and CR (which quoted CSV fields legitimately hold), and DEL. They mean binary data or a broken
   * export, and would reach vocabularies, reports and predictions invisibly.
   */
  public static int controlCharacter(String cell) {
    if (cell == null) {
      return -1;
    }
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
        return i;
      }
    }
    return -1;
  }

  /** True when the cell is present but not a finite decimal number (non-finite ones included). */
  public boolean isUnparseableNumber(String cell) {
    return !isMissing(cell) && number(cell) == null;
  }
}
