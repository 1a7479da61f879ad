package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TrainConfig.EarlyStoppingMetric;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * One tuning trial trained inside one Spark task on a single JVM, for data small enough to hold in
 * one executor: everything the task needs is decided on the driver (the fresh network, the head,
 * each epoch's learning-rate schedule, early stopping), so the trial trains as the real training
 * would with one worker. {@link Tuner} runs one of these per trial, all at once.
 *
 * @param number the 1-based trial number
 * @param network the freshly initialized network's bytes (seeded: the same trial gives the same
 *     network)
 * @param head the output head of the trial's settings
 * @param schedules the learning-rate schedule of each 0-based epoch, one per epoch at most trained
 * @param batchSize rows per minibatch
 * @param patience early stopping's patience (0: never stop early)
 * @param minDelta the smallest improvement that counts
 * @param metric what early stopping watches
 * @param featureCount the width of the feature vector
 * @param evalBatchSize rows per forward pass on validation
 * @param threads the worker's math threads
 * @param rowErrors whether the result carries each validation row's squared error in the target's
 *     units at the best epoch (regression), for a paired comparison of trials on the same rows
 */
record TrialTask(
    int number,
    byte[] network,
    OutputHead head,
    List<ISchedule> schedules,
    int batchSize,
    int patience,
    double minDelta,
    EarlyStoppingMetric metric,
    int featureCount,
    int evalBatchSize,
    int threads,
    boolean rowErrors)
    implements Serializable {

  /**
   * What a trial task sends back: a few numbers, never rows of data.
   *
   * @param rowErrors each validation row's squared error in the target's units at the best epoch,
   *     in the rows' order (null unless asked for, or when the trial diverged); the validation
   *     sample a trial sees is bounded ({@code train.target-trial.rows}), so this is too
   */
  record Result(
      int number,
      int epochs,
      int bestEpoch,
      EvalMetrics validation,
      double main,
      double seconds,
      double[] rowErrors)
      implements Serializable {}

  /** A result as Java-serialized bytes, the form a task sends it back in. */
  static byte[] bytes(Result r) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(out)) {
      o.writeObject(r);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot serialize a trial result", e);
    }
    return out.toByteArray();
  }

  static Result result(byte[] bytes) {
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return (Result) in.readObject();
    } catch (java.io.IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read a trial result", e);
    }
  }

  /**
   * The task of a trial planned as {@code plan} (for one worker), its network started from {@code
   * train}, the rows it will train on ({@link LinearStart}).
   */
  static TrialTask of(
      int number, TrainPlan plan, int featureCount, OutputHead head, Dataset<Row> rows) {
    return of(number, plan, featureCount, head, LinearFits.of(rows));
  }

  /** {@link #of}, the linear start taken from {@code fits} (one MLlib fit per head per search). */
  static TrialTask of(
      int number, TrainPlan plan, int featureCount, OutputHead head, LinearFits fits) {
    TrainConfig train = plan.train();
    byte[] network = LinearStart.network(train, featureCount, head, fits).bytes(false);
    List<ISchedule> schedules = new ArrayList<>();
    for (int e = 0; e < train.epochs(); e++) {
      schedules.add(LearningRates.schedule(train, e));
    }
    return new TrialTask(
        number,
        network,
        head,
        schedules,
        train.master().batchSizePerWorker(),
        train.earlyStopping().patience(),
        train.earlyStopping().minDelta(),
        train.earlyStopping().metric(),
        featureCount,
        train.evalBatchSize(),
        train.master().threadsPerWorker(),
        false);
  }

  /** This task, its result carrying each validation row's squared error ({@link Result}). */
  TrialTask withRowErrors() {
    return new TrialTask(
        number,
        network,
        head,
        schedules,
        batchSize,
        patience,
        minDelta,
        metric,
        featureCount,
        evalBatchSize,
        threads,
        true);
  }

  /**
   * Trains on {@code train} and scores each epoch on {@code validation} (prepared rows: features at
   * 0, label at 1) in the one training loop, stopping early as configured; a diverging trial ends
   * at its last finite epoch.
   */
  Result run(List<InternalRow> train, List<InternalRow> validation) {
    long start = System.nanoTime();
    WorkerThreads.apply(threads);
    Network net = Network.fromBytes(network, false);
    List<DataSet> batches = new ArrayList<>();
    new MinibatchIterator(train.iterator(), featureCount, batchSize, head, null, null)
        .forEachRemaining(batches::add);
    TrainingLoop loop =
        TrainingLoop.of(
            schedules.size(),
            new TrainConfig.EarlyStopping(patience, minDelta, metric),
            TrainingLoop.OnDivergence.STOP);
    List<double[]> errors = new ArrayList<>();
    TrainState state =
        loop.run(
            TrainState.initial("tune"),
            epoch -> {
              net.setLearningRate(schedules.get(epoch - 1));
              for (DataSet b : batches) {
                net.fit(b);
              }
              Evaluator.Calibrated scored =
                  Evaluator.calibrated(
                      head,
                      h ->
                          Evaluator.evaluateRows(
                              validation.iterator(), net, h, featureCount, evalBatchSize));
              if (rowErrors) {
                errors.add(
                    Evaluator.squaredErrors(
                        validation.iterator(), net, scored.head(), featureCount, evalBatchSize));
              }
              EvalMetrics val = scored.metrics();
              return EpochRecord.validated(epoch, head.mainMetric(), val);
            });
    double seconds = (System.nanoTime() - start) / 1e9;
    return state.bestEpoch() == 0
        ? new Result(number, state.epoch(), 0, null, Double.NaN, seconds, null)
        : new Result(
            number,
            state.epoch(),
            state.bestEpoch(),
            state.best().validation(),
            state.best().metric(),
            seconds,
            rowErrors ? errors.get(state.bestEpoch() - 1) : null);
  }
}
