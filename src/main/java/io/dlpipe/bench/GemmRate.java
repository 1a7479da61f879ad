package io.dlpipe.bench;

import io.dlpipe.train.WorkerThreads;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 matrix-multiply rate ND4J reaches on this machine now, with every core: the
 * denominator of compute efficiency. Square matrices of {@code n}, after a warm-up; each run times
 * {@code iterations} products, and the rate is the median run's.
 *
 * <p>The trainer caps ND4J's threads per worker process-wide ({@link WorkerThreads}), and a rate
 * taken under that cap is one core's: against it a trainer using two cores scored an efficiency
 * above 1. The measurement lifts the cap to the machine's cores and puts it back afterwards.
 */
public final class GemmRate {
  private GemmRate() {}

  /**
   * @param gflops the median run's GFLOP/s (2 n³ per product)
   * @param runs every run's GFLOP/s
   */
  public record Result(int n, int iterations, int threads, double gflops, List<Double> runs) {}

  public static Result measure(int n, int iterations, int repeats) {
    int threads = Runtime.getRuntime().availableProcessors();
    int capped = WorkerThreads.applied();
    WorkerThreads.apply(threads);
    try {
      return measure(n, iterations, repeats, threads);
    } finally {
      WorkerThreads.apply(capped);
    }
  }

  private static Result measure(int n, int iterations, int repeats, int threads) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    for (int i = 0; i < 3; i++) {
      a.mmuli(b, c); // warm-up: BLAS threads and pages
    }
    double flops = 2.0 * n * n * (double) n * iterations;
    List<Double> runs = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        a.mmuli(b, c);
      }
      Nd4j.getExecutioner().commit();
      runs.add(flops / Timing.since(start) / 1e9);
    }
    a.close();
    b.close();
    c.close();
    return new Result(n, iterations, threads, Timing.median(runs), runs);
  }
}
