package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.eval.EvaluateJob;
import io.dlpipe.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM of the real multi-JVM cluster killed with SIGKILL while it runs a task of the
 * second training epoch: Spark retries the lost tasks on a relaunched executor, training completes
 * every epoch, and the test AUC stays within {@link #TOLERANCE} of an undisturbed run with the same
 * seed on the same prepared data.
 */
class ExecutorKillTest {
  /** Largest accepted difference in test AUC between the disturbed and the undisturbed run. */
  static final double TOLERANCE = 0.02;

  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() {
    spark = LocalClusters.start(Map.of());
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static DlpipeConfig cfg(Path ws) {
    return TestData.creditConfig(
        TestData.credit(),
        ws,
        "train.epochs=3",
        "train.early-stopping.patience=0",
        "train.approach=direct",
        "evaluate.importance.enabled=false",
        "evaluate.baseline=false",
        "evaluate.report=false");
  }

  @Test
  void trainingSurvivesAnExecutorKilledMidEpochAndTheTestMetricHolds() throws Exception {
    Path clean = tmp.resolve("clean");
    Path killed = tmp.resolve("killed");
    new EtlJob(spark, cfg(clean)).run();
    TrainFixtures.copyTree(clean.resolve("prepared"), killed.resolve("prepared"));

    new TrainJob(spark, cfg(clean)).run(false);
    double undisturbed =
        (double) new EvaluateJob(spark, cfg(clean)).run().metrics().get("model.auc");

    ExecutorKiller killer = new ExecutorKiller("dlpipe-train-epoch-2");
    spark.sparkContext().addSparkListener(killer);
    TrainResult result;
    try {
      result = new TrainJob(spark, cfg(killed)).run(false);
    } finally {
      spark.sparkContext().removeSparkListener(killer);
    }
    assertTrue(killer.killedPid.get() > 0, "an executor was killed during epoch 2");
    assertTrue(killer.removed.get() >= 1, "Spark saw the executor go");
    assertEquals(3, result.provenance().training().epochsRun());
    double disturbed =
        (double) new EvaluateJob(spark, cfg(killed)).run().metrics().get("model.auc");
    System.out.printf(
        "executor kill: killed pid %d (executor %s); test AUC undisturbed %.6f, disturbed %.6f, difference %.6f%n",
        killer.killedPid.get(),
        killer.killedExecutor.get(),
        undisturbed,
        disturbed,
        Math.abs(disturbed - undisturbed));
    assertTrue(
        Math.abs(disturbed - undisturbed) <= TOLERANCE,
        "test AUC " + disturbed + " vs undisturbed " + undisturbed);
    assertTrue(disturbed > 0.78, "test AUC " + disturbed);
  }

  /** SIGKILLs the executor JVM that runs the first task of the first job of {@code group}. */
  private static final class ExecutorKiller extends SparkListener {
    private final String group;
    private volatile boolean armed;
    final AtomicInteger removed = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong killedPid =
        new java.util.concurrent.atomic.AtomicLong();
    final AtomicReference<String> killedExecutor = new AtomicReference<>();

    ExecutorKiller(String group) {
      this.group = group;
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      if (group.equals(job.properties().getProperty("spark.jobGroup.id"))) {
        armed = true;
      }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart task) {
      if (!armed || killedPid.get() != 0) {
        return;
      }
      String id = task.taskInfo().executorId();
      // The Workers of local-cluster run in this JVM and fork the executor JVMs: they are its
      // descendants.
      ProcessHandle.current()
          .descendants()
          .filter(p -> executorId(p.pid()).equals(id))
          .findFirst()
          .ifPresent(
              p -> {
                if (killedPid.compareAndSet(0, p.pid())) {
                  killedExecutor.set(id);
                  p.destroyForcibly(); // SIGKILL
                }
              });
    }

    /**
     * The --executor-id of an executor JVM, from its full command line in /proc (ProcessHandle.Info
     * may truncate it); "" for other processes.
     */
    private static String executorId(long pid) {
      try {
        String[] args =
            new String(
                    java.nio.file.Files.readAllBytes(
                        java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8)
                .split("\0");
        for (int i = 0; i + 1 < args.length; i++) {
          if (args[i].equals("--executor-id")) {
            return args[i + 1];
          }
        }
      } catch (java.io.IOException e) {
        return "";
      }
      return "";
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
      this.removed.incrementAndGet();
    }
  }
}
