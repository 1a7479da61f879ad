/**
 * Benchmark tools that measure dlpipe against its floors, called by {@code jobs/bench}: {@link
 * io.dlpipe.bench.SingleJvmReference} (plain DL4J in one JVM, the denominator of {@code
 * train_vs_single_jvm}) and {@link io.dlpipe.bench.TrainerComparison} (trainer settings side by
 * side in one JVM). Unlike the pipeline, these may hold a whole split in the driver's memory.
 */
package io.dlpipe.bench;
