package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.Frames;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RowValidatorTest {
  private static final String[] COLS = {"y", "age", "home"};
  private static final List<ColumnSpec> SPECS =
      List.of(
          new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""),
          ColumnSpec.of("age", ColumnRole.NUMERIC, "declared", ""),
          ColumnSpec.of("home", ColumnRole.CATEGORICAL, "declared", ""));
  private static final List<String> NULLS = List.of("", "NA");

  private static List<String> reasonsAndDetails(Dataset<Row> v) {
    return v.select(Columns.REASON, Columns.DETAIL).collectAsList().stream()
        .map(r -> r.getString(0) + " | " + r.getString(1))
        .toList();
  }

  @Test
  void regressionReasonsInOrderOfPrecedence() {
    Dataset<Row> raw =
        Frames.raw(
            COLS,
            new String[] {"1.5", "30", "rent"},
            new String[] {"2", "31", "own", "2,31,own,extra"},
            new String[] {"3", "32", "caf\uFFFD"},
            new String[] {"NA", "33", "rent"},
            new String[] {"abc", "34", "rent"},
            new String[] {"4", "3x", "rent"},
            new String[] {"5", "NA", null});
    Dataset<Row> v = RowValidator.validate(raw, SPECS, Task.REGRESSION, List.of(), true, NULLS);
    assertEquals(
        Arrays.asList(
            "null | null",
            "malformed_row | the record does not parse in the input format (wrong field count, broken quoting or invalid syntax)",
            "bad_encoding | bytes invalid in the input encoding in column home",
            "missing_target | target column y is empty",
            "unparseable_target | target column y: 'abc' is not a number",
            "unparseable_numeric | column age: '3x' is not a number",
            "null | null"),
        reasonsAndDetails(v));
    assertEquals(
        Arrays.asList(1.5, 2.0, 3.0, null, null, 4.0, 5.0),
        v.select(Columns.TARGET).collectAsList().stream()
            .map(r -> r.isNullAt(0) ? null : r.getDouble(0))
            .toList());
  }

  @Test
  void classificationWithDeclaredClassesQuarantinesUnknownLabels() {
    Dataset<Row> raw =
        Frames.raw(
            COLS,
            new String[] {" good ", "30", "rent"},
            new String[] {"maybe", "31", "own"},
            new String[] {"bad", "32", "own"});
    Dataset<Row> v =
        RowValidator.validate(raw, SPECS, Task.CLASSIFICATION, List.of("good", "bad"), true, NULLS);
    assertEquals(
        List.of(
            "null | null",
            "unknown_class | target column y: 'maybe' is not one of target.classes [good, bad]",
            "null | null"),
        reasonsAndDetails(v));
    assertEquals(
        List.of("good", "maybe", "bad"),
        v.select(Columns.TARGET).collectAsList().stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void predictionDoesNotRequireTheTarget() {
    Dataset<Row> raw = Frames.raw(COLS, new String[] {"", "30", "rent"});
    Dataset<Row> v = RowValidator.validate(raw, SPECS, Task.REGRESSION, List.of(), false, NULLS);
    assertEquals(List.of("null | null"), reasonsAndDetails(v));
  }

  @Test
  void everyBadNumericCellIsNamed() {
    List<ColumnSpec> specs =
        List.of(
            new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""),
            ColumnSpec.of("age", ColumnRole.NUMERIC, "declared", ""),
            ColumnSpec.of("home", ColumnRole.NUMERIC, "declared", ""));
    Dataset<Row> raw = Frames.raw(COLS, new String[] {"1", "x1", "x2"});
    Dataset<Row> v = RowValidator.validate(raw, specs, Task.REGRESSION, List.of(), true, NULLS);
    assertEquals(
        List.of(
            "unparseable_numeric | column age: 'x1' is not a number; column home: 'x2' is not a number"),
        reasonsAndDetails(v));
  }

  @Test
  void quarantineKeepsTheRawLineOrTheCells() {
    Dataset<Row> raw =
        Frames.raw(
            COLS,
            new String[] {"NA", "30", "rent"},
            new String[] {"2", "31", "own", "2,31,own,extra"},
            new String[] {"1", "1", "a"});
    Dataset<Row> q =
        RowValidator.quarantine(
            RowValidator.validate(raw, SPECS, Task.REGRESSION, List.of(), true, NULLS),
            Arrays.asList(COLS));
    assertEquals(List.of("raw", "reason", "detail", "source_file"), Arrays.asList(q.columns()));
    assertEquals(
        List.of("NA,30,rent|missing_target|mem", "2,31,own,extra|malformed_row|mem"),
        q.collectAsList().stream()
            .map(r -> r.getString(0) + "|" + r.getString(1) + "|" + r.getString(3))
            .toList());
  }

  @Test
  void controlCharactersAndNonFiniteNumbersHaveTheirOwnReasons() {
    String big = "9".repeat(500) + "x";
    Dataset<Row> raw =
        Frames.raw(
            COLS,
            new String[] {"1", "30", "re\u0000nt"},
            new String[] {"2", "Infinity", "own"},
            new String[] {"3", "1e400", "own"},
            new String[] {"4", big, "own"},
            new String[] {"Infinity", "1", "own"},
            new String[] {"5", "-0", "own"});
    Dataset<Row> v = RowValidator.validate(raw, SPECS, Task.REGRESSION, List.of(), true, NULLS);
    assertEquals(
        Arrays.asList(
            "control_character | column home: control character U+0000 at position 3",
            "non_finite_numeric | column age: 'Infinity' is not a finite number",
            "non_finite_numeric | column age: '1e400' is not a finite number",
            "unparseable_numeric | column age: '"
                + "9".repeat(80)
                + "... (501 characters)' is not a number",
            "unparseable_target | target column y: 'Infinity' is not a finite number",
            "null | null"),
        reasonsAndDetails(v));
  }
}
