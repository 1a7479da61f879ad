package io.dlpipe.train;

import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.OutputHead;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The linear starts fitted on one train split, one per output head: a tuning search's trials differ
 * in network and optimizer settings, not in the split, so twenty trials with one head need one
 * MLlib fit, not twenty. The fit depends only on the head ({@link HeadSpec}) and the rows.
 */
final class LinearFits {
  private final Dataset<Row> rows;
  private final Map<HeadSpec, Optional<LinearStart.Coefficients>> fitted = new HashMap<>();

  private LinearFits(Dataset<Row> rows) {
    this.rows = rows;
  }

  /** Fits on {@code rows}, each head's at most once. */
  static LinearFits of(Dataset<Row> rows) {
    return new LinearFits(rows);
  }

  /** The rows the fits are made on. */
  Dataset<Row> rows() {
    return rows;
  }

  /** {@code head}'s linear model on the rows, fitted on first use ({@link LinearStart#fit}). */
  Optional<LinearStart.Coefficients> fit(OutputHead head) {
    return fitted.computeIfAbsent(head.spec(), s -> LinearStart.fit(rows, head));
  }
}
