package io.dlpipe.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.OutputLoss;

/**
 * What a training run will do on its data: {@code train.*} as the user wrote it ({@code requested},
 * where 0 and {@code auto} mean "choose for the data") and the same settings with every automatic
 * value resolved for this cluster and this many train rows ({@code train}). The rules live in
 * {@link TrainingMasters#resolveAuto}; this type is what every trainer takes, so nothing downstream
 * of it can see an unresolved 0, and {@code model.json} records it ({@link #recorded}). Like DL4J's
 * {@code ParameterAveragingTrainingMaster}, whose builder checks its values and whose built master
 * serializes itself: the written config and the resolved plan are two types.
 *
 * @param requested the settings as written
 * @param train the settings with workers, minibatch size, averaging frequency and block momentum
 *     resolved (never 0 or NaN)
 * @param parallelism Spark's default parallelism the width was resolved for
 * @param trainRows the train rows it was resolved for
 */
public record TrainPlan(TrainConfig requested, TrainConfig train, int parallelism, long trainRows) {

  public TrainPlan {
    TrainConfig.Master m = train.master();
    if (m.workers() < 1
        || m.batchSizePerWorker() < 1
        || m.averagingFrequency() < 1
        || Double.isNaN(m.averaging().blockMomentum())
        || Double.isNaN(m.averaging().blockLearningRate())) {
      throw new IllegalArgumentException(
          "a training plan needs every automatic setting resolved (TrainPlan.resolve), found workers "
              + m.workers()
              + ", batch-size-per-worker "
              + m.batchSizePerWorker()
              + ", averaging-frequency "
              + m.averagingFrequency()
              + ", block-momentum "
              + m.averaging().blockMomentum()
              + ", block-learning-rate "
              + m.averaging().blockLearningRate());
    }
  }

  /** The plan for {@code trainRows} train rows on a cluster of {@code parallelism} cores. */
  public static TrainPlan resolve(TrainConfig requested, int parallelism, long trainRows) {
    return new TrainPlan(
        requested,
        TrainingMasters.resolveAuto(requested, parallelism, trainRows),
        parallelism,
        trainRows);
  }

  /** Parallel DL4J workers. */
  public int workers() {
    return train.master().workers();
  }

  /** Rows per worker minibatch. */
  public int batchSize() {
    return train.master().batchSizePerWorker();
  }

  /** Epochs at most. */
  public int epochs() {
    return train.epochs();
  }

  /**
   * The width and why, rows per worker, rounds per epoch and averaging: the train log's line and
   * doctor's finding.
   */
  public String describe() {
    return TrainingMasters.describeWidth(requested.master(), train, parallelism, trainRows);
  }

  /** Why this width would learn less per epoch than one worker, or null. */
  public String widthProblem() {
    return TrainingMasters.widthProblem(train, trainRows);
  }

  /** Logs the width and a warning when it is too wide for the data. */
  void log() {
    TrainingMasters.logWidth(requested.master(), train, parallelism, trainRows);
  }

  /**
   * The plan as {@code model.json} records it under {@code plan}, with what was chosen after it:
   * the approach that could run, and the head's target transform, output and threshold rule.
   */
  public Recorded recorded(TrainConfig.Approach approach, HeadSpec head) {
    TrainConfig.Master m = train.master();
    TrainConfig.Averaging a = m.averaging();
    boolean blocks = a.method() == TrainConfig.AveragingMethod.BLOCK_MOMENTUM;
    return new Recorded(
        m.type(),
        m.workers(),
        m.batchSizePerWorker(),
        m.averagingFrequency(),
        a.method(),
        blocks ? a.blockMomentum() : null,
        blocks ? a.blockLearningRate() : null,
        LearningRates.rate(train, 0),
        train.epochs(),
        approach,
        head.targetTransform(),
        head.output(),
        head.thresholdRule());
  }

  /**
   * The resolved plan in {@code model.json}.
   *
   * @param master parameter-averaging or gradient-sharing
   * @param workers parallel DL4J workers
   * @param batchSizePerWorker rows per worker minibatch
   * @param averagingFrequency minibatches per worker between averagings
   * @param averaging simple or block-momentum
   * @param blockMomentum block momentum's momentum (absent under simple averaging)
   * @param blockLearningRate block momentum's step size (absent under simple averaging)
   * @param learningRate the first epoch's learning rate, scaled for the minibatch and width, before
   *     warm-up
   * @param epochs epochs at most
   * @param approach export or direct, as it ran
   * @param targetTransform regression: the target transform trained (never auto)
   * @param output the output layer and loss (never auto)
   * @param thresholdRule binary: how the decision threshold was chosen
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Recorded(
      TrainConfig.MasterType master,
      int workers,
      int batchSizePerWorker,
      int averagingFrequency,
      TrainConfig.AveragingMethod averaging,
      Double blockMomentum,
      Double blockLearningRate,
      double learningRate,
      int epochs,
      TrainConfig.Approach approach,
      TrainConfig.TargetTransform targetTransform,
      OutputLoss output,
      HeadSpec.ThresholdRule thresholdRule) {}
}
