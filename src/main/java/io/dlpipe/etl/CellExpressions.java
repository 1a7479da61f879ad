package io.dlpipe.etl;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@link RawParsing}'s rules as Catalyst expressions, which Spark compiles into the generated code
 * of a stage instead of calling a Java function per row: no conversion of every cell to a Java
 * {@code String} and back, and each cell parsed once per pass. They give exactly what {@link
 * RawParsing} gives for every text ({@code CellExpressionsTest} compares them cell by cell), so
 * etl's validation, split, statistics and transform mean the same as before and as batch
 * prediction's row-at-a-time function.
 *
 * <p>Why they agree: {@link #stripped} trims exactly the characters {@link String#strip} does
 * ({@link Character#isWhitespace}); a decimal is a text of only the characters {@code 0-9 + - . e
 * E} that Spark's cast to double (Java's {@code Double.valueOf}, which within those characters
 * accepts exactly {@link RawParsing#isDecimal}'s grammar) parses to a finite value. Spark's own
 * cast alone would accept more ({@code 1d}, {@code 0x1p3}, {@code Infinity}).
 */
final class CellExpressions {
  /**
   * Every character {@link Character#isWhitespace} accepts, all that {@link String#strip} trims.
   */
  static final String WHITESPACE = whitespace();

  private static final String DECIMAL_CHARACTERS = "0123456789+-.eE";

  private final Object[] nullValues;

  CellExpressions(List<String> nullValues) {
    this.nullValues = nullValues.toArray();
  }

  private static String whitespace() {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      if (Character.isWhitespace(c)) {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** The cell without leading and trailing white space, as {@link String#strip}. */
  static Column stripped(Column cell) {
    return functions.trim(cell, WHITESPACE);
  }

  /** {@link RawParsing#isMissing}. */
  Column isMissing(Column cell) {
    Column s = stripped(cell);
    return nullValues.length == 0 ? s.isNull() : s.isNull().or(s.isin(nullValues));
  }

  /** {@link RawParsing#text}: the stripped cell, or null when missing. */
  Column text(Column cell) {
    Column s = stripped(cell);
    return nullValues.length == 0
        ? s
        : functions
            .when(s.isin(nullValues), functions.lit(null).cast(DataTypes.StringType))
            .otherwise(s);
  }

  /** {@link RawParsing#number}: the cell as a finite double, -0 as 0, null when not one. */
  Column number(Column cell) {
    Column s = stripped(cell);
    Column d = s.cast(DataTypes.DoubleType);
    Column decimal =
        functions
            .translate(s, DECIMAL_CHARACTERS, "")
            .equalTo("")
            .and(functions.abs(d).leq(Double.MAX_VALUE));
    if (nullValues.length > 0) {
      decimal = decimal.and(functions.not(s.isin(nullValues)));
    }
    // Adding +0 turns -0 into 0 and leaves every other double as it is.
    return functions.when(decimal, d.plus(0.0));
  }

  /**
   * A cell as it enters the feature fingerprint ({@link FeatureRows#fingerprint}): a numeric cell's
   * number as {@link Double#toString} writes it (Spark's cast of a double to text), any other
   * cell's text, and {@code missing} for a cell without one.
   */
  Column keyPart(Column cell, boolean numeric, String missing) {
    Column v = numeric ? number(cell).cast(DataTypes.StringType) : text(cell);
    return functions.coalesce(v, functions.lit(missing));
  }
}
