package io.dlpipe.train;

import io.dlpipe.ConfigException;
import io.dlpipe.config.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.util.NetworkOrganizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds DL4J's training master from {@code train.*}: {@link ParameterAveragingTrainingMaster} (the
 * default) or {@link SharedTrainingMaster} (gradient sharing).
 */
public final class TrainingMasters {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingMasters.class);

  /** Aeron's system property for how long a blocked publication waits, in nanoseconds. */
  static final String AERON_UNBLOCK_TIMEOUT = "aeron.publication.unblock.timeout";

  /** 60 s: above the 30 s client liveness timeout DL4J gives Aeron, which Aeron requires. */
  static final String AERON_UNBLOCK_TIMEOUT_NS = "60000000000";

  /** The executor JVM option gradient sharing needs on a cluster. */
  public static final String AERON_OPTIONS =
      "-D" + AERON_UNBLOCK_TIMEOUT + "=" + AERON_UNBLOCK_TIMEOUT_NS;

  private TrainingMasters() {}

  /**
   * The approach that can run here. Export needs a file system every executor shares: any file
   * system under a local master, else a non-local default file system (DL4J checks that one) and a
   * non-local export directory. Without one, say why and use direct instead of failing with DL4J's
   * message half-way into the first epoch.
   */
  public static TrainConfig.Approach usableApproach(
      JavaSparkContext jsc, TrainConfig.Approach requested, String exportDir) {
    if (requested == TrainConfig.Approach.DIRECT) {
      return requested;
    }
    String why = exportProblem(jsc, exportDir);
    if (why == null) {
      return requested;
    }
    LOG.warn(
        "train.approach = export needs a file system all executors share, but {}. Training with approach = direct instead "
            + "(the minibatch RDD is persisted at train.storage-level). To use export, point spark.hadoop.fs.defaultFS and output.dir "
            + "(or train.export-dir) at HDFS, S3A or another shared file system.",
        why);
    return TrainConfig.Approach.DIRECT;
  }

  /**
   * Why export training cannot run here with {@code exportDir}, or null when it can. Shared by the
   * trainer and {@code dlpipe doctor}.
   */
  public static String exportProblem(JavaSparkContext jsc, String exportDir) {
    String master = jsc.master();
    if (isLocal(master)) {
      return null;
    }
    try {
      FileSystem defaultFs = FileSystem.get(jsc.hadoopConfiguration());
      FileSystem exportFs = new Path(exportDir).getFileSystem(jsc.hadoopConfiguration());
      if (!ExportSupport.exportSupported(master, defaultFs)) {
        return "the default file system is "
            + defaultFs.getUri()
            + ", which the executors of "
            + master
            + " do not share";
      }
      if ("file".equals(exportFs.getUri().getScheme())) {
        return "train.export-dir "
            + exportDir
            + " is on the local file system, which the executors of "
            + master
            + " do not share";
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the file system of " + exportDir, e);
    }
  }

  static boolean isLocal(String master) {
    // DL4J's own test: local, local[N] or local[*]; local-cluster runs executors in their own JVMs.
    return master.matches("^local(\\[(\\d+|\\*)])?$");
  }

  /**
   * Refuses gradient sharing where it cannot learn. On {@code local-cluster} every executor JVM
   * runs on one host with one address (127.0.0.1), and so do two executors a cluster places on one
   * host: their Aeron transports announce the same address and UDP port to the mesh, and DL4J then
   * trains nothing and says nothing (BENCHMARKS.md, "Trainer"). Found before any epoch, with what
   * to do instead. Executors on distinct addresses (one per host, or per network namespace as in
   * {@code GradientSharingNetnsIT}) pass; executors not registered yet cannot be checked.
   */
  public static void checkGradientSharing(JavaSparkContext jsc, TrainConfig.Master m) {
    if (m.type() != TrainConfig.MasterType.GRADIENT_SHARING) {
      return;
    }
    if (jsc.master().startsWith("local-cluster")) {
      throw new ConfigException(
          "train.master.type = gradient-sharing cannot train on "
              + jsc.master()
              + ": its executor JVMs share one "
              + "host and address, so their Aeron transports announce the same address and port (UDP "
              + GRADIENT_SHARING_PORT
              + ") and DL4J's gradient-sharing mesh never forms; training would silently learn nothing. Use train.master.type = "
              + "parameter-averaging here, or a cluster with one executor per host and DL4J_VOID_IP or "
              + "train.master.gradient-sharing-network-mask set");
    }
    String shared = sharedExecutorHost(jsc);
    if (shared != null) {
      throw new ConfigException(
          "train.master.type = gradient-sharing cannot train on "
              + jsc.master()
              + ": two executors run on "
              + shared
              + ", so their Aeron transports would announce the same address and port (UDP "
              + GRADIENT_SHARING_PORT
              + ") and DL4J's gradient-sharing mesh would never form. Use train.master.type = parameter-averaging, "
              + "or one executor per host (spark.executor.cores = the host's cores)");
    }
  }

  /** DL4J's UDP port for the gradient-sharing mesh, on the driver and on every executor. */
  static final int GRADIENT_SHARING_PORT = 49876;

  /** A host two registered executors share, or null; the driver's own entry is left out. */
  static String sharedExecutorHost(JavaSparkContext jsc) {
    BlockManagerId self = SparkEnv.get().blockManager().blockManagerId();
    String driver = self.host() + ":" + self.port();
    Set<String> hosts = new HashSet<>();
    for (SparkExecutorInfo e : jsc.sc().statusTracker().getExecutorInfos()) {
      if (!(e.host() + ":" + e.port()).equals(driver) && !hosts.add(e.host())) {
        return e.host();
      }
    }
    return null;
  }

  /**
   * The driver's address in {@code mask}, which it announces to the executors as the mesh's
   * controller. DL4J itself would take SPARK_PUBLIC_DNS first (a name set for Spark's web UI links,
   * not necessarily one the executors' network routes), and where the mask matches no address of
   * the driver it fails inside the first epoch; this says so before training.
   */
  static String controllerAddress(String mask) {
    try {
      return new NetworkOrganizer(mask).getMatchingAddress();
    } catch (RuntimeException e) {
      throw new ConfigException(
          "train.master.gradient-sharing-network-mask: expected a network that contains an address of the driver, found "
              + mask,
          e);
    }
  }

  /**
   * The training master of {@code train.master.type}; {@code workers} is already resolved (never
   * 0).
   */
  public static TrainingMaster<?, ?> create(
      TrainConfig train, int workers, TrainConfig.Approach approach, String exportDir) {
    return switch (train.master().type()) {
      case PARAMETER_AVERAGING -> parameterAveraging(train, workers, approach, exportDir);
      case GRADIENT_SHARING -> gradientSharing(train, workers, approach, exportDir);
    };
  }

  static ParameterAveragingTrainingMaster parameterAveraging(
      TrainConfig train, int workers, TrainConfig.Approach approach, String exportDir) {
    TrainConfig.Master m = train.master();
    if (m.averagingFrequency() == 0) {
      throw new IllegalStateException(
          "train.averaging-frequency = 0 must be resolved first (TrainingMasters.resolveAuto)");
    }
    return new ParameterAveragingTrainingMaster.Builder(workers, m.batchSizePerWorker())
        .batchSizePerWorker(m.batchSizePerWorker())
        .averagingFrequency(m.averagingFrequency())
        .workerPrefetchNumBatches(m.workerPrefetchBatches())
        // DL4J documents this as on by default, but the M2 builder leaves it off; Adam and the
        // momentum updaters need their averaged state to keep learning after each averaging.
        .saveUpdater(true)
        .rddTrainingApproach(approach(approach))
        .exportDirectory(exportDir)
        .repartionData(repartition(m.repartition()))
        .repartitionStrategy(strategy(m.repartitionStrategy()))
        .storageLevel(storageLevel(m.storageLevel()))
        .collectTrainingStats(m.collectStats())
        .rngSeed(train.seed())
        // Each training task takes the GPU Spark assigned it (a log line on the CPU backend), and
        // caps ND4J's threads in its JVM before its first minibatch.
        .trainingHooks(new GpuBinding(), new WorkerThreads(m.threadsPerWorker()))
        .build();
  }

  /**
   * DL4J's gradient sharing: one long-lived training wrapper per executor JVM, whose workers send
   * threshold-encoded updates to each other over Aeron instead of meeting at the driver every few
   * minibatches. The threshold adapts to keep the updates sparse (DL4J's recommended default).
   */
  static SharedTrainingMaster gradientSharing(
      TrainConfig train, int workers, TrainConfig.Approach approach, String exportDir) {
    TrainConfig.Master m = train.master();
    // The driver runs the mesh's controller with an embedded Aeron media driver, which refuses to
    // start unless this exceeds the 30 s client liveness timeout DL4J sets; executors get it from
    // SparkSubmitPlan (AERON_OPTIONS), or from the same JVM under a local master.
    if (System.getProperty(AERON_UNBLOCK_TIMEOUT) == null) {
      System.setProperty(AERON_UNBLOCK_TIMEOUT, AERON_UNBLOCK_TIMEOUT_NS);
    }
    VoidConfiguration voidConf = VoidConfiguration.builder().build();
    if (!m.gradientSharingNetworkMask().isEmpty()) {
      voidConf.setNetworkMask(m.gradientSharingNetworkMask());
      voidConf.setControllerAddress(controllerAddress(m.gradientSharingNetworkMask()));
    }
    SharedTrainingMaster master =
        new SharedTrainingMaster.Builder(
                voidConf, workers, new AdaptiveThresholdAlgorithm(1e-3), m.batchSizePerWorker())
            .batchSizePerWorker(m.batchSizePerWorker())
            .workerPrefetchNumBatches(m.workerPrefetchBatches())
            .rddTrainingApproach(approach(approach))
            .exportDirectory(exportDir)
            .repartitionData(repartition(m.repartition()))
            .repartitionStrategy(strategy(m.repartitionStrategy()))
            // DL4J's own split, but one task at a time per executor JVM into its training wrapper,
            // whose hand-over between concurrent tasks can lose a task and hang the epoch.
            .repartitioner(new SharedTrainingGate())
            .storageLevel(storageLevel(m.storageLevel()))
            .collectTrainingStats(m.collectStats())
            .rngSeed(train.seed())
            .build();
    master.addHook(new GpuBinding());
    master.addHook(new WorkerThreads(m.threadsPerWorker()));
    return master;
  }

  /**
   * The train rows in at most one partition per worker when export is used: each partition ends in
   * one short minibatch, so fewer partitions mean fewer of them. (The export's paths are dealt into
   * one partition per worker every epoch anyway: {@link ExportedMinibatches#dealt}.) Coalescing is
   * narrow (no shuffle), and export streams each partition to files, so partition size does not
   * matter; direct keeps Spark's partitions, whose cached blocks must stay small.
   */
  static Dataset<Row> onePartitionPerWorker(
      Dataset<Row> rows, int workers, TrainConfig.Approach approach) {
    return approach == TrainConfig.Approach.EXPORT ? rows.coalesce(workers) : rows;
  }

  /** The largest minibatch {@code train.batch-size-per-worker = 0} chooses. */
  static final int AUTO_MAX_BATCH = 512;

  /** The fewest minibatch updates per worker and epoch that the automatic choice keeps. */
  static final int AUTO_MIN_STEPS = 50;

  /** Rows each worker fits per averaging round under {@code train.averaging-frequency = 0}. */
  static final int AUTO_ROUND_ROWS = 32_768;

  /**
   * The fewest minibatches per round the automatic choice takes (the fixed setting of earlier
   * releases).
   */
  static final int AUTO_MIN_AVERAGING = 20;

  /** The fewest averaging rounds per epoch the automatic choice keeps, where the data allows it. */
  static final int AUTO_MIN_ROUNDS = 2;

  /**
   * With more than one worker, the fewest updates of the averaged model per epoch (minibatches per
   * worker) that the automatic minibatch keeps: one worker on the scale-out suite's Ames (159,603
   * train rows, minibatches of 512) takes 311 and is within 1% of its best after one epoch; wide
   * runs that took 77 needed two or three.
   */
  static final int AUTO_MIN_UPDATES_AT_WIDTH = 256;

  /** The smallest minibatch the automatic choice goes down to with more than one worker. */
  static final int AUTO_MIN_BATCH_AT_WIDTH = 8;

  /**
   * With more than one worker, the averaging rounds per epoch the automatic period aims at, so that
   * block momentum has rounds to work on and the workers do not drift far apart between them; but
   * it never goes below {@value #AUTO_MIN_AVERAGING_AT_WIDTH} minibatches a round for it.
   */
  static final int AUTO_ROUNDS_AT_WIDTH = 10;

  /**
   * The period the width rule always allows: the suite's 32 workers averaged every 32 of their 312
   * minibatches.
   */
  static final int AUTO_MIN_AVERAGING_AT_WIDTH = 32;

  /**
   * Train rows per worker below which {@code train.workers = 0} uses fewer workers: 2 automatic
   * rounds.
   */
  public static final long AUTO_ROWS_PER_WORKER = (long) AUTO_ROUND_ROWS * AUTO_MIN_ROUNDS;

  /**
   * The configuration with its automatic settings resolved for this data.
   *
   * <p>{@code train.workers = 0}: one worker per {@value #AUTO_ROWS_PER_WORKER} train rows, at
   * least one and at most {@code parallelism} (Spark's default parallelism, the cluster's cores).
   * On small data more workers only add averaging rounds that cost more than they compute, and
   * averaging models that each saw a few hundred rows loses accuracy: one worker trained Ames and
   * credit both faster and better than two (docs/QUALITY.md).
   *
   * <p>{@code train.batch-size-per-worker = 0}, one worker: {@value #AUTO_MAX_BATCH} rows, or the
   * largest power of two that still gives it {@value #AUTO_MIN_STEPS} updates per epoch, but not
   * below {@code train.lr-base-batch-size}. A small split thus keeps enough steps per epoch to
   * learn, and a large one gets the big minibatches that make the trainer fast: DL4J's cost per op,
   * not per row, dominates at tabular widths, and 512 rows trained 1.3x faster than 256 to the same
   * validation R² with the learning rate √-scaled (1,024: 1.6x, 0.001 lower; BENCHMARKS.md).
   *
   * <p>The same, from the width: with W workers every update of the model is an average over W
   * minibatches, so an epoch has as many updates as each worker has minibatches, W times fewer than
   * one worker with the same minibatch would take. The automatic minibatch therefore keeps at least
   * {@value #AUTO_MIN_UPDATES_AT_WIDTH} updates per epoch (down to {@value
   * #AUTO_MIN_BATCH_AT_WIDTH} rows), and the learning rate follows the global minibatch ({@link
   * LearningRates#batchFactor}), which then stays one worker's where the global minibatch is;
   * averaging aims at {@value #AUTO_ROUNDS_AT_WIDTH} rounds an epoch, taking at least {@value
   * #AUTO_MIN_AVERAGING_AT_WIDTH} minibatches a round where the period was longer. On the scale-out
   * suite's Ames at 32 workers (5,000 rows each) this gave minibatches of 16, 312 updates an epoch
   * and validation R² 0.8587, 0.8645, 0.8659 in three epochs at block momentum 0.5 (0.8613, 0.8699,
   * 0.8711 at {@link #autoBlockMomentum}'s 0.82), where the rule before it (minibatches of 64, 77
   * updates) started at 0.826 and one worker reached 0.8590, 0.8691, 0.8711 (BENCHMARKS.md,
   * "Scale-out").
   *
   * <p>{@code train.averaging-frequency = 0}: enough minibatches that each round fits {@value
   * #AUTO_ROUND_ROWS} rows per worker, but at least {@value #AUTO_MIN_AVERAGING} and, where the
   * epoch is long enough, at most half of it (with more than one worker, at most a tenth of it or
   * {@value #AUTO_MIN_AVERAGING_AT_WIDTH}, whichever is more). Every round pays a fixed cost (a
   * Spark job, the network broadcast and rebuilt on each worker, the results collected and
   * averaged: about 100 ms on two cores), which at 20 minibatches of 256 rows was four times the
   * round's compute (BENCHMARKS.md, "Trainer"). Set values are kept as they are.
   */
  public static TrainConfig resolveAuto(TrainConfig train, int parallelism, long trainRows) {
    TrainConfig.Master m = train.master();
    if (m.workers() == 0) {
      m = m.withWorkers((int) Math.max(1, Math.min(parallelism, trainRows / AUTO_ROWS_PER_WORKER)));
    }
    int workers = m.workers();
    boolean wide = workers > 1 && m.type() == TrainConfig.MasterType.PARAMETER_AVERAGING;
    int batch = m.batchSizePerWorker();
    long rowsPerWorker = trainRows / Math.max(1, workers);
    if (batch == 0) {
      long fit = rowsPerWorker / (wide ? AUTO_MIN_UPDATES_AT_WIDTH : AUTO_MIN_STEPS);
      int pow = Integer.highestOneBit((int) Math.max(1, Math.min(AUTO_MAX_BATCH, fit)));
      batch =
          Math.max(
              pow, wide ? AUTO_MIN_BATCH_AT_WIDTH : Math.min(m.lrBaseBatchSize(), AUTO_MAX_BATCH));
      m = m.withBatchSizePerWorker(batch);
    }
    if (m.averagingFrequency() == 0) {
      long stepsPerWorker = Math.max(1, rowsPerWorker / batch);
      long perRound =
          Math.min((AUTO_ROUND_ROWS + batch - 1) / batch, stepsPerWorker / AUTO_MIN_ROUNDS);
      if (wide) {
        // About ten rounds an epoch; where an epoch is long (big data per worker) that is already
        // what AUTO_ROUND_ROWS gives, so rounds, and their fixed cost, are added only where short.
        perRound =
            Math.min(
                perRound,
                Math.max(AUTO_MIN_AVERAGING_AT_WIDTH, stepsPerWorker / AUTO_ROUNDS_AT_WIDTH));
      }
      m = m.withAveragingFrequency((int) Math.max(AUTO_MIN_AVERAGING, perRound));
    }
    TrainConfig.Averaging a = m.averaging();
    if (Double.isNaN(a.blockMomentum()) || Double.isNaN(a.blockLearningRate())) {
      a =
          a.withBlock(
              Double.isNaN(a.blockMomentum()) ? autoBlockMomentum(workers) : a.blockMomentum(),
              Double.isNaN(a.blockLearningRate()) ? 1.0 : a.blockLearningRate());
      m = m.withAveraging(a);
    }
    return CapacityRules.logged(train.withMaster(m), trainRows);
  }

  /**
   * Train rows per worker below which the scale-out suite has not measured width without a loss of
   * validation quality (bench/scale-out.json, BENCHMARKS.md "Scale-out"); train warns below it.
   * Synthetic Ames and credit, 160,000 train rows, three epochs, the defaults: 64 workers of 2,500
   * rows each ended within 0.0011 of one worker's best R² and AUC. Fewer rows per worker lost: 16
   * workers of 1,000 Ames rows ended at R² 0.695 against one worker's 0.856 (the rules before).
   */
  static final long SAFE_ROWS_PER_WORKER = 2_500;

  /** Why {@code train.workers} resolved to its width, for the train log and {@code doctor}. */
  public static String widthReason(
      TrainConfig.Master requested, int workers, int parallelism, long trainRows) {
    if (requested.workers() > 0) {
      return String.format(Locale.ROOT, "train.workers = %d as set", requested.workers());
    }
    long byRows = trainRows / AUTO_ROWS_PER_WORKER;
    String why =
        byRows >= parallelism
            ? String.format(
                Locale.ROOT,
                "capped at Spark's default parallelism %d (the cluster's cores)",
                parallelism)
            : byRows < 1 ? "at least 1" : "no more than the data allows";
    return String.format(
        Locale.ROOT,
        "train.workers = 0: one per %,d train rows (%,d rows: %,d), %s",
        AUTO_ROWS_PER_WORKER,
        trainRows,
        Math.max(1, byRows),
        why);
  }

  /**
   * The width a run resolves to and why, its rows per worker, rounds per epoch and averaging: the
   * train log's line and {@code doctor}'s finding. {@code resolved} is {@code requested}'s config
   * after {@link #resolveAuto}.
   */
  public static String describeWidth(
      TrainConfig.Master requested, TrainConfig resolved, int parallelism, long trainRows) {
    TrainConfig.Master m = resolved.master();
    String width =
        String.format(
            Locale.ROOT,
            "%d worker%s (%s)",
            m.workers(),
            m.workers() == 1 ? "" : "s",
            widthReason(requested, m.workers(), parallelism, trainRows));
    if (m.type() != TrainConfig.MasterType.PARAMETER_AVERAGING) {
      return width;
    }
    long perWorker = trainRows / Math.max(1, m.workers());
    long rounds =
        Math.max(
            1,
            (perWorker / Math.max(1, m.batchSizePerWorker()))
                / Math.max(1, m.averagingFrequency()));
    TrainConfig.Averaging a = m.averaging();
    String averaging =
        a.method() == TrainConfig.AveragingMethod.SIMPLE
            ? "simple averaging"
            : String.format(
                Locale.ROOT,
                "block momentum %.4g, block learning rate %.4g%s",
                a.blockMomentum(),
                a.blockLearningRate(),
                a.nesterov() ? ", Nesterov" : "");
    String updates = "";
    if (requested.batchSizePerWorker() == 0 && m.workers() > 1) {
      // Why the minibatch is what it is at this width: the rule of resolveAuto, in the user's
      // terms.
      updates =
          String.format(
              Locale.ROOT,
              " (auto at width: %,d updates of the averaged model per epoch, aiming at %d with minibatches of at least %d)",
              perWorker / Math.max(1, m.batchSizePerWorker()),
              AUTO_MIN_UPDATES_AT_WIDTH,
              AUTO_MIN_BATCH_AT_WIDTH);
    }
    return String.format(
        Locale.ROOT,
        "%s; %,d train rows per worker, minibatches of %d%s, averaging every %d, about %d round%s per epoch, %s",
        width,
        perWorker,
        m.batchSizePerWorker(),
        updates,
        m.averagingFrequency(),
        rounds,
        rounds == 1 ? "" : "s",
        averaging);
  }

  /**
   * Why a resolved width would learn less per epoch than one worker, or null: fewer train rows per
   * worker than the scale-out suite measured as safe.
   */
  public static String widthProblem(TrainConfig resolved, long trainRows) {
    TrainConfig.Master m = resolved.master();
    long perWorker = trainRows / Math.max(1, m.workers());
    if (m.workers() > 1 && perWorker < SAFE_ROWS_PER_WORKER) {
      return String.format(
          Locale.ROOT,
          "only %,d train rows per worker at %d workers: below %,d, the scale-out suite measured a loss of "
              + "validation quality from averaging (BENCHMARKS.md, \"Scale-out\")",
          perWorker,
          m.workers(),
          SAFE_ROWS_PER_WORKER);
    }
    return null;
  }

  /**
   * Logs the width the run trains at and why, and a warning when {@link #widthProblem} finds one.
   */
  static void logWidth(
      TrainConfig.Master requested, TrainConfig resolved, int parallelism, long trainRows) {
    LOG.info("Width: {}", describeWidth(requested, resolved, parallelism, trainRows));
    String problem = widthProblem(resolved, trainRows);
    if (problem != null) {
      LOG.warn(
          "{}{}. Set train.workers lower (0 chooses from the data), or train on more rows",
          Character.toUpperCase(problem.charAt(0)),
          problem.substring(1));
    }
  }

  /** The block momentum {@code train.averaging.block-momentum = auto} chooses at 2 to 4 workers. */
  static final double AUTO_MIN_BLOCK_MOMENTUM = 0.5;

  /** The largest block momentum {@code train.averaging.block-momentum = auto} chooses. */
  static final double AUTO_MAX_BLOCK_MOMENTUM = 0.9;

  /**
   * Block momentum for {@code workers}: 1 - 1/√W, at least {@value #AUTO_MIN_BLOCK_MOMENTUM} (2 to
   * 4 workers, as before) and at most {@value #AUTO_MAX_BLOCK_MOMENTUM}; one worker: 0, plain
   * averaging.
   *
   * <p>Why √W, not BMUF's W: late in training each worker's Adam step is mostly noise, so its
   * useful part shrinks with the square root of its minibatch; W workers on minibatches W times
   * smaller than one worker's (the width rule above) move their average about 1/√W as far per row
   * as that worker. In the first epoch, where the steps are mostly signal, the average moves as far
   * as one worker and BMUF's W-fold amplification overshoots. At steady state the buffer multiplies
   * each round's step by 1 / (1 - η), which this makes √W. On the scale-out suite's Ames at 32
   * workers (5,000 rows each, three epochs, validation R²): 0.5 reached 0.8527, 0.8653, 0.8654,
   * 0.75 reached 0.8609, 0.8691 and 0.8700, where one worker reached 0.8590, 0.8691, 0.8711
   * (BENCHMARKS.md, "Scale-out").
   */
  static double autoBlockMomentum(int workers) {
    if (workers <= 1) {
      return 0;
    }
    return Math.min(
        AUTO_MAX_BLOCK_MOMENTUM, Math.max(AUTO_MIN_BLOCK_MOMENTUM, 1.0 - 1.0 / Math.sqrt(workers)));
  }

  static RDDTrainingApproach approach(TrainConfig.Approach a) {
    return a == TrainConfig.Approach.EXPORT
        ? RDDTrainingApproach.Export
        : RDDTrainingApproach.Direct;
  }

  static Repartition repartition(TrainConfig.Repartition r) {
    return switch (r) {
      case ALWAYS -> Repartition.Always;
      case NEVER -> Repartition.Never;
      case NUM_PARTITIONS_WORKERS_DIFFERS -> Repartition.NumPartitionsWorkersDiffers;
    };
  }

  static RepartitionStrategy strategy(TrainConfig.RepartitionStrategy s) {
    return switch (s) {
      case BALANCED -> RepartitionStrategy.Balanced;
      case APPROXIMATE_BALANCED -> RepartitionStrategy.ApproximateBalanced;
      case SPARK_DEFAULT -> RepartitionStrategy.SparkDefault;
    };
  }

  /** Spark's storage level of that name; null (no persistence) for none. */
  static StorageLevel storageLevel(TrainConfig.StorageLevelName name) {
    return name == TrainConfig.StorageLevelName.NONE
        ? null
        : StorageLevel.fromString(name.name().toUpperCase(Locale.ROOT));
  }
}
