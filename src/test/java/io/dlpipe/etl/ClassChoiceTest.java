package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.DataException;
import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.TargetConfig;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.Frames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Which class of a binary task is positive (index 1), and the target checks etl makes before it
 * fits: at least two classes on train, a regression target that varies and whose spread is finite.
 */
class ClassChoiceTest {
  private static final String[] COLS = {"y", "x"};
  private static final List<ColumnSpec> SPECS =
      List.of(
          new ColumnSpec("y", ColumnSpec.TARGET, "declared", ""),
          ColumnSpec.of("x", ColumnRole.NUMERIC, "declared", ""));

  /**
   * {@code first} repeated {@code n1} times, then {@code second} {@code n2} times, all on train.
   */
  private static Dataset<Row> labels(String first, int n1, String second, int n2) {
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n1 + n2; i++) {
      rows.add(new String[] {i < n1 ? first : second, String.valueOf(i)});
    }
    return RowValidator.validate(
        Frames.raw(COLS, rows.toArray(new String[0][])),
        SPECS,
        Task.CLASSIFICATION,
        List.of(),
        true,
        List.of("NA"));
  }

  private static List<String> classes(Dataset<Row> rows, String... positiveAndDeclared) {
    String positive = positiveAndDeclared.length > 0 ? positiveAndDeclared[0] : null;
    List<String> declared =
        positiveAndDeclared.length > 1
            ? java.util.Arrays.asList(positiveAndDeclared).subList(1, positiveAndDeclared.length)
            : List.of();
    return TransformFitter.classes(
        rows, new TargetConfig("y", Task.CLASSIFICATION, declared, 100, positive));
  }

  @Test
  void theMinorityClassOfTrainIsPositiveWhateverItsName() {
    // 0/1: the usual case, and reversed.
    assertEquals(List.of("0", "1"), classes(labels("0", 9, "1", 1)));
    assertEquals(List.of("1", "0"), classes(labels("0", 1, "1", 9)));
    // yes/no: "yes" sorts last, "no" first.
    assertEquals(List.of("no", "yes"), classes(labels("yes", 1, "no", 9)));
    assertEquals(List.of("yes", "no"), classes(labels("yes", 9, "no", 1)));
    // good/bad: by name "good" would be positive; 5% bad makes bad positive.
    assertEquals(List.of("good", "bad"), classes(labels("bad", 1, "good", 19)));
    assertEquals(List.of("bad", "good"), classes(labels("bad", 19, "good", 1)));
  }

  @Test
  void aTieKeepsTheSecondClassAndADeclaredPositiveClassWins() {
    assertEquals(
        List.of("bad", "good"),
        classes(labels("bad", 3, "good", 3)),
        "sorted: the second, as before positive-class");
    assertEquals(
        List.of("good", "bad"),
        classes(labels("bad", 3, "good", 3), null, "good", "bad"),
        "declared: the second declared");
    // Declared classes fix the set, not which one is positive: the minority is.
    assertEquals(
        List.of("bad", "good"), classes(labels("bad", 19, "good", 1), null, "good", "bad"));
    assertEquals(List.of("bad", "good"), classes(labels("bad", 1, "good", 19), "good"));
    assertEquals(List.of("0", "1"), classes(labels("0", 1, "1", 9), "1", "1", "0"));
  }

  @Test
  void aPositiveClassThatIsNotOneOrATaskThatIsNotBinaryIsADataError() {
    DataException e =
        assertThrows(DataException.class, () -> classes(labels("bad", 1, "good", 19), "Bad"));
    assertEquals(
        "target.positive-class = 'Bad' is not a class of target column 'y', whose classes are [bad, good]; fix target.positive-class",
        e.getMessage());
    Dataset<Row> three = labels("a", 2, "b", 2).union(labels("c", 2, "c", 0));
    assertEquals(List.of("a", "b", "c"), classes(three), "more than two classes keep their order");
    e = assertThrows(DataException.class, () -> classes(three, "a"));
    assertEquals(
        "target.positive-class = 'a' needs a binary task, but target column 'y' has 3 classes [a, b, c]; unset target.positive-class",
        e.getMessage());
  }

  @Test
  void oneClassOnTrainIsADataErrorDeclaredOrNot() {
    // The other class only in validation: train alone decides.
    Dataset<Row> rows =
        labels("good", 8, "bad", 2)
            .withColumn(
                Columns.SPLIT,
                functions
                    .when(functions.col(Columns.TARGET).equalTo("bad"), Columns.VALIDATION)
                    .otherwise(Columns.TRAIN));
    DataException e = assertThrows(DataException.class, () -> classes(rows));
    assertEquals(
        "Target column 'y' holds one class on the train split, 'good' (8 rows): a classifier needs at least 2; check that the input holds every class "
            + "(1 other(s) declared or seen: [bad])",
        e.getMessage());
    e =
        assertThrows(
            DataException.class, () -> classes(labels("good", 8, "good", 0), null, "good", "bad"));
    assertEquals(
        "Target column 'y' holds one class on the train split, 'good' (8 rows): a classifier needs at least 2; check that the input holds every class "
            + "(1 other(s) declared or seen: [bad])",
        e.getMessage());
  }

  private static Moments moments(double... values) {
    Moments m = new Moments();
    for (double v : values) {
      m.add(v);
    }
    return m;
  }

  @Test
  void aConstantOrOverflowingRegressionTargetIsADataError() {
    TargetConfig target = new TargetConfig("price", Task.REGRESSION, List.of(), 100);
    DataException e =
        assertThrows(
            DataException.class,
            () -> TransformFitter.checkRegressionTarget(moments(5, 5, 5), target));
    assertEquals(
        "Target column 'price' is constant on the train split (all 3 rows are 5.0): there is nothing to learn and R² is undefined; "
            + "check target.column and the input",
        e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () -> TransformFitter.checkRegressionTarget(moments(1e300, 1e300), target));
    assertEquals(
        "Target column 'price' is constant on the train split (all 2 rows are 1.0E300): there is nothing to learn and R² is undefined; "
            + "check target.column and the input",
        e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () -> TransformFitter.checkRegressionTarget(moments(1, 2, 1e300), target));
    assertEquals(
        "Target column 'price' is too large to train on: its largest absolute value on the train split is 1.0E300, and its variance overflows a double "
            + "(values must stay below about 1e154); rescale the target (divide it by a power of ten) in the input",
        e.getMessage());
    // Large but representable: 1e150 squared is 1e300.
    TransformFitter.checkRegressionTarget(moments(1, 2, 1e150), target);
  }
}
