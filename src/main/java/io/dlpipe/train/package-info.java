/**
 * The training stage: {@code prepared/} (Parquet splits plus {@code transform.json}) to a trained
 * network in {@code model/}, data-parallel on Spark with DL4J's parameter averaging.
 *
 * <p>Flow: {@link io.dlpipe.train.PreparedInput} checks the ETL contract before any work; {@link
 * io.dlpipe.train.MinibatchIterator} streams each partition's rows into DL4J minibatches; {@link
 * io.dlpipe.net.Network#create} (the family train.model.type names) and {@link
 * io.dlpipe.train.TrainingMasters} build the network and DL4J's training master from the {@link
 * io.dlpipe.train.TrainPlan} (the settings resolved once for the data); {@link
 * io.dlpipe.train.TrainJob} plans, fits, selects and publishes, running the epochs in the one
 * {@link io.dlpipe.train.TrainingLoop} that tuning trials and cross-validation folds run too, with
 * {@link io.dlpipe.train.Evaluator} scoring validation on the executors after each one and {@link
 * io.dlpipe.train.Checkpoints} saving what a restarted driver needs to resume; {@link
 * io.dlpipe.train.ModelProvenance} is model.json. Nothing the size of the data reaches the driver.
 */
package io.dlpipe.train;
