package io.dlpipe.etl;

import java.util.Locale;

/**
 * Why a row went to the quarantine instead of the prepared data. The codes are stable: reports and
 * alerts key on them.
 */
public enum QuarantineReason {
  /** Wrong field count, broken quoting, or a record the format's parser rejected. */
  MALFORMED_ROW,
  /** Bytes that are not valid in the configured input encoding. */
  BAD_ENCODING,
  /**
   * A cell holds a control character (NUL, U+0001..U+001F other than tab, LF and CR, or DEL):
   * binary data or a broken export.
   */
  CONTROL_CHARACTER,
  /** The target cell is empty or one of input.null-values. */
  MISSING_TARGET,
  /** Regression: the target cell is not a finite number. */
  UNPARSEABLE_TARGET,
  /** Classification with declared target.classes: a label outside them. */
  UNKNOWN_CLASS,
  /** A numeric column holds text that is neither a number nor a null value. */
  UNPARSEABLE_NUMERIC,
  /**
   * A numeric column holds a number that is not finite: Infinity, NaN (unless a null value), or
   * beyond the double range such as 1e400.
   */
  NON_FINITE_NUMERIC,
  /**
   * A CSV record spanning more physical lines than input.csv.max-record-lines: most likely a stray
   * quote that folded the lines after it into it.
   */
  RECORD_TOO_LONG;

  /** The code written to the quarantine and the summary, e.g. {@code missing_target}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
