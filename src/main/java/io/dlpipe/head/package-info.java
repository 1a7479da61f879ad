/**
 * One output head per task (regression, binary and multi-class classification): the single place
 * that knows how a label becomes the network's target, which output layer and loss fit it, how an
 * output decodes to a prediction and probabilities, where the decision threshold sits, and which
 * metrics the task reports. Training, validation, evaluation, prediction, cross-validation and
 * permutation importance all go through a head, so they cannot disagree.
 */
package io.dlpipe.head;
