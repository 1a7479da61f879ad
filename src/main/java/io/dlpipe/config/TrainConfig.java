package io.dlpipe.config;

import java.util.List;

/**
 * Settings of the training stage; see the {@code train} section of {@code dlpipe-defaults.conf} for
 * each key's meaning and default. The defaults are meant to train a sound model on tabular data
 * without tuning; everything here can be changed without touching code.
 *
 * @param epochs the most passes over the train split; early stopping may end training sooner
 * @param seed seeds weight initialization, dropout and DL4J's data splitting
 * @param earlyStopping when to stop because the validation loss no longer improves
 * @param model the network's architecture
 * @param updater the optimizer and its learning-rate schedule
 * @param master the options of DL4J's parameter-averaging training master
 * @param evalBatchSize rows per forward pass when evaluating on the executors
 * @param classWeights classification: how the loss weighs each class
 * @param targetTransform regression: how the target is transformed for training
 * @param averageEpochs how many of the best epochs' parameters are averaged into the kept model (1:
 *     the best epoch alone)
 * @param loss regression: the loss the network fits (mse, poisson, or auto: chosen by a short trial
 *     on validation)
 * @param targetTrial regression, auto: the short trials that choose the target transform and the
 *     loss
 */
public record TrainConfig(
    int epochs,
    long seed,
    EarlyStopping earlyStopping,
    Model model,
    Updater updater,
    Master master,
    int evalBatchSize,
    ClassWeights classWeights,
    TargetTransform targetTransform,
    int averageEpochs,
    Loss loss,
    TargetTrial targetTrial) {

  /** The loss of a regression network. */
  public enum Loss {
    /**
     * mse, or poisson for a count target (non-negative integers with many zeros) when a short trial
     * scores it better on validation.
     */
    AUTO,
    /** Mean squared error on the transformed target, one identity unit. */
    MSE,
    /**
     * Poisson deviance on the target in its own units (scaled by its train mean), one softplus
     * unit.
     */
    POISSON
  }

  /**
   * The short trials of {@code target-transform = auto} and {@code loss = auto}: each candidate
   * trains on at most {@code rows} train rows (a seeded sample; validation likewise) for at most
   * {@code epochs} epochs, with the real training's seed, network and early stopping, and the one
   * with the best validation R² in the target's own units is trained for real.
   *
   * @param rows the most train rows (and validation rows) a trial sees
   * @param epochs the most epochs a trial trains
   */
  public record TargetTrial(long rows, int epochs) {}

  /**
   * Class weights of the classification loss.
   *
   * @param mode none (all 1), auto (inverse class frequency on train, capped) or explicit
   * @param explicit explicit: weight by class label; classes not named weigh 1
   * @param cap auto: the largest weight a class gets
   */
  public record ClassWeights(
      ClassWeightMode mode, java.util.Map<String, Double> explicit, double cap) {
    public ClassWeights {
      explicit = java.util.Map.copyOf(explicit);
    }
  }

  /** How class weights are chosen. */
  public enum ClassWeightMode {
    NONE,
    AUTO,
    EXPLICIT
  }

  /** How a regression target is transformed for training; predictions are mapped back. */
  public enum TargetTransform {
    /**
     * standardize, or log1p for a non-negative, right-skewed target when a short trial scores it
     * better on validation in the target's own units.
     */
    AUTO,
    /** The raw target. */
    NONE,
    /** log1p(y), then standardized with the train mean and deviation of log1p(y). */
    LOG1P,
    /** (y - mean) / std with the train statistics. */
    STANDARDIZE
  }

  /** What early stopping watches on validation. */
  public enum EarlyStoppingMetric {
    /** The validation loss (lower is better). */
    LOSS,
    /** The task's main metric: R², AUC or accuracy (higher is better). */
    MAIN
  }

  /** This configuration training at most {@code n} epochs. */
  public TrainConfig withEpochs(int n) {
    return new TrainConfig(
        n,
        seed,
        earlyStopping,
        model,
        updater,
        master,
        evalBatchSize,
        classWeights,
        targetTransform,
        averageEpochs,
        loss,
        targetTrial);
  }

  /** This configuration with another network. */
  public TrainConfig withModel(Model m) {
    return new TrainConfig(
        epochs,
        seed,
        earlyStopping,
        m,
        updater,
        master,
        evalBatchSize,
        classWeights,
        targetTransform,
        averageEpochs,
        loss,
        targetTrial);
  }

  /** This configuration with other training-master options. */
  public TrainConfig withMaster(Master m) {
    return new TrainConfig(
        epochs,
        seed,
        earlyStopping,
        model,
        updater,
        m,
        evalBatchSize,
        classWeights,
        targetTransform,
        averageEpochs,
        loss,
        targetTrial);
  }

  /**
   * Early stopping on the validation loss; the model of the best epoch is the one kept.
   *
   * @param patience epochs without an improvement larger than {@code minDelta} before stopping; 0
   *     turns it off
   * @param minDelta the smallest improvement of the watched value that counts
   * @param metric the watched value: the validation loss or the main metric
   */
  public record EarlyStopping(int patience, double minDelta, EarlyStoppingMetric metric) {}

  /**
   * A multilayer perceptron.
   *
   * @param hiddenLayers the width of each hidden dense layer, input side first
   * @param activation the hidden layers' activation
   * @param weightInit the weight initialization scheme
   * @param dropout the probability of dropping a hidden unit's output in training (0 = off)
   * @param l2 the L2 penalty on weights (not biases)
   * @param weightDecay decoupled weight decay on weights (AdamW-style: the weights shrink by
   *     learning rate times this each step, apart from the updater's adaptive scaling); 0 = off
   * @param batchNormalization whether each hidden layer normalizes its pre-activations
   * @param classificationOutput softmax (any number of classes) or sigmoid (two classes only)
   * @param type the network family ({@code io.dlpipe.net.NetworkSpec}) built from these settings
   * @param smallData the regularization a small train split trains with ({@code
   *     io.dlpipe.train.CapacityRules})
   * @param linearStart when a network with a linear path starts as the linear model fitted on the
   *     train split ({@code io.dlpipe.train.LinearStart})
   * @param linearStartMargin standard errors by which the trained network's paired validation loss
   *     must beat its linear start for training to be kept instead of the start; 0: always kept
   */
  public record Model(
      ModelType type,
      List<Integer> hiddenLayers,
      Activation activation,
      WeightInit weightInit,
      double dropout,
      double l2,
      double weightDecay,
      boolean batchNormalization,
      ClassificationOutput classificationOutput,
      SmallData smallData,
      LinearStartMode linearStart,
      double linearStartMargin) {
    public Model {
      hiddenLayers = List.copyOf(hiddenLayers);
    }

    /** This network as another family (see {@code train.model.small-data}). */
    public Model withType(ModelType family) {
      return new Model(
          family,
          hiddenLayers,
          activation,
          weightInit,
          dropout,
          l2,
          weightDecay,
          batchNormalization,
          classificationOutput,
          smallData,
          linearStart,
          linearStartMargin);
    }

    /** This network with other dropout and L2 (see {@code train.model.small-data}). */
    public Model withRegularization(double dropoutRate, double l2Penalty) {
      return new Model(
          type,
          hiddenLayers,
          activation,
          weightInit,
          dropoutRate,
          l2Penalty,
          weightDecay,
          batchNormalization,
          classificationOutput,
          smallData,
          linearStart,
          linearStartMargin);
    }
  }

  /**
   * The network trained on a small train split: below {@code rows} train rows, an MLP becomes the
   * family {@code type}, and dropout and L2 are raised to at least these values.
   *
   * @param rows train rows below which the rule applies; 0 never
   * @param type the family an MLP becomes below {@code rows} ({@code mlp}: stays an MLP)
   * @param dropout the least dropout below {@code rows}
   * @param l2 the least L2 penalty below {@code rows} (not with weight decay, which replaces L2)
   */
  public record SmallData(long rows, ModelType type, double dropout, double l2) {}

  /** When a network starts as the linear model of its loss ({@code train.model.linear-start}). */
  public enum LinearStartMode {
    /** For regression and two classes; a network over more classes starts as initialized. */
    AUTO,
    /** Whatever the head (but Poisson, which has no such model). */
    ON,
    /** Never: a random start. */
    OFF
  }

  /** Network families ({@code train.model.type}); each is one {@code io.dlpipe.net.NetworkSpec}. */
  public enum ModelType {
    /**
     * Wide and deep for regression and two classes, an MLP for more classes (resolved with the
     * output head, {@code io.dlpipe.net.NetworkSpec#of}).
     */
    AUTO,
    /** A multilayer perceptron: dense hidden layers, optionally batch-normalized, with dropout. */
    MLP,
    /**
     * The MLP plus a linear path from the features to the output (wide and deep), so it contains
     * the linear model.
     */
    WIDE_DEEP
  }

  /** Hidden-layer activations. */
  public enum Activation {
    RELU,
    LEAKY_RELU,
    ELU,
    SELU,
    GELU,
    SWISH,
    TANH,
    SIGMOID,
    IDENTITY
  }

  /** Weight initialization schemes; relu is He et al.'s, the usual choice under ReLU. */
  public enum WeightInit {
    RELU,
    RELU_UNIFORM,
    XAVIER,
    XAVIER_UNIFORM,
    LECUN_NORMAL
  }

  /** The output layer of a classifier. */
  public enum ClassificationOutput {
    /** softmax over the classes with multi-class cross-entropy. */
    SOFTMAX,
    /**
     * one sigmoid unit (probability of the last class) with binary cross-entropy; two classes only.
     */
    SIGMOID
  }

  /**
   * The optimizer.
   *
   * @param type adam | sgd | nesterovs | rmsprop
   * @param learningRate the initial learning rate
   * @param momentum nesterovs: the momentum
   * @param rmsDecay rmsprop: the decay of the squared-gradient average
   * @param schedule how the learning rate changes from epoch to epoch
   */
  public record Updater(
      UpdaterType type, double learningRate, double momentum, double rmsDecay, Schedule schedule) {
    /** The learning rate of a 0-based epoch under the schedule, warm-up included. */
    public double learningRate(int epochIndex) {
      int warm = schedule.warmupEpochs();
      if (epochIndex < warm) {
        return learningRate * (epochIndex + 1) / (warm + 1);
      }
      int e = epochIndex - warm;
      return switch (schedule.type()) {
        case NONE -> learningRate;
        case STEP ->
            learningRate * Math.pow(schedule.decayRate(), Math.floorDiv(e, schedule.decayEpochs()));
        case EXPONENTIAL ->
            learningRate * Math.pow(schedule.decayRate(), (double) e / schedule.decayEpochs());
        case COSINE -> {
          double floor = learningRate * schedule.decayRate();
          double progress = Math.min(1.0, (double) e / schedule.decayEpochs());
          yield floor + (learningRate - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
      };
    }
  }

  /** Optimizers. */
  public enum UpdaterType {
    ADAM,
    SGD,
    NESTEROVS,
    RMSPROP
  }

  /**
   * A learning-rate schedule by epoch.
   *
   * @param type none | step | exponential | cosine
   * @param decayRate step, exponential: the factor applied every {@code decayEpochs} epochs;
   *     cosine: the final rate as a fraction of the initial one
   * @param decayEpochs step: epochs between decays; exponential: epochs per full factor; cosine:
   *     epochs from the initial rate down to the final one
   * @param warmupEpochs epochs of linear warm-up before the schedule starts (0 = none)
   */
  public record Schedule(ScheduleType type, double decayRate, int decayEpochs, int warmupEpochs) {}

  /** Schedule kinds. */
  public enum ScheduleType {
    NONE,
    STEP,
    EXPONENTIAL,
    /**
     * Half a cosine from the rate down to rate * decay-rate over decay-epochs (Loshchilov and
     * Hutter, SGDR).
     */
    COSINE
  }

  /**
   * How the network is trained across the cluster: DL4J's training master and the speed settings
   * around it (minibatch size, averaging, threads, learning-rate scaling).
   *
   * @param type parameter averaging (DL4J's {@code ParameterAveragingTrainingMaster}) or gradient
   *     sharing ({@code SharedTrainingMaster})
   * @param batchSizePerWorker rows in each minibatch a worker fits; 0 = chosen from the data (auto)
   * @param averagingFrequency minibatches each worker fits between two parameter averagings; 0
   *     means chosen for the data ({@code TrainingMasters.resolveAuto})
   * @param workerPrefetchBatches minibatches each worker prefetches asynchronously (0 = off)
   * @param workers parallel workers; 0 means chosen for the data, up to Spark's default parallelism
   *     ({@code TrainingMasters.resolveAuto})
   * @param approach export (minibatches saved once to a shared file system) or direct (RDD
   *     persisted)
   * @param exportDir where export writes minibatches; empty means {@code
   *     <output.dir>/model/_export}
   * @param repartition when DL4J repartitions each averaging round's data
   * @param repartitionStrategy how it repartitions
   * @param storageLevel the storage level of the minibatch RDD in direct mode
   * @param collectStats whether DL4J collects its training statistics (written as HTML)
   * @param threadsPerWorker native threads each ND4J op may use; 0 leaves ND4J's default (all
   *     cores)
   * @param lrBatchScaling how the learning rate grows with the minibatch size
   * @param lrBaseBatchSize the minibatch size at which {@code train.updater.learning-rate} applies
   *     unscaled
   * @param lrWarmupIterations minibatch updates over which the learning rate ramps up linearly (0 =
   *     none)
   * @param gradientSharingNetworkMask gradient sharing: the network (CIDR) whose address each node
   *     uses; empty means the environment variable DL4J_VOID_IP on every node
   * @param averaging parameter averaging: how the driver turns each round's average into the next
   *     global model (plain averaging, or block momentum over rounds)
   * @param stallTimeout how long a training epoch's Spark jobs may go without a task finishing
   *     before dlpipe cancels them and fails ({@code StallWatchdog})
   */
  public record Master(
      MasterType type,
      int batchSizePerWorker,
      int averagingFrequency,
      int workerPrefetchBatches,
      int workers,
      Approach approach,
      String exportDir,
      Repartition repartition,
      RepartitionStrategy repartitionStrategy,
      StorageLevelName storageLevel,
      boolean collectStats,
      int threadsPerWorker,
      BatchScaling lrBatchScaling,
      int lrBaseBatchSize,
      int lrWarmupIterations,
      String gradientSharingNetworkMask,
      Averaging averaging,
      java.time.Duration stallTimeout) {

    /** These options with the worker count resolved (see {@code train.workers = 0}). */
    public Master withWorkers(int count) {
      return new Master(
          type,
          batchSizePerWorker,
          averagingFrequency,
          workerPrefetchBatches,
          count,
          approach,
          exportDir,
          repartition,
          repartitionStrategy,
          storageLevel,
          collectStats,
          threadsPerWorker,
          lrBatchScaling,
          lrBaseBatchSize,
          lrWarmupIterations,
          gradientSharingNetworkMask,
          averaging,
          stallTimeout);
    }

    /**
     * These options with the averaging frequency resolved (see {@code train.averaging-frequency =
     * 0}).
     */
    public Master withAveragingFrequency(int minibatches) {
      return new Master(
          type,
          batchSizePerWorker,
          minibatches,
          workerPrefetchBatches,
          workers,
          approach,
          exportDir,
          repartition,
          repartitionStrategy,
          storageLevel,
          collectStats,
          threadsPerWorker,
          lrBatchScaling,
          lrBaseBatchSize,
          lrWarmupIterations,
          gradientSharingNetworkMask,
          averaging,
          stallTimeout);
    }

    /** These options with the averaging settings resolved (see {@code train.averaging}). */
    public Master withAveraging(Averaging a) {
      return new Master(
          type,
          batchSizePerWorker,
          averagingFrequency,
          workerPrefetchBatches,
          workers,
          approach,
          exportDir,
          repartition,
          repartitionStrategy,
          storageLevel,
          collectStats,
          threadsPerWorker,
          lrBatchScaling,
          lrBaseBatchSize,
          lrWarmupIterations,
          gradientSharingNetworkMask,
          a,
          stallTimeout);
    }

    /**
     * These options with the minibatch size resolved (see {@code train.batch-size-per-worker = 0}).
     */
    public Master withBatchSizePerWorker(int rows) {
      return new Master(
          type,
          rows,
          averagingFrequency,
          workerPrefetchBatches,
          workers,
          approach,
          exportDir,
          repartition,
          repartitionStrategy,
          storageLevel,
          collectStats,
          threadsPerWorker,
          lrBatchScaling,
          lrBaseBatchSize,
          lrWarmupIterations,
          gradientSharingNetworkMask,
          averaging,
          stallTimeout);
    }
  }

  /**
   * How each averaging round's result becomes the next global model (parameter averaging only).
   * Plain averaging divides each round's progress by the width: W workers that each step the same
   * way move the average as far as one of them does, having used W times the data. Block momentum
   * (BMUF: Chen and Huo, ICASSP 2016; SlowMo: Wang et al., ICLR 2020) filters the rounds' steps
   * through a momentum buffer on the driver, which gives back most of that progress.
   *
   * @param method simple (the average is the next model) or block-momentum
   * @param blockMomentum block-momentum: the momentum of the rounds' steps, in [0, 1); NaN means
   *     auto, resolved from the width ({@code TrainingMasters.resolveAuto})
   * @param blockLearningRate block-momentum: the scale of each round's step before it enters the
   *     buffer; NaN means auto
   * @param nesterov block-momentum: each round starts from the global model plus the momentum step
   *     it is about to take (BMUF's Nesterov variant), not from the global model
   * @param updaterState what the updater's state (Adam's moments) is after each round: the workers'
   *     average, or reset to zero
   * @param scaleLearningRate whether the learning rate follows the global minibatch (the per-worker
   *     minibatch times the workers) rather than the per-worker one
   */
  public record Averaging(
      AveragingMethod method,
      double blockMomentum,
      double blockLearningRate,
      boolean nesterov,
      UpdaterState updaterState,
      boolean scaleLearningRate) {
    /** These settings with the automatic values resolved. */
    public Averaging withBlock(double momentum, double learningRate) {
      return new Averaging(
          method, momentum, learningRate, nesterov, updaterState, scaleLearningRate);
    }

    /** With another method (a run that cannot drive its own rounds falls back to simple). */
    public Averaging withMethod(AveragingMethod m) {
      return new Averaging(
          m, blockMomentum, blockLearningRate, nesterov, updaterState, scaleLearningRate);
    }
  }

  /** How the driver combines an averaging round's result with the global model. */
  public enum AveragingMethod {
    /** The workers' average is the next global model (DL4J's parameter averaging). */
    SIMPLE,
    /**
     * The round's step (average minus the previous global model) is filtered with block momentum.
     */
    BLOCK_MOMENTUM
  }

  /** The updater's state after an averaging round. */
  public enum UpdaterState {
    /** The workers' states averaged, as their parameters are (DL4J's saveUpdater). */
    AVERAGED,
    /** Zeroed: every round's workers start their moments afresh. */
    RESET
  }

  /** DL4J's Spark training masters. */
  public enum MasterType {
    /**
     * Workers fit a few minibatches each, then the driver averages parameters and updater state.
     */
    PARAMETER_AVERAGING,
    /** Workers exchange threshold-encoded gradient updates peer to peer (Aeron), asynchronously. */
    GRADIENT_SHARING
  }

  /** How the learning rate follows the minibatch size. */
  public enum BatchScaling {
    /** The configured rate at any minibatch size. */
    NONE,
    /** rate * sqrt(batch / base): keeps the per-step noise of Adam-like updaters about constant. */
    SQRT,
    /** rate * batch / base (Goyal et al.'s rule for SGD). */
    LINEAR
  }

  /** DL4J's RDD training approaches. */
  public enum Approach {
    EXPORT,
    DIRECT
  }

  /** DL4J's repartition settings. */
  public enum Repartition {
    ALWAYS,
    NEVER,
    NUM_PARTITIONS_WORKERS_DIFFERS
  }

  /** DL4J's repartition strategies. */
  public enum RepartitionStrategy {
    BALANCED,
    APPROXIMATE_BALANCED,
    SPARK_DEFAULT
  }

  /** Spark storage levels, by the name of Spark's own constants. */
  public enum StorageLevelName {
    NONE,
    MEMORY_ONLY,
    MEMORY_ONLY_SER,
    MEMORY_AND_DISK,
    MEMORY_AND_DISK_SER,
    DISK_ONLY
  }
}
