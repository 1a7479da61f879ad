package io.dlpipe.etl;

import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.TargetConfig;
import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import java.io.Serializable;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the statistics pass does with one validated row, as a function of a row laid out by {@link
 * #columns}: {@code reason, split, target, lines}, then the numeric, date and categorical cells.
 * Rows are counted by reason and split; good train rows are measured ({@link FitStatistics}).
 * Shared by {@link TransformFitter#measure} and the single pass of {@link EtlJob}, so both measure
 * the same way.
 */
final class RowMeasure implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Columns before the cells: reason, split, target, lines. */
  static final int CELLS_FROM = 4;

  private final int numeric;
  private final int dates;
  private final int categorical;
  private final boolean regression;
  private final RawParsing parsing;
  private final DateParsing dateParsing = new DateParsing();
  private final String missingLevel;
  private final int levelCap;
  private final double relativeError;
  private final int maxLabels;

  RowMeasure(
      List<ColumnSpec> specs,
      TargetConfig target,
      List<String> nullValues,
      String missingLevel,
      int levelCap,
      double relativeError) {
    this.numeric = (int) specs.stream().filter(ColumnSpec::isNumeric).count();
    this.dates = (int) specs.stream().filter(ColumnSpec::isDate).count();
    this.categorical = (int) specs.stream().filter(ColumnSpec::isCategorical).count();
    this.regression = target.task() == Task.REGRESSION;
    this.parsing = new RawParsing(nullValues);
    this.missingLevel = missingLevel;
    this.levelCap = levelCap;
    this.relativeError = relativeError;
    this.maxLabels = target.maxClasses();
  }

  /**
   * The measurement etl fits with: quantiles at etl.quantile-relative-error, levels as the
   * vocabulary counts them.
   */
  static RowMeasure of(
      List<ColumnSpec> specs, TargetConfig target, EtlConfig etl, List<String> nullValues) {
    String missingLevel =
        etl.impute().categorical() == EtlConfig.CategoricalImpute.MISSING_LEVEL
            ? FittedTransform.MISSING_LEVEL
            : null;
    // Enough for any vocabulary a top-k keeps, and for the levels of nearly every real categorical
    // column.
    return new RowMeasure(
        specs,
        target,
        nullValues,
        missingLevel,
        Math.max(10_000, 4 * etl.categorical().topK()),
        etl.quantileRelativeError());
  }

  /**
   * The row layout this measures, from validated rows: rows without {@link Columns#REASON} count as
   * good, without {@link Columns#SPLIT} as train, without {@link Columns#LINES} as one line.
   */
  static List<Column> columns(Dataset<Row> rows, List<ColumnSpec> specs) {
    List<String> present = Arrays.asList(rows.columns());
    List<Column> cols = new ArrayList<>();
    cols.add(
        present.contains(Columns.REASON)
            ? functions.col(Columns.REASON)
            : functions.lit(null).cast(DataTypes.StringType));
    cols.add(
        present.contains(Columns.SPLIT)
            ? functions.col(Columns.SPLIT)
            : functions.lit(Columns.TRAIN));
    cols.add(functions.col(Columns.TARGET));
    cols.add(present.contains(Columns.LINES) ? functions.col(Columns.LINES) : functions.lit(1));
    specs.stream().filter(ColumnSpec::isNumeric).forEach(s -> cols.add(Columns.col(s.name())));
    specs.stream().filter(ColumnSpec::isDate).forEach(s -> cols.add(Columns.col(s.name())));
    specs.stream().filter(ColumnSpec::isCategorical).forEach(s -> cols.add(Columns.col(s.name())));
    return cols;
  }

  FitStatistics zero() {
    return new FitStatistics(numeric, dates, categorical, levelCap, relativeError, maxLabels);
  }

  /** Counts and, for a good train row, measures one row laid out by {@link #columns}. */
  FitStatistics add(FitStatistics acc, Row r) {
    String reason = r.getString(0);
    String split = r.getString(1);
    acc.count(reason, split);
    acc.lines(r.getInt(3), reason != null);
    if (reason != null) {
      return acc;
    }
    if (!regression) {
      acc.label(r.getString(2));
    }
    if (!Columns.TRAIN.equals(split)) {
      return acc;
    }
    if (!regression) {
      acc.trainLabel(r.getString(2));
    }
    int at = CELLS_FROM;
    Double[] numbers = new Double[numeric];
    for (int i = 0; i < numeric; i++) {
      numbers[i] = parsing.number(r.getString(at++));
    }
    LocalDateTime[] parsedDates = new LocalDateTime[dates];
    boolean[] hasTime = new boolean[dates];
    for (int j = 0; j < dates; j++) {
      String text = parsing.text(r.getString(at++));
      parsedDates[j] = dateParsing.parse(text);
      hasTime[j] = parsedDates[j] != null && DateParsing.hasTime(text);
    }
    String[] texts = new String[categorical];
    for (int j = 0; j < categorical; j++) {
      String t = parsing.text(r.getString(at++));
      texts[j] = t == null ? missingLevel : t;
    }
    acc.measure(
        numbers, parsedDates, hasTime, regression && !r.isNullAt(2) ? r.getDouble(2) : null);
    acc.levels(texts);
    return acc;
  }
}
