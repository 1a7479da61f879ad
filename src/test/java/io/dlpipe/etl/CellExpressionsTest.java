package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class CellExpressionsTest {
  private static final List<String> NULLS = List.of("", "NA", "null");

  /** Every string of up to 4 characters over the characters the rules care about, and oddities. */
  private static List<String> cells() {
    List<String> out = new ArrayList<>();
    char[] alphabet = "0 9+-.eE\t1x".toCharArray();
    char[] buf = new char[4];
    for (int len = 0; len <= 4; len++) {
      int[] idx = new int[len];
      while (true) {
        for (int k = 0; k < len; k++) {
          buf[k] = alphabet[idx[k]];
        }
        out.add(new String(buf, 0, len));
        int k = len - 1;
        while (k >= 0 && ++idx[k] == alphabet.length) {
          idx[k--] = 0;
        }
        if (k < 0) {
          break;
        }
      }
    }
    out.addAll(
        List.of(
            "NA",
            " NA ",
            "null",
            "na",
            "1e999",
            "-1E400",
            "-0",
            "-0.0",
            "\u00a01",
            "\u20001\u3000",
            "\u2007 2",
            "\u001c3\u001f",
            "1d",
            "1F",
            "0x1p3",
            "Infinity",
            "-inf",
            "NaN",
            "1e-5",
            "123456789012345678901234",
            "0.1",
            "1e21",
            "1e-7",
            "1.0E10",
            "\u0660",
            "4.9e-324",
            "1.7976931348623157e308",
            " owner ",
            "caf\u00e9",
            "a\u0000b",
            "12,5"));
    return out;
  }

  @Test
  void theExpressionsGiveWhatRawParsingGivesForEveryCell() {
    SparkSession spark = TestSpark.get();
    List<String> cells = cells();
    assertEquals(16_105 + 31, cells.size());
    Dataset<Row> frame = spark.createDataset(cells, Encoders.STRING()).toDF("c");
    frame = frame.union(frame.limit(1).select(functions.lit(null).cast("string").as("c")));
    CellExpressions e = new CellExpressions(NULLS);
    List<Row> rows =
        frame
            .select(
                functions.col("c"),
                e.number(functions.col("c")),
                e.text(functions.col("c")),
                e.isMissing(functions.col("c")),
                e.keyPart(functions.col("c"), true, "\u0000"))
            .collectAsList();
    assertEquals(cells.size() + 1, rows.size());
    RawParsing p = new RawParsing(NULLS);
    for (Row r : rows) {
      String c = r.getString(0);
      Double expected = p.number(c);
      Double found = r.isNullAt(1) ? null : r.getDouble(1);
      assertEquals(
          expected == null ? null : Double.doubleToLongBits(expected),
          found == null ? null : Double.doubleToLongBits(found),
          "number of '" + c + "'");
      assertEquals(p.text(c), r.getString(2), "text of '" + c + "'");
      assertEquals(p.isMissing(c), r.getBoolean(3), "missing of '" + c + "'");
      assertEquals(
          expected == null ? "\u0000" : expected.toString(), r.getString(4), "key of '" + c + "'");
    }
  }
}
