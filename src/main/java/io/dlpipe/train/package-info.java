/**
 * The training stage: {@code prepared/} (Parquet splits plus {@code transform.json}) to a trained
 * network in {@code model/}, data-parallel on Spark with DL4J's parameter averaging.
 *
 * <p>Flow: {@link io.dlpipe.train.PreparedInput} checks the ETL contract before any work; {@link
 * io.dlpipe.train.MinibatchIterator} streams each partition's rows into DL4J minibatches; {@link
 * io.dlpipe.net.Network#create} and {@link io.dlpipe.train.TrainingMasters} build the network (of
 * the family {@code train.model.type} names) and DL4J's training master from the config; {@link io.dlpipe.train.TrainJob} runs the epochs, with
 * {@link io.dlpipe.train.Evaluator} scoring validation on the executors after each one and {@link
 * io.dlpipe.train.Checkpoints} saving what a restarted driver needs to resume. Nothing the size of
 * the data reaches the driver.
 */
package io.dlpipe.train;
