/**
 * dlpipe: raw tabular data to a trained neural network on Spark.
 *
 * <p>Data flow: raw CSV/JSON/Parquet &rarr; {@link io.dlpipe.etl} (clean, quarantine, split, fit the
 * transform on train) &rarr; Parquet plus {@code transform.json} &rarr; training &rarr; model bundle
 * &rarr; evaluate / predict. Packages: {@code config} (typed, validated settings), {@code io}
 * (everything that touches paths and formats), {@code etl} (pure {@code Dataset<Row>}
 * transformations), {@code spark} (session and job naming), {@code synth} (seeded synthetic data),
 * {@code cli} (thin entry points).
 */
package io.dlpipe;
