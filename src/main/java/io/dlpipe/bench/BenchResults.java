package io.dlpipe.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/results.json}: the six headline ratios with their targets, and behind each the raw
 * timings and rates it was computed from, so that a reader (and the quick suite's test) can
 * recompute it.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param suite quick or full
 * @param started when the suite started (UTC)
 * @param finished when it ended; null in the partial results written while the suite runs
 * @param machine where it ran
 * @param plan the sizes it ran with
 * @param ratios the headline ratios by name ({@link #RATIO_NAMES}); a ratio that could not be
 *     measured (the network never reached GBT's metric) is null, with the reason in its section
 * @param targets each ratio's target, as the issue states it
 * @param ratiosFrom which case each headline ratio comes from
 * @param etl one case per shape and size
 * @param feed minibatch feed against a bare scan (this and the sections below are null in partial
 *     results until they are measured)
 * @param train the Spark trainer against single-JVM DL4J
 * @param compute the large MLP's FLOP rate against the GEMM rate
 * @param quality time to GBT's validation metric
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BenchResults(
    int formatVersion,
    String suite,
    String started,
    String finished,
    Machine machine,
    SuitePlan plan,
    Map<String, Double> ratios,
    Map<String, String> targets,
    Map<String, String> ratiosFrom,
    List<EtlCase> etl,
    FeedCase feed,
    TrainCase train,
    ComputeCase compute,
    QualityCase quality) {

  public static final int FORMAT_VERSION = 1;
  public static final List<String> RATIO_NAMES =
      List.of(
          "etl_vs_floor",
          "etl_vs_mllib",
          "feed_vs_scan",
          "train_vs_single_jvm",
          "compute_efficiency",
          "time_to_quality_vs_gbt");
  public static final Map<String, String> TARGETS =
      Map.of(
          "etl_vs_floor",
          "<= 1.5",
          "etl_vs_mllib",
          "<= 0.7",
          "feed_vs_scan",
          ">= 0.5",
          "train_vs_single_jvm",
          ">= 0.8",
          "compute_efficiency",
          ">= 0.25",
          "time_to_quality_vs_gbt",
          "<= 1 (reported)");

  /**
   * One ETL case: the same raw CSV through the floor, dlpipe and the MLlib pipeline, alternating.
   *
   * @param columns columns of the raw CSV, target included
   * @param features width of dlpipe's feature vector
   * @param etlVsFloor {@code dlpipe.median_seconds / floor.median_seconds}
   * @param etlVsMllib {@code dlpipe.median_seconds / mllib.median_seconds}
   */
  public record EtlCase(
      String shape,
      long rows,
      int columns,
      int features,
      Timing floor,
      Timing dlpipe,
      Timing mllib,
      double etlVsFloor,
      double etlVsMllib) {}

  /**
   * @param feedVsScan {@code feed.per_second / scan.per_second}
   */
  public record FeedCase(
      String shape,
      long rows,
      int features,
      int batchSize,
      Timing scan,
      Timing feed,
      double feedVsScan) {}

  /**
   * A trainer's run.
   *
   * @param epochSamplesPerS every epoch's samples/s (fit only)
   * @param samplesPerS the median over the epochs after the first, which pays for warm-up (and for
   *     the Spark trainer's export of minibatches)
   */
  public record TrainerRun(
      long rows, long params, List<Double> epochSamplesPerS, double samplesPerS) {}

  /**
   * @param hiddenLayers the network's hidden layers (dlpipe's defaults)
   * @param trainVsSingleJvm {@code spark.samples_per_s / single_jvm.samples_per_s}
   */
  public record TrainCase(
      String shape,
      int features,
      List<Integer> hiddenLayers,
      int batchSize,
      TrainerRun spark,
      TrainerRun singleJvm,
      double trainVsSingleJvm) {}

  /**
   * @param flopsPerSample {@code 6 * params}: forward and backward of a dense network
   * @param computeEfficiency {@code flops_per_sample * spark.samples_per_s / (gemm.gflops * 1e9)}
   * @param singleJvmComputeEfficiency the same for single-JVM DL4J, for how far DL4J itself gets
   */
  public record ComputeCase(
      List<Integer> hiddenLayers,
      long params,
      double flopsPerSample,
      GemmRate.Result gemm,
      TrainerRun spark,
      TrainerRun singleJvm,
      double computeEfficiency,
      double singleJvmComputeEfficiency) {}

  /**
   * One epoch of the default network, for time to quality.
   *
   * @param seconds the epoch's wall clock, fit and validation
   * @param cumulativeSeconds since training started
   * @param metric on validation after the epoch
   */
  public record EpochPoint(int epoch, double seconds, double cumulativeSeconds, double metric) {}

  /**
   * @param gbt MLlib GBT on the same prepared splits
   * @param network the Spark trainer's epochs (the run behind {@code train.spark})
   * @param reachedAtEpoch the first epoch whose metric is at least GBT's, or null
   * @param networkSeconds seconds of training up to and including that epoch, or null
   * @param timeToQualityVsGbt {@code network_seconds / gbt.fit_seconds}, or null when not reached
   * @param atLeast when not reached: the whole training's seconds over GBT's, a lower bound
   */
  public record QualityCase(
      String metricName,
      GbtReference.Result gbt,
      List<EpochPoint> network,
      Integer reachedAtEpoch,
      Double networkSeconds,
      Double timeToQualityVsGbt,
      Double atLeast) {}
}
