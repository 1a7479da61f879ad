/**
 * One output head per task (regression, binary and multi-class classification): the single place
 * that knows how a label becomes the network's target, which output layer and loss fit it, how an
 * output decodes to a prediction and probabilities, where the decision threshold sits, and which
 * metrics the task reports. Training, validation, evaluation, prediction, cross-validation and
 * permutation importance all go through a head, so they cannot disagree.
 *
 * <p>Code outside this package asks the head rather than testing the task: the type of a prediction
 * and its decoding ({@link io.dlpipe.head.OutputHead#predictionType}, {@code decode}), the main
 * metric ({@link io.dlpipe.head.MainMetric}), the positive class, and the MLlib model of each
 * baseline rung. The task itself is {@link io.dlpipe.config.Task}, the one task enum.
 *
 * <p>May import {@code config}, {@code io}, {@code spark}, {@code workspace}, {@code input} and
 * {@code etl} (docs/architecture.md).
 */
package io.dlpipe.head;
