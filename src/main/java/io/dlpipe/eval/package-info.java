/**
 * Evaluate and batch predict: scoring on Spark with the trained network, metrics beside a linear
 * MLlib baseline, permutation importance, and prediction of new raw data through the fitted
 * transform. {@link io.dlpipe.eval.BundleScorer} is the one implementation of scoring a frame with
 * a model bundle, shared by predict and the Spark ML model in {@code io.dlpipe.ml}.
 */
package io.dlpipe.eval;
