/**
 * dlpipe inside a Spark program: {@link io.dlpipe.ml.DlpipeEstimator} and {@link
 * io.dlpipe.ml.DlpipeModel} are Spark ML stages (Pipelines, CrossValidator, MLWritable), and {@link
 * io.dlpipe.ml.DlpipeFunctions} registers a SQL scoring function. None of it has code of its own
 * for cleaning, training or scoring: the estimator runs the ETL and train jobs the CLI runs ({@code
 * etl.EtlJob}, {@code train.TrainJob}), and the model scores through {@code eval.BundleScorer}, the
 * scoring code of {@code jobs/dlpipe predict}, privacy hashing included.
 */
package io.dlpipe.ml;
