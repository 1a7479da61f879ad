package io.dlpipe.etl;

import io.dlpipe.config.Task;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Marks every row that cannot be used, with a {@link QuarantineReason} code and a detail naming the
 * column and the offending text, and parses the target. Nothing is dropped here: callers split the
 * result on {@link Columns#REASON} into good rows and the quarantine, so the counts reconcile by
 * construction.
 */
public final class RowValidator {
  private static final String CHECK = Columns.INTERNAL_PREFIX + "check";
  private static final StructType RESULT =
      new StructType()
          .add("reason", DataTypes.StringType)
          .add("detail", DataTypes.StringType)
          .add("number", DataTypes.DoubleType)
          .add("text", DataTypes.StringType)
          .add("lines", DataTypes.IntegerType);

  private RowValidator() {}

  /**
   * Adds {@link Columns#REASON}, {@link Columns#DETAIL} and {@link Columns#TARGET}.
   *
   * @param raw the reader's uniform text frame
   * @param specs the input schema with roles
   * @param task regression or classification
   * @param declaredClasses classification labels the user declared; empty accepts any label
   * @param targetRequired false for batch prediction, where new data may lack the target
   * @param nullValues cell texts that mean missing
   */
  public static Dataset<Row> validate(
      Dataset<Row> raw,
      List<ColumnSpec> specs,
      Task task,
      List<String> declaredClasses,
      boolean targetRequired,
      List<String> nullValues) {
    return validate(
        raw, specs, task, declaredClasses, targetRequired, nullValues, Integer.MAX_VALUE);
  }

  /**
   * As {@link #validate(Dataset, List, Task, List, boolean, List)}, also adding {@link
   * Columns#LINES}, and quarantining a record that spans more than {@code maxRecordLines} lines
   * (input.csv.max-record-lines) as {@link QuarantineReason#RECORD_TOO_LONG}, ahead of any other
   * reason.
   */
  public static Dataset<Row> validate(
      Dataset<Row> raw,
      List<ColumnSpec> specs,
      Task task,
      List<String> declaredClasses,
      boolean targetRequired,
      List<String> nullValues,
      int maxRecordLines) {
    List<Column> cells = new ArrayList<>();
    for (ColumnSpec s : specs) {
      cells.add(Columns.col(s.name()));
    }
    cells.add(functions.col(Columns.CORRUPT));
    Check check =
        new Check(
            specs,
            task,
            declaredClasses,
            targetRequired,
            new RawParsing(nullValues),
            maxRecordLines);
    Column result =
        functions
            .udf(check, RESULT)
            .asNonNullable()
            .apply(functions.struct(cells.toArray(new Column[0])));
    return raw.withColumn(CHECK, result)
        .withColumn(Columns.REASON, functions.col(CHECK + ".reason"))
        .withColumn(Columns.DETAIL, functions.col(CHECK + ".detail"))
        .withColumn(
            Columns.TARGET, functions.col(CHECK + (task == Task.REGRESSION ? ".number" : ".text")))
        .withColumn(Columns.LINES, functions.col(CHECK + ".lines"))
        .drop(CHECK);
  }

  /**
   * The same checks as {@link #validate}, as a function of one row: a row of the specs' cells
   * (text) followed by the corrupt record, to a row of {@code reason, detail, number, text}. For
   * code that scores one row at a time (the SQL function in {@code io.dlpipe.ml}).
   */
  public static UDF1<Row, Row> checker(
      List<ColumnSpec> specs,
      Task task,
      List<String> declaredClasses,
      boolean targetRequired,
      List<String> nullValues) {
    return new Check(
        specs,
        task,
        declaredClasses,
        targetRequired,
        new RawParsing(nullValues),
        Integer.MAX_VALUE);
  }

  /**
   * The physical lines a record spans: one, plus every line break inside it. A malformed record's
   * raw text holds its breaks (a trailing one is the record's own end); a parsed record keeps the
   * breaks of its quoted cells. CRLF, LF and a lone CR each end one line.
   */
  static int lines(Row cells, int corrupt) {
    if (!cells.isNullAt(corrupt)) {
      String raw = cells.getString(corrupt);
      int end =
          raw.endsWith("\r\n")
              ? raw.length() - 2
              : raw.endsWith("\n") || raw.endsWith("\r") ? raw.length() - 1 : raw.length();
      return 1 + breaks(raw, end);
    }
    int lines = 1;
    for (int i = 0; i < corrupt; i++) {
      if (!cells.isNullAt(i)) {
        lines += breaks(cells.getString(i), cells.getString(i).length());
      }
    }
    return lines;
  }

  private static int breaks(String s, int end) {
    int n = 0;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= end || s.charAt(i + 1) != '\n'))) {
        n++;
      }
    }
    return n;
  }

  /** The checks of one row, in order of precedence: the first failing one names the reason. */
  private static final class Check implements UDF1<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final String REPLACEMENT_CHAR = "\uFFFD";

    private final String[] names;
    private final boolean[] numeric;
    private final int target;
    private final boolean regression;
    private final Set<String> classes;
    private final String classList;
    private final boolean targetRequired;
    private final RawParsing parsing;
    private final int maxRecordLines;

    Check(
        List<ColumnSpec> specs,
        Task task,
        List<String> declaredClasses,
        boolean targetRequired,
        RawParsing parsing,
        int maxRecordLines) {
      names = new String[specs.size()];
      numeric = new boolean[specs.size()];
      int t = -1;
      for (int i = 0; i < specs.size(); i++) {
        names[i] = specs.get(i).name();
        numeric[i] = specs.get(i).isNumeric();
        if (specs.get(i).role().equals(ColumnSpec.TARGET)) {
          t = i;
        }
      }
      this.target = t;
      this.regression = task == Task.REGRESSION;
      this.classes = Set.copyOf(declaredClasses);
      this.classList = declaredClasses.toString();
      this.targetRequired = targetRequired;
      this.parsing = parsing;
      this.maxRecordLines = maxRecordLines;
    }

    @Override
    public Row call(Row cells) {
      int lines = lines(cells, names.length);
      if (lines > maxRecordLines) {
        return RowFactory.create(
            QuarantineReason.RECORD_TOO_LONG.code(),
            "the record spans "
                + lines
                + " lines, more than input.csv.max-record-lines = "
                + maxRecordLines
                + " (a stray quote folds the lines after it into one record)",
            null,
            null,
            lines);
      }
      Row verdict = verdict(cells);
      return RowFactory.create(
          verdict.get(0), verdict.get(1), verdict.get(2), verdict.get(3), lines);
    }

    /** Reason, detail, number and text of the row: the checks in order of precedence. */
    private Row verdict(Row cells) {
      String targetCell = target < 0 ? null : cells.getString(target);
      Double number = regression ? parsing.number(targetCell) : null;
      String text = regression ? null : parsing.text(targetCell);
      if (!cells.isNullAt(names.length)) {
        return RowFactory.create(
            QuarantineReason.MALFORMED_ROW.code(),
            "the record does not parse in the input format (wrong field count, broken quoting or invalid syntax)",
            number,
            text);
      }
      StringBuilder bad = new StringBuilder();
      for (int i = 0; i < names.length; i++) {
        String cell = cells.getString(i);
        if (cell != null && cell.contains(REPLACEMENT_CHAR)) {
          bad.append(bad.length() == 0 ? "" : ", ").append("column ").append(names[i]);
        }
      }
      if (bad.length() > 0) {
        return RowFactory.create(
            QuarantineReason.BAD_ENCODING.code(),
            "bytes invalid in the input encoding in " + bad,
            number,
            text);
      }
      for (int i = 0; i < names.length; i++) {
        int at = RawParsing.controlCharacter(cells.getString(i));
        if (at >= 0) {
          bad.append(bad.length() == 0 ? "" : "; ")
              .append("column ")
              .append(names[i])
              .append(
                  String.format(
                      java.util.Locale.ROOT,
                      ": control character U+%04X at position %d",
                      (int) cells.getString(i).charAt(at),
                      at + 1));
        }
      }
      if (bad.length() > 0) {
        return RowFactory.create(
            QuarantineReason.CONTROL_CHARACTER.code(), bad.toString(), number, text);
      }
      if (target >= 0) {
        String name = names[target];
        if (parsing.isMissing(targetCell)) {
          if (targetRequired) {
            return RowFactory.create(
                QuarantineReason.MISSING_TARGET.code(),
                "target column " + name + " is empty",
                null,
                null);
          }
        } else if (regression && number == null) {
          return RowFactory.create(
              QuarantineReason.UNPARSEABLE_TARGET.code(),
              "target column "
                  + name
                  + ": '"
                  + shown(targetCell)
                  + "' is not a "
                  + (parsing.isNonFinite(targetCell) ? "finite number" : "number"),
              null,
              null);
        } else if (!regression && !classes.isEmpty() && !classes.contains(text)) {
          return RowFactory.create(
              QuarantineReason.UNKNOWN_CLASS.code(),
              "target column "
                  + name
                  + ": '"
                  + shown(text)
                  + "' is not one of target.classes "
                  + classList,
              null,
              text);
        }
      }
      boolean anyText = false;
      for (int i = 0; i < names.length; i++) {
        String cell = cells.getString(i);
        if (numeric[i] && parsing.isUnparseableNumber(cell)) {
          boolean nonFinite = parsing.isNonFinite(cell);
          anyText |= !nonFinite;
          bad.append(bad.length() == 0 ? "" : "; ")
              .append("column ")
              .append(names[i])
              .append(": '")
              .append(shown(cell))
              .append(nonFinite ? "' is not a finite number" : "' is not a number");
        }
      }
      if (bad.length() > 0) {
        // Text among the cells names the row unparseable; only non-finite numbers name it
        // non-finite.
        return RowFactory.create(
            (anyText ? QuarantineReason.UNPARSEABLE_NUMERIC : QuarantineReason.NON_FINITE_NUMERIC)
                .code(),
            bad.toString(),
            number,
            text);
      }
      return RowFactory.create(null, null, number, text);
    }

    /**
     * A cell as quoted in a detail: at most 80 characters, so a 10 MB cell stays out of the
     * summary.
     */
    private static String shown(String cell) {
      return cell.length() <= 80
          ? cell
          : cell.substring(0, 80) + "... (" + cell.length() + " characters)";
    }
  }

  /**
   * A row's raw text: the original line of a malformed row, the cells re-encoded as CSV otherwise.
   */
  static Column rawText(List<String> inputColumns) {
    List<Column> cells = new ArrayList<>();
    for (String c : inputColumns) {
      cells.add(Columns.col(c));
    }
    Column rendered =
        functions.to_csv(
            functions.struct(cells.toArray(new Column[0])), java.util.Map.of("quoteAll", "false"));
    return functions.coalesce(functions.col(Columns.CORRUPT), rendered);
  }

  /**
   * The quarantine table: the raw row text (the original line for malformed rows, the cells
   * re-encoded as CSV otherwise), the reason code, its detail and the source file.
   */
  public static Dataset<Row> quarantine(Dataset<Row> validated, List<String> inputColumns) {
    return validated
        .where(functions.col(Columns.REASON).isNotNull())
        .select(
            rawText(inputColumns).as(Columns.Q_RAW),
            functions.col(Columns.REASON).as(Columns.Q_REASON),
            functions.col(Columns.DETAIL).as(Columns.Q_DETAIL),
            functions.col(Columns.SOURCE).as(Columns.Q_SOURCE));
  }
}
