package io.dlpipe.bench;

/** What {@code jobs/bench --suite} runs. */
public enum Suite {
  /** Small sizes, a few minutes: every ratio once, so the harness cannot rot (a test runs it). */
  QUICK,
  /** The sizes the figures in BENCHMARKS.md come from; up to an hour. */
  FULL,
  /**
   * ETL plus one training epoch at one row count, with time per row and the driver's peak memory.
   */
  SCALE,
  /**
   * One dataset trained at 1 to 64 workers: quality per sample seen against width
   * (bench/scale-out.json).
   */
  SCALE_OUT,
  /**
   * The driver's cost of one averaging round against width and parameters (round_costs in
   * bench/scale-out.json).
   */
  SCALE_OUT_ROUNDS
}
