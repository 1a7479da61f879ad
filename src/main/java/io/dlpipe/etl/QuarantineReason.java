package io.dlpipe.etl;

import java.util.Locale;

/** Why a row went to the quarantine instead of the prepared data. The codes are stable: reports and alerts key on them. */
public enum QuarantineReason {
  /** Wrong field count, broken quoting, or a record the format's parser rejected. */
  MALFORMED_ROW,
  /** Bytes that are not valid in the configured input encoding. */
  BAD_ENCODING,
  /** The target cell is empty or one of input.null-values. */
  MISSING_TARGET,
  /** Regression: the target cell is not a finite number. */
  UNPARSEABLE_TARGET,
  /** Classification with declared target.classes: a label outside them. */
  UNKNOWN_CLASS,
  /** A numeric column holds text that is neither a finite number nor a null value. */
  UNPARSEABLE_NUMERIC;

  /** The code written to the quarantine and the summary, e.g. {@code missing_target}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
