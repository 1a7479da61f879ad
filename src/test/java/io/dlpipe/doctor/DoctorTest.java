package io.dlpipe.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor on the local session: what passes, and each problem with its fix. */
class DoctorTest {
  @TempDir Path tmp;

  private static String line(List<Finding> findings, String topic) {
    return findings.stream()
        .filter(f -> f.topic().equals(topic))
        .map(Finding::render)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aWorkingSetupPassesEveryCheck() {
    List<Finding> findings =
        new Doctor(TestSpark.get(), TestData.creditConfig(TestData.credit(), tmp.resolve("ws")))
            .run();
    assertEquals(
        List.of(
            "versions",
            "backend",
            "backend",
            "memory",
            "gpu",
            "export",
            "width",
            "input",
            "output"),
        findings.stream().map(Finding::topic).toList());
    assertTrue(findings.stream().allMatch(f -> f.level() == Finding.Level.OK), findings.toString());
    assertTrue(
        line(findings, "versions")
            .matches(
                "OK +versions +Java 17\\.\\S+, Spark 3\\.5\\.9, Scala 2\\.12\\.18, DL4J 1\\.0\\.0-M2"),
        line(findings, "versions"));
    assertEquals("OK    gpu      no GPU assigned to any task", line(findings, "gpu"));
    assertEquals(
        "OK    width    train.workers = 0: one worker per 65,536 train rows, at most 4 on local[2] (Spark's default parallelism); "
            + "run etl first for the exact width",
        line(findings, "width"));
    assertEquals(
        "OK    input    " + TestData.credit() + " is readable: 14 columns, target Status present",
        line(findings, "input"));
    assertEquals("OK    output   " + tmp.resolve("ws") + " is writable", line(findings, "output"));
  }

  @Test
  void thePreparedTrainRowsGiveTheExactWidthAndTooFewPerWorkerWarn() {
    Path ws = tmp.resolve("ws");
    io.dlpipe.config.DlpipeConfig cfg =
        TestData.creditConfig(TestData.credit(), ws, "train.workers=4");
    new io.dlpipe.etl.EtlJob(TestSpark.get(), cfg).run();
    List<Finding> findings = new Doctor(TestSpark.get(), cfg).run();
    assertEquals(
        "WARN  width    train would use 4 workers (train.workers = 4 as set); 893 train rows per worker, minibatches of 8 "
            + "(auto at width: 111 updates of the averaged model per epoch, aiming at 256 with minibatches of at least 8), averaging every 32, "
            + "about 3 rounds per epoch, block momentum 0.5000, block learning rate 1.000, Nesterov on local[2]; only 893 train rows per worker at 4 workers: below 2,500, the scale-out suite "
            + "measured a loss of validation quality from averaging (BENCHMARKS.md, \"Scale-out\")\n"
            + "               fix: set train.workers lower (0 chooses from the data), or train on more rows",
        line(findings, "width"));
  }

  @Test
  void problemsComeWithTheirFix() {
    List<Finding> findings =
        new Doctor(
                TestSpark.get(),
                TestData.creditConfig(
                    tmp.resolve("missing.csv"),
                    tmp.resolve("ws"),
                    "spark.executor-offheap=2g",
                    "spark.conf.\"spark.executor.memoryOverhead\"=512m",
                    "spark.conf.\"spark.task.resource.gpu.amount\"=1"))
            .run();
    assertEquals(
        "ERROR memory   executor heap 1024 MiB + ND4J off-heap 2048 MiB + JVM native 384 MiB = 3456 MiB needed; memoryOverhead 512 MiB (set by the user), container 1536 MiB\n"
            + "               fix: raise spark.executor.memoryOverhead to at least 2432m, or lower spark.executor-offheap",
        line(findings, "memory"));
    assertEquals(
        "ERROR gpu      spark.task.resource.gpu.amount = 1 but no GPU assigned to any task\n"
            + "               fix: give executors GPUs: spark.executor.resource.gpu.amount and a discovery script (deploy/gpu/discover-gpus.sh), or GPU nodes in the cluster manager",
        line(findings, "gpu"));
    assertTrue(
        line(findings, "input")
            .startsWith(
                "ERROR input    "
                    + tmp.resolve("missing.csv")
                    + " is not readable: Input not found: "),
        line(findings, "input"));
  }
}
