package io.dlpipe.bench;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.net.MultiLayerNet;
import io.dlpipe.net.Network;
import io.dlpipe.net.SparkNetwork;
import io.dlpipe.train.BlockMomentum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's cost of one parameter-averaging round against width and parameter count, on whatever
 * master the suite runs on (a multi-JVM cluster such as {@code local-cluster[4,1,1024]} for figures
 * that cross process boundaries): DL4J's own timers for the broadcast of the network, the
 * aggregation of the workers' parameters and updater state ({@code treeAggregate}, a Spark job
 * whose tasks are the workers' fits) and the driver's processing of the average, beside the round's
 * wall clock and the block-momentum step. Each round fits one minibatch per worker, so the compute
 * is as small as a round can be and what is left is the round's fixed cost.
 *
 * <p>The networks are the scale-out suite's: 184 inputs (synthetic Ames after etl), hidden [128,
 * 64] (32,001 parameters) or [512, 512] (357,889), one output, Adam.
 */
public final class ScaleOutRounds {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutRounds.class);

  /** Inputs of synthetic Ames after etl: the parameter counts match the suite's networks. */
  static final int FEATURES = 184;

  /** DL4J's setting of the clock its training statistics read. */
  public static final String TIME_SOURCE = "org.deeplearning4j.spark.time.TimeSource";

  /** The local clock: DL4J's default asks pool.ntp.org, which fails where there is no network. */
  public static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";

  /** Rows in each worker's one minibatch per round. */
  static final int BATCH = 32;

  private ScaleOutRounds() {}

  /**
   * Medians over the measured rounds (the first, warm-up round left out), in milliseconds.
   *
   * @param broadcastMs the driver creating the broadcast of parameters and updater state
   * @param aggregateMs the aggregation job: the workers' tasks, then their results summed and
   *     collected
   * @param processMs the driver dividing the sum into the average and setting it on the network
   * @param roundMs the round's wall clock on the driver (one {@code fit} call)
   * @param stepMs the block-momentum step around the round
   * @param workerFitMs the median worker's own fit of its minibatch, inside the aggregation job
   */
  public record RoundCost(
      String master,
      int executors,
      String network,
      long parameters,
      int workers,
      int rounds,
      double broadcastMs,
      double aggregateMs,
      double processMs,
      double roundMs,
      double stepMs,
      double workerFitMs) {}

  /** Measures each network at each width, {@code rounds} rounds after a warm-up round. */
  public static List<RoundCost> run(
      SparkSession spark, List<String> networks, List<Integer> widths, int rounds) {
    if (System.getProperty(TIME_SOURCE) == null) {
      System.setProperty(TIME_SOURCE, SYSTEM_CLOCK);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int executors = Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1);
    List<RoundCost> out = new ArrayList<>();
    for (String network : networks) {
      for (int w : widths) {
        RoundCost c = measure(jsc, executors, network, w, rounds);
        LOG.info("round cost: {}", c);
        out.add(c);
      }
    }
    return out;
  }

  static RoundCost measure(
      JavaSparkContext jsc, int executors, String network, int workers, int rounds) {
    MultiLayerNetwork mln = new MultiLayerNetwork(conf(network));
    mln.init();
    Network net = new MultiLayerNet(mln);
    List<DataSet> batches = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      batches.add(
          new DataSet(Nd4j.rand(new long[] {BATCH, FEATURES}), Nd4j.rand(new long[] {BATCH, 1})));
    }
    // Not persisted here: DL4J's fit persists it at its own storage level.
    JavaRDD<DataSet> data = jsc.parallelize(batches, workers);
    ParameterAveragingTrainingMaster master =
        new ParameterAveragingTrainingMaster.Builder(workers, BATCH)
            .batchSizePerWorker(BATCH)
            .averagingFrequency(1)
            .workerPrefetchNumBatches(0)
            .saveUpdater(true)
            .rddTrainingApproach(RDDTrainingApproach.Direct)
            .repartionData(Repartition.Never)
            .collectTrainingStats(true)
            .rngSeed(7)
            .build();
    SparkNetwork spark = net.distributed(jsc, master);
    TrainConfig.Averaging averaging =
        new TrainConfig.Averaging(
            TrainConfig.AveragingMethod.BLOCK_MOMENTUM,
            0.5,
            1.0,
            true,
            TrainConfig.UpdaterState.AVERAGED,
            true);
    BlockMomentum blocks = new BlockMomentum(averaging, null);
    double[] wall = new double[rounds + 1];
    double[] step = new double[rounds + 1];
    for (int r = 0; r <= rounds; r++) {
      long t0 = System.nanoTime();
      blocks.beforeRound(spark.network());
      long t1 = System.nanoTime();
      spark.fit(data);
      long t2 = System.nanoTime();
      blocks.afterRound(spark.network());
      long t3 = System.nanoTime();
      wall[r] = (t2 - t1) / 1e6;
      step[r] = ((t1 - t0) + (t3 - t2)) / 1e6;
    }
    data.unpersist(false);
    SparkTrainingStats stats = spark.trainingStats();
    return new RoundCost(
        jsc.master(),
        executors,
        network,
        net.numParams(),
        workers,
        rounds,
        median(
            stats,
            ParameterAveragingTrainingMasterStats
                .PARAMETER_AVERAGING_MASTER_BROADCAST_CREATE_TIMES_MS),
        median(
            stats,
            ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS),
        median(
            stats,
            ParameterAveragingTrainingMasterStats
                .PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS),
        median(Arrays.copyOfRange(wall, 1, wall.length)),
        median(Arrays.copyOfRange(step, 1, step.length)),
        workerFit(stats));
  }

  /** The suite's network: hidden [128, 64] ({@code default}) or [512, 512] ({@code 2x512}). */
  static MultiLayerConfiguration conf(String network) {
    int[] hidden = network.equals("2x512") ? new int[] {512, 512} : new int[] {128, 64};
    NeuralNetConfiguration.ListBuilder b =
        new NeuralNetConfiguration.Builder()
            .seed(7)
            .updater(new Adam(1e-3))
            .weightInit(WeightInit.XAVIER)
            .list();
    int in = FEATURES;
    for (int h : hidden) {
      b.layer(new DenseLayer.Builder().nIn(in).nOut(h).activation(Activation.RELU).build());
      in = h;
    }
    b.layer(
        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .nIn(in)
            .nOut(1)
            .activation(Activation.IDENTITY)
            .build());
    return b.build();
  }

  /** The median of a master timer's events after the warm-up round's. */
  private static double median(SparkTrainingStats stats, String key) {
    if (stats == null || !stats.getKeySet().contains(key)) {
      return Double.NaN;
    }
    List<EventStats> events = stats.getValue(key);
    double[] ms =
        events.stream()
            .skip(events.size() > 1 ? 1 : 0)
            .mapToDouble(EventStats::getDurationMs)
            .toArray();
    return median(ms);
  }

  /** The median worker fit time, from the workers' nested stats. */
  private static double workerFit(SparkTrainingStats stats) {
    SparkTrainingStats nested = stats == null ? null : stats.getNestedTrainingStats();
    if (nested == null) {
      return Double.NaN;
    }
    for (String key : nested.getKeySet()) {
      if (key.endsWith("FitTimesMs")
          || key.endsWith("FIT_TIMES_MS")
          || key.toLowerCase(java.util.Locale.ROOT).contains("fittime")) {
        return median(
            nested.getValue(key).stream().mapToDouble(EventStats::getDurationMs).toArray());
      }
    }
    return Double.NaN;
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
