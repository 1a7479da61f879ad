package io.dlpipe.config;

/**
 * Whether a CSV record may span lines (RFC 4180 allows a newline inside a quoted field). Reading
 * line by line splits such a record into pieces, and a piece can have the right field count and
 * pass validation with a truncated cell; reading whole files keeps records intact but makes each
 * file one task. {@link #AUTO} scans the lines first and reads whole only the files that need it.
 */
public enum CsvMultiLine {
  /**
   * Scan every line for an unbalanced quote; read the files that have one whole, the rest by line.
   */
  AUTO,
  /** Read every file whole: always correct, but one task per file. */
  TRUE,
  /**
   * Read by line; a file with a quoted newline stops the job (exit code 3) instead of being split.
   */
  FALSE
}
