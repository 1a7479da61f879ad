/**
 * The benchmark harness behind {@code jobs/bench}: dlpipe measured against the floor (plain Spark
 * CSV to Parquet, a bare Parquet scan, ND4J's GEMM rate) and against what a user would pick instead
 * (an MLlib Pipeline, single-JVM DL4J, MLlib GBT), each pair run back to back in one JVM on the
 * same data, so that the ratios in {@code bench/results.json} hold on a shared, noisy machine. Also
 * the scale runs (ETL plus one epoch at growing row counts, with the driver's peak memory).
 *
 * <p>Nothing here is used by the pipeline itself; the reference trainers load one split into the
 * driver by design, which the product never does.
 */
package io.dlpipe.bench;
