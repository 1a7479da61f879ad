package io.dlpipe.testing;

import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Tiny in-memory frames shaped like the reader's output, for unit tests of the transformations. */
public final class Frames {
  private Frames() {}

  /**
   * A raw text frame: the given columns (all strings), then {@link Columns#CORRUPT} (null unless
   * the row has one more element, the raw line) and {@link Columns#SOURCE} ("mem").
   */
  public static Dataset<Row> raw(String[] columns, String[]... rows) {
    StructType schema = new StructType();
    for (String c : columns) {
      schema = schema.add(c, DataTypes.StringType, true);
    }
    schema =
        schema
            .add(Columns.CORRUPT, DataTypes.StringType, true)
            .add(Columns.SOURCE, DataTypes.StringType, true);
    List<Row> out = new ArrayList<>();
    for (String[] r : rows) {
      Object[] values = new Object[columns.length + 2];
      for (int i = 0; i < columns.length; i++) {
        values[i] = i < r.length ? r[i] : null;
      }
      values[columns.length] = r.length > columns.length ? r[columns.length] : null;
      values[columns.length + 1] = "mem";
      out.add(RowFactory.create(values));
    }
    return TestSpark.get().createDataFrame(out, schema);
  }
}
