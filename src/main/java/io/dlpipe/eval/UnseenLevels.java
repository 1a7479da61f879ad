package io.dlpipe.eval;

import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.RawParsing;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Counts, per categorical column, the cells of new data whose level is not in the model's
 * vocabulary (never seen in training, or too rare there to be kept). The transform encodes them as
 * {@value FittedTransform#OTHER_LEVEL} without complaint, so a predict summary that counts them is
 * the only place a shift in the data shows. One aggregation; only the counts reach the driver.
 */
final class UnseenLevels {
  private UnseenLevels() {}

  /** Column name to the number of rows with a level outside its vocabulary, in transform order. */
  static Map<String, Long> count(Dataset<Row> rows, FittedTransform transform) {
    List<FittedTransform.CategoricalFeature> features = transform.categorical();
    Map<String, Long> out = new LinkedHashMap<>();
    if (features.isEmpty()) {
      return out;
    }
    List<Set<String>> vocabularies = new ArrayList<>();
    List<Column> cells = new ArrayList<>();
    for (FittedTransform.CategoricalFeature f : features) {
      vocabularies.add(new HashSet<>(f.levels()));
      cells.add(Columns.col(f.name()));
    }
    RawParsing parsing = new RawParsing(transform.nullValues());
    int n = features.size();
    UDF1<Row, Integer[]> unseen =
        row -> {
          Integer[] flags = new Integer[n];
          for (int i = 0; i < n; i++) {
            String level = parsing.text(row.getString(i));
            flags[i] = level != null && !vocabularies.get(i).contains(level) ? 1 : 0;
          }
          return flags;
        };
    String flags = Columns.INTERNAL_PREFIX + "unseen";
    List<Column> sums = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sums.add(
          functions.coalesce(
              functions.sum(functions.element_at(functions.col(flags), i + 1)), functions.lit(0L)));
    }
    Row totals =
        rows.select(
                functions
                    .udf(unseen, DataTypes.createArrayType(DataTypes.IntegerType))
                    .apply(functions.struct(cells.toArray(new Column[0])))
                    .as(flags))
            .agg(sums.get(0), sums.subList(1, n).toArray(new Column[0]))
            .first();
    for (int i = 0; i < n; i++) {
      out.put(features.get(i).name(), totals.getLong(i));
    }
    return out;
  }
}
