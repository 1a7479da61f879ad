/**
 * Evaluate and batch predict: scoring on Spark with the trained network, metrics beside a linear
 * MLlib baseline, permutation importance, and prediction of new raw data through the fitted transform.
 */
package io.dlpipe.eval;
