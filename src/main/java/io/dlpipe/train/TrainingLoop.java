package io.dlpipe.train;

import io.dlpipe.DataException;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TrainConfig.EarlyStoppingMetric;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.MainMetric;
import io.dlpipe.net.Network;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training loop: epoch after epoch until {@code train.epochs} or early stopping, what a
 * diverging validation loss means, a hook after every epoch (checkpoint, history, log), and the
 * choice of the network to keep (the best epoch, or the average of the best few). The real training
 * ({@link TrainJob}), a tuning trial on the cluster ({@link Tuner}) or in one task ({@link
 * TrialTask}) and a cross-validation fold ({@link FoldTrainer}) all run it, so they stop by the
 * same rule; only how one epoch fits and measures differs ({@link Epoch}).
 */
public final class TrainingLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  /**
   * One epoch's work: fit it, measure it, return its record (validation null when there is none).
   */
  @FunctionalInterface
  public interface Epoch {
    EpochRecord run(int epoch);
  }

  /** Called after each epoch with the state it led to. */
  @FunctionalInterface
  public interface Hook {
    void after(EpochRecord record, TrainState state);
  }

  /** What a validation loss that is not finite means. */
  public enum OnDivergence {
    /** The real training: stop with what to do. */
    FAIL,
    /**
     * A trial: a diverging trial is a bad trial, not a failed search; it ends at its last finite
     * epoch.
     */
    STOP
  }

  private final int epochs;
  private final TrainConfig.EarlyStopping rule;
  private final OnDivergence onDivergence;

  private TrainingLoop(int epochs, TrainConfig.EarlyStopping rule, OnDivergence onDivergence) {
    this.epochs = epochs;
    this.rule = rule;
    this.onDivergence = onDivergence;
  }

  /** At most {@code epochs}, stopping early by {@code rule}. */
  public static TrainingLoop of(
      int epochs, TrainConfig.EarlyStopping rule, OnDivergence onDivergence) {
    return new TrainingLoop(epochs, rule, onDivergence);
  }

  /** {@code train.epochs}, stopping by {@code train.early-stopping}. */
  public static TrainingLoop of(TrainConfig train, OnDivergence onDivergence) {
    return of(train.epochs(), train.earlyStopping(), onDivergence);
  }

  /** Exactly {@code epochs}, without validation or early stopping (a cross-validation fold). */
  public static TrainingLoop fixed(int epochs) {
    return of(
        epochs, new TrainConfig.EarlyStopping(0, 0, EarlyStoppingMetric.LOSS), OnDivergence.STOP);
  }

  /**
   * Runs the epochs left after {@code from} (none when it stopped early), calling {@code hook}
   * after each.
   */
  public TrainState run(TrainState from, Epoch epoch, Hook hook) {
    TrainState state = from;
    while (!state.stoppedEarly() && state.epoch() < epochs) {
      EpochRecord record = epoch.run(state.epoch() + 1);
      if (record.validation() != null && !Double.isFinite(record.valLoss())) {
        if (onDivergence == OnDivergence.STOP) {
          break;
        }
        throw new DataException(
            "Validation loss is "
                + record.valLoss()
                + " after epoch "
                + record.epoch()
                + ": training diverged. Lower "
                + "train.updater.learning-rate (now "
                + record.learningRate()
                + ") and run train with --fresh");
      }
      state = state.after(record, rule.minDelta(), rule.patience(), rule.metric());
      hook.after(record, state);
    }
    return state;
  }

  /** {@link #run} without a hook. */
  public TrainState run(TrainState from, Epoch epoch) {
    return run(from, epoch, (r, s) -> {});
  }

  /**
   * The network a finished training keeps.
   *
   * @param network the model
   * @param averagedEpochs the epochs it averages, best first; null when it is the best epoch's own
   */
  record Selection(Network network, List<Integer> averagedEpochs) {}

  /**
   * The best epoch's network ({@code last} when this run trained it last, else its checkpoint), or,
   * with {@code averageEpochs} above 1, the mean of the best epochs' checkpoints when validation
   * scores it no worse by the watched value: chosen on validation like the best epoch itself.
   *
   * @param validate scores a network on validation
   */
  Selection select(
      Checkpoints checkpoints,
      TrainState state,
      Network last,
      boolean trainedLast,
      int averageEpochs,
      MainMetric main,
      Function<Network, EvalMetrics> validate) {
    EarlyStoppingMetric metric = rule.metric();
    Network best =
        state.bestEpoch() == state.epoch() && trainedLast
            ? last
            : checkpoints.network(state.bestEpoch(), true);
    if (averageEpochs <= 1) {
      return new Selection(best, null);
    }
    List<Integer> epochs =
        Checkpoints.best(state, averageEpochs, metric).stream().filter(checkpoints::has).toList();
    if (epochs.size() <= 1) {
      return new Selection(best, null);
    }
    Network mean = average(checkpoints, epochs);
    EvalMetrics v = validate.apply(mean);
    double score = metric == EarlyStoppingMetric.LOSS ? v.loss() : -v.value(main);
    boolean keep = score <= state.bestScore();
    LOG.info(
        "Average of epochs {}: validation {} {}, val_loss {}; best epoch {} alone: {}; keeping {}",
        epochs,
        main.key(),
        fmt(v.value(main)),
        fmt(v.loss()),
        state.bestEpoch(),
        fmt(state.best().metric()),
        keep ? "the average" : "the best epoch");
    return keep ? new Selection(mean, epochs) : new Selection(best, null);
  }

  /**
   * The mean of the parameters of the given epochs' checkpoints, on the first one's network (its
   * updater state too). Epochs of one training run lie in one basin of the loss, where the mean of
   * a few good points generalizes better than any of them (Izmailov et al., "Averaging Weights
   * Leads to Wider Optima and Better Generalization", 2018); batch normalization's running
   * statistics are parameters too and are averaged with the rest.
   */
  static Network average(Checkpoints checkpoints, List<Integer> epochs) {
    Network first = checkpoints.network(epochs.get(0), true);
    INDArray sum = first.params().dup();
    for (int e : epochs.subList(1, epochs.size())) {
      sum.addi(checkpoints.network(e, false).params());
    }
    first.setParams(sum.divi(epochs.size()));
    return first;
  }

  static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
