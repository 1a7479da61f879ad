package io.dlpipe.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the native threads ND4J uses in a worker JVM ({@code train.threads-per-worker}): its own
 * parallel loops (OpenMP and libnd4j's thread pool) and OpenBLAS. By default each ND4J op may use
 * every core while Spark already runs one task per core: two workers on two cores then ran 4 OpenMP
 * and 2 BLAS threads each, and a 32-row minibatch took 7.2 ms instead of 2.4 ms. At tabular sizes
 * an op's fixed cost dominates its arithmetic, and one thread per op cuts that cost about sixfold
 * (BENCHMARKS.md, "Trainer").
 *
 * <p>The cap is process-wide and set at run time, as a training hook that runs in every training
 * task, so it reaches the executors of any cluster without touching their environment ({@code
 * OMP_NUM_THREADS}, which the launcher exports too, only takes effect when a JVM starts).
 */
public final class WorkerThreads implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(WorkerThreads.class);

  /** The cap this JVM applied last; 0 while none was applied. */
  private static volatile int applied;

  /** The OpenMP team size set on this thread; 0 while none was. */
  private static final ThreadLocal<Integer> OMP_THREADS = ThreadLocal.withInitial(() -> 0);

  private final int threads;

  /** A hook that applies {@code threads} (0: ND4J's default, nothing is changed). */
  public WorkerThreads(int threads) {
    this.threads = threads;
  }

  /**
   * Caps ND4J's native threads in this JVM at {@code threads}; 0 leaves ND4J's defaults. A read of
   * one field after the first call with the same value, so it may run for every minibatch.
   */
  public static void apply(int threads) {
    if (threads <= 0) {
      return;
    }
    if (OMP_THREADS.get() != threads) {
      // OpenMP keeps the team size per calling thread, and Spark runs each task on a thread of its
      // pool.
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
      OMP_THREADS.set(threads);
    }
    if (threads == applied) {
      return;
    }
    synchronized (WorkerThreads.class) {
      if (threads == applied) {
        return;
      }
      // The threads one op may use. (setMaxThreads, the pool's size, ignores values below its
      // start-up value in 1.0.0-M2.)
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
      Nd4j.factory().blas().setMaxThreads(threads);
      LOG.info("ND4J native threads in this JVM capped at {} (train.threads-per-worker)", threads);
      applied = threads;
    }
  }

  /** The cap applied in this JVM, 0 when none was. */
  public static int applied() {
    return applied;
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    apply(threads);
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    apply(threads);
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
