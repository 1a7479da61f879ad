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

  /** The grammar {@link #isDecimal} implements, as a regular expression: the tests' reference. */
  static final Pattern NUMBER =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  /** Spellings of non-finite numbers that Java, Spark, pandas or R write (compared lower-case). */
  private static final Set<String> NON_FINITE =
      Set.of("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

  private final Set<String> nullValues;

  /**
   * @param nullValues cell texts (compared after stripping white space) that mean missing
   */
  public RawParsing(List<String> nullValues) {
    this.nullValues = Set.copyOf(nullValues);
  }

  /** True when the cell is null or, stripped, one of the null values. */
  public boolean isMissing(String cell) {
    return cell == null || nullValues.contains(cell.strip());
  }

  /** The stripped cell, or null when missing. */
  public String text(String cell) {
    if (cell == null) {
      return null;
    }
    String s = cell.strip();
    return nullValues.contains(s) ? null : s;
  }

  /** The cell as a finite double, or null when missing or not a number. */
  public Double number(String cell) {
    if (cell == null) {
      return null;
    }
    String s = cell.strip();
    if (nullValues.contains(s) || !isDecimal(s)) {
      return null;
    }
    double d = Double.parseDouble(s);
    // -0 is 0: the sign of zero must not make two equal cells different features.
    return Double.isFinite(d) ? (d == 0 ? 0.0 : d) : null;
  }

  /**
   * True when {@code s} matches {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?} (ASCII digits): the
   * decimal grammar, without hex, type suffixes or thousands separators, which {@code
   * Double.parseDouble} alone would accept or reject differently. A hand-written scan rather than a
   * regular expression: it runs for every cell of every numeric column in several stages, and a
   * {@code Matcher} per cell was a measurable share of etl's time ({@code NUMBER} in the tests is
   * the reference it is checked against).
   */
  static boolean isDecimal(String s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int intDigits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      intDigits++;
    }
    int fracDigits = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        fracDigits++;
      }
    }
    if (intDigits == 0 && fracDigits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int expDigits = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** True when the cell is present and a number, but not a finite one (Infinity, NaN, 1e400). */
  public boolean isNonFinite(String cell) {
    if (isMissing(cell)) {
      return false;
    }
    String s = cell.strip();
    return NON_FINITE.contains(s.toLowerCase(java.util.Locale.ROOT))
        || (isDecimal(s) && !Double.isFinite(Double.parseDouble(s)));
  }

  /**
   * The index of the first control character in the cell, or -1: C0 controls other than tab, LF and
   * CR (which quoted CSV fields legitimately hold), and DEL. They mean binary data or a broken
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
