package io.dlpipe.synth;

/** The kinds of bad row the generator injects, each mapping to one quarantine reason. */
public enum MalformedKind {
  /** A clean row. */
  NONE,
  /** The last field is missing: malformed_row. */
  WRONG_FIELD_COUNT,
  /** A quoted field is never closed: malformed_row. */
  UNCLOSED_QUOTE,
  /** A text field holds bytes that are not UTF-8: bad_encoding. */
  BAD_ENCODING,
  /** The target cell is empty: missing_target. */
  MISSING_TARGET,
  /** A numeric cell holds text: unparseable_numeric. */
  UNPARSEABLE_NUMBER
}
