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
    return Double.isFinite(d) ? d : null;
  }

  /** True when the cell is present but not a finite decimal number. */
  public boolean isUnparseableNumber(String cell) {
    return !isMissing(cell) && number(cell) == null;
  }
}
