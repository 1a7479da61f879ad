package io.dlpipe.synth;

/** Which bundled dataset the synthetic rows imitate. */
public enum Shape {
  /**
   * Like data/credit_data.csv: binary Status (good/bad), 9 numeric and 4 text columns, missing
   * cells.
   */
  CREDIT,
  /**
   * Like data/ames.csv: Sale_Price in dollars, heavy-tailed numbers and many-level text columns.
   */
  AMES,
  /**
   * Many columns, few rows per byte: {@code y} (regression) then {@code x0001..xNNNN}, every fifth
   * column a 6-level text column, the rest numbers; for benchmarking per-column costs.
   */
  WIDE
}
