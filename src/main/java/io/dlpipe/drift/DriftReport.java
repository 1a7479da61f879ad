package io.dlpipe.drift;

import java.util.List;

/**
 * One day's drift against a model's training data: the content of {@code drift.json}.
 *
 * @param date the run date the day's data belongs to
 * @param modelId the model whose training data is the reference
 * @param rows the day's rows measured
 * @param trainRows the train rows of the reference
 * @param thresholds what counts as drift, and the PSI's epsilon
 * @param drifted whether any column crossed a threshold
 * @param verdict one sentence: which columns crossed which threshold, or the largest values
 * @param crossed every threshold a column crossed, largest first
 * @param columns every numeric column, then every categorical column, in transform order
 */
public record DriftReport(
    String date,
    String modelId,
    long rows,
    long trainRows,
    Thresholds thresholds,
    boolean drifted,
    String verdict,
    List<Crossing> crossed,
    List<ColumnDrift> columns) {
  public DriftReport {
    crossed = List.copyOf(crossed);
    columns = List.copyOf(columns);
  }

  /**
   * @param psi schedule.drift.psi-threshold
   * @param unseenShare schedule.drift.unseen-threshold
   * @param epsilon the share an empty bin counts as in the PSI ({@link Psi#EPSILON})
   */
  public record Thresholds(double psi, double unseenShare, double epsilon) {}

  /**
   * A threshold one column crossed.
   *
   * @param column the column
   * @param measure {@code psi} or {@code unseen_share}
   * @param value the day's value
   * @param threshold the threshold it exceeds
   */
  public record Crossing(String column, String measure, double value, double threshold) {}

  /**
   * One column's drift.
   *
   * @param column the column
   * @param kind {@code numeric} or {@code categorical}
   * @param psi population stability index over {@code bins}
   * @param unseenShare categorical: share of the day's rows holding a level outside the vocabulary
   * @param bins the bins, each with its train and day share
   */
  public record ColumnDrift(
      String column, String kind, double psi, Double unseenShare, List<Bin> bins) {
    public ColumnDrift {
      bins = List.copyOf(bins);
    }
  }

  /**
   * @param bin the bin's label: {@code <= e}, {@code (a, b]}, {@code > e} or {@code missing} for
   *     numbers; the level or {@code __other__} for categories
   * @param trainShare its share on train
   * @param dayShare its share on the day
   */
  public record Bin(String bin, double trainShare, double dayShare) {}
}
