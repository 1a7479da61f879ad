package io.dlpipe.etl;

import java.util.Map;

/**
 * What {@code etl-summary.json} reports. The counts reconcile in records: {@code rowsRead =
 * sum(rowsWritten) + duplicatesRemoved + rowsQuarantined}, and the job checks this before writing
 * {@code _SUCCESS}. The reject ratio is measured in physical lines ({@code linesRead}, {@code
 * linesQuarantined}), which equal the records unless a record spans lines.
 *
 * @param status {@code succeeded}, or {@code failed} with {@code error} set
 * @param error why the run failed, or null
 * @param inputPath the raw data read
 * @param inputFormat csv | json | parquet
 * @param rowsRead every record the reader produced, malformed ones included
 * @param rowsQuarantined records written to the quarantine
 * @param quarantinedByReason the quarantine split by reason code
 * @param linesRead the physical lines of those records (csv: a record with quoted newlines spans
 *     several; one per record for the other formats)
 * @param linesQuarantined the physical lines of the quarantined records
 * @param rejectRatio linesQuarantined / linesRead: a stray quote that folds 450 lines into one
 *     record weighs 450 lines, not one row
 * @param maxRejectRatio the configured limit
 * @param duplicatesFound rows repeating an earlier row (all columns, or the dedup keys)
 * @param duplicatesRemoved the duplicates dropped (0 unless etl.dedup.mode removes them)
 * @param rowsWritten rows in each prepared split
 * @param featureCount the length of every feature vector
 * @param secondsPerStage wall-clock seconds of each stage, in order
 * @param startedAt ISO-8601 UTC
 * @param finishedAt ISO-8601 UTC
 * @param featureRows distinct and conflicting feature rows per split and the bound they put on the
 *     metrics; null when the run failed before the split was measured
 * @param reads how the run read its input, and which of its figures are approximate
 */
public record EtlSummary(
    String status,
    String error,
    String inputPath,
    String inputFormat,
    long rowsRead,
    long rowsQuarantined,
    Map<String, Long> quarantinedByReason,
    long linesRead,
    long linesQuarantined,
    double rejectRatio,
    double maxRejectRatio,
    long duplicatesFound,
    long duplicatesRemoved,
    Map<String, Long> rowsWritten,
    int featureCount,
    Map<String, Double> secondsPerStage,
    String startedAt,
    String finishedAt,
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        FeatureRowStats featureRows,
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Reads reads) {

  /**
   * How etl read its input.
   *
   * @param rolesSampleRows the records role inference read (0 when every role was declared)
   * @param rolesFromSample true when those were a sample (the first etl.infer.sample-rows /
   *     partitions records of each input partition), not the whole input
   * @param fullReads the passes over the whole input: the statistics pass and the writing pass,
   *     plus one when clipping is on or a vocabulary needs a shuffle (the reason is in the log)
   * @param approximate the figures that are approximate, each with why; empty when all are exact
   */
  public record Reads(
      long rolesSampleRows,
      boolean rolesFromSample,
      int fullReads,
      java.util.List<String> approximate) {
    public Reads {
      approximate = java.util.List.copyOf(approximate);
    }
  }

  /** Total rows in the three prepared splits. */
  public long totalWritten() {
    return rowsWritten.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether every row read is accounted for. */
  public boolean reconciles() {
    return rowsRead == totalWritten() + duplicatesRemoved + rowsQuarantined;
  }
}
