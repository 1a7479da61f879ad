package io.dlpipe.etl;

import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Columns of parsed cells for the aggregations that fit the transform, parsed by {@link
 * RawParsing}.
 */
final class ParsedCells {
  private ParsedCells() {}

  /** A struct of the named raw columns, in order. */
  static Column struct(List<String> names) {
    List<Column> cells = new ArrayList<>();
    for (String n : names) {
      cells.add(Columns.col(n));
    }
    if (cells.isEmpty()) {
      cells.add(functions.lit(null).cast(DataTypes.StringType).as("none"));
    }
    return functions.struct(cells.toArray(new Column[0]));
  }

  /** array&lt;double&gt;: element i is column i as a number, null when missing. */
  static Column numbers(List<String> names, RawParsing parsing) {
    int n = names.size();
    UDF1<Row, Double[]> f =
        row -> {
          Double[] out = new Double[n];
          for (int i = 0; i < n; i++) {
            out[i] = parsing.number(row.getString(i));
          }
          return out;
        };
    return functions
        .udf(f, DataTypes.createArrayType(DataTypes.DoubleType, true))
        .apply(struct(names));
  }

  /**
   * array&lt;string&gt;: element i is column i's stripped text, or {@code missingAs} when missing.
   */
  static Column texts(List<String> names, RawParsing parsing, String missingAs) {
    int n = names.size();
    UDF1<Row, String[]> f =
        row -> {
          String[] out = new String[n];
          for (int i = 0; i < n; i++) {
            String t = parsing.text(row.getString(i));
            out[i] = t == null ? missingAs : t;
          }
          return out;
        };
    return functions
        .udf(f, DataTypes.createArrayType(DataTypes.StringType, true))
        .apply(struct(names));
  }
}
