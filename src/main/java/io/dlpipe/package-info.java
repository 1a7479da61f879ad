/**
 * dlpipe: raw tabular data to a trained neural network on Spark.
 *
 * <p>Data flow: raw CSV/JSON/Parquet or a table &rarr; {@link io.dlpipe.etl} (clean, quarantine,
 * split, fit the transform on train) &rarr; Parquet plus {@code transform.json} &rarr; training
 * &rarr; model bundle &rarr; evaluate / predict. The packages, bottom up, and what each may import
 * are in docs/architecture.md ({@code LayeringTest} checks the order). This package holds what
 * every layer needs: the exceptions that carry an exit code, {@link io.dlpipe.ExitCodes} and {@link
 * io.dlpipe.Digests}.
 */
package io.dlpipe;
