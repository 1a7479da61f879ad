package io.dlpipe.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code training-history.csv} as the trainer writes it: {@code epoch,train_loss,val_loss,
 * val_<metric>,samples_per_s,seconds}. Columns are found by name, so a column added later does not
 * break an older report, and a history without a metric column still plots its losses.
 *
 * @param metricName the main metric the history tracks (r2, auc, accuracy), or null
 * @param rows one row per epoch, in file order
 */
record History(String metricName, List<Epoch> rows) {

  /** One epoch; NaN where the file has no such column. */
  record Epoch(
      int epoch,
      double trainLoss,
      double valLoss,
      double metric,
      double samplesPerS,
      double seconds) {}

  static History parse(String csv) {
    String[] lines = csv.strip().split("\r?\n");
    if (lines.length == 0 || lines[0].isBlank()) {
      throw new IllegalArgumentException(
          "training-history.csv is empty: expected a header line epoch,train_loss,val_loss,...");
    }
    String[] header = lines[0].strip().split(",");
    int epoch = index(header, "epoch");
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "training-history.csv has no epoch column: header was '" + lines[0].strip() + "'");
    }
    int train = index(header, "train_loss");
    int val = index(header, "val_loss");
    int metric = -1;
    String metricName = null;
    for (int i = 0; i < header.length; i++) {
      String h = header[i].strip().toLowerCase(Locale.ROOT);
      if (h.startsWith("val_") && !h.equals("val_loss")) {
        metric = i;
        metricName = h.substring(4);
        break;
      }
    }
    int rate = index(header, "samples_per_s");
    int seconds = index(header, "seconds");
    List<Epoch> rows = new ArrayList<>();
    for (int n = 1; n < lines.length; n++) {
      if (lines[n].isBlank()) {
        continue;
      }
      String[] cells = lines[n].split(",", -1);
      int line = n + 1;
      double e = cell(cells, epoch, header, line);
      rows.add(
          new Epoch(
              (int) e,
              cell(cells, train, header, line),
              cell(cells, val, header, line),
              cell(cells, metric, header, line),
              cell(cells, rate, header, line),
              cell(cells, seconds, header, line)));
    }
    return new History(metricName, List.copyOf(rows));
  }

  private static int index(String[] header, String name) {
    for (int i = 0; i < header.length; i++) {
      if (header[i].strip().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  private static double cell(String[] cells, int i, String[] header, int line) {
    if (i < 0) {
      return Double.NaN;
    }
    if (i >= cells.length) {
      throw new IllegalArgumentException(
          "training-history.csv line "
              + line
              + ": expected "
              + header.length
              + " cells but found "
              + cells.length);
    }
    String c = cells[i].strip();
    if (c.isEmpty() || c.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(c);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "training-history.csv line "
              + line
              + ", column "
              + header[i].strip()
              + ": expected a number but found '"
              + c
              + "'",
          e);
    }
  }

  /**
   * The epoch with the best main metric (all three are higher-is-better), else the lowest
   * validation loss; 0 when empty.
   */
  int bestEpoch() {
    int best = 0;
    double bestValue = Double.NaN;
    boolean byMetric = rows.stream().anyMatch(r -> !Double.isNaN(r.metric()));
    for (Epoch r : rows) {
      double v = byMetric ? r.metric() : -r.valLoss();
      if (!Double.isNaN(v) && (Double.isNaN(bestValue) || v > bestValue)) {
        bestValue = v;
        best = r.epoch();
      }
    }
    return best;
  }
}
