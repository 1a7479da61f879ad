package io.dlpipe.bench;

import java.util.List;

/**
 * The sizes a suite runs with. The defaults of each suite are in {@link #of}; {@code jobs/bench}
 * options override them.
 *
 * @param etlCases shape and row count of each ETL case
 * @param wideColumns numeric columns of the wide shape
 * @param repeats runs of each ETL job and of feed and scan; the medians are compared
 * @param trainRows rows of the Ames-shaped dataset the trainers, feed and GBT use
 * @param epochs epochs of the default network on Spark (time to quality, trainer rate)
 * @param singleJvmEpochs epochs of the single-JVM reference
 * @param computeEpochs epochs of the large MLP on Spark
 * @param computeSingleJvmRows rows the single-JVM large MLP trains on per epoch
 * @param gemmSize side of the square GEMM
 * @param files CSV files per raw dataset
 */
public record SuitePlan(
    List<EtlSpec> etlCases,
    int wideColumns,
    int repeats,
    long trainRows,
    int epochs,
    int singleJvmEpochs,
    int computeEpochs,
    long computeSingleJvmRows,
    int gemmSize,
    int files) {

  public SuitePlan {
    etlCases = List.copyOf(etlCases);
    if (repeats < 1
        || trainRows < 100
        || epochs < 1
        || singleJvmEpochs < 1
        || computeEpochs < 1
        || gemmSize < 16
        || files < 1) {
      throw new IllegalArgumentException(
          "expected repeats, epochs >= 1, train rows >= 100, gemm size >= 16 and files >= 1, found "
              + this);
    }
  }

  /** One ETL case. */
  public record EtlSpec(BenchShape shape, long rows) {}

  /** The defaults of a suite. */
  public static SuitePlan of(Suite suite) {
    return switch (suite) {
      case QUICK ->
          new SuitePlan(
              List.of(
                  new EtlSpec(BenchShape.AMES, 20_000),
                  new EtlSpec(BenchShape.CREDIT, 20_000),
                  new EtlSpec(BenchShape.WIDE, 2_000)),
              500,
              3,
              20_000,
              4,
              3,
              2,
              5_000,
              512,
              2);
      // The wide case stays small until dlpipe's role inference on 500 columns gets cheaper: at
      // 50,000 rows it took 274 s of a 2-core machine on its own.
      case FULL ->
          new SuitePlan(
              List.of(
                  new EtlSpec(BenchShape.AMES, 1_000_000),
                  new EtlSpec(BenchShape.CREDIT, 1_000_000),
                  new EtlSpec(BenchShape.WIDE, 5_000)),
              500,
              3,
              100_000,
              5,
              3,
              2,
              50_000,
              1024,
              4);
      case SCALE, SCALE_OUT, SCALE_OUT_ROUNDS ->
          throw new IllegalArgumentException(
              "the " + suite + " suite has no plan of this kind; see ScaleBench and ScaleOutBench");
    };
  }

  public SuitePlan withEtlCases(List<EtlSpec> cases) {
    return new SuitePlan(
        cases,
        wideColumns,
        repeats,
        trainRows,
        epochs,
        singleJvmEpochs,
        computeEpochs,
        computeSingleJvmRows,
        gemmSize,
        files);
  }

  public SuitePlan withRepeats(int r) {
    return new SuitePlan(
        etlCases,
        wideColumns,
        r,
        trainRows,
        epochs,
        singleJvmEpochs,
        computeEpochs,
        computeSingleJvmRows,
        gemmSize,
        files);
  }

  public SuitePlan withTraining(long rows, int e) {
    return new SuitePlan(
        etlCases,
        wideColumns,
        repeats,
        rows,
        e,
        singleJvmEpochs,
        computeEpochs,
        computeSingleJvmRows,
        gemmSize,
        files);
  }

  public SuitePlan withWideColumns(int columns) {
    return new SuitePlan(
        etlCases,
        columns,
        repeats,
        trainRows,
        epochs,
        singleJvmEpochs,
        computeEpochs,
        computeSingleJvmRows,
        gemmSize,
        files);
  }

  public SuitePlan withCompute(
      int singleJvmEpochsValue, int computeEpochsValue, long computeRows, int gemm) {
    return new SuitePlan(
        etlCases,
        wideColumns,
        repeats,
        trainRows,
        epochs,
        singleJvmEpochsValue,
        computeEpochsValue,
        computeRows,
        gemm,
        files);
  }
}
