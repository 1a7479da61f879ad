package io.dlpipe.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSubmitPlanTest {
  private static DlpipeConfig cfg(String... sets) {
    List<String> all = new ArrayList<>(List.of("input.path=/in", "target.column=y", "target.task=regression", "output.dir=/out"));
    all.addAll(List.of(sets));
    return ConfigLoader.load(null, all);
  }

  @Test
  void clusterMastersHandOffLocalOnesDoNot() {
    assertTrue(SparkSubmitPlan.isClusterMaster("spark://127.0.0.1:7077"));
    assertTrue(SparkSubmitPlan.isClusterMaster("yarn"));
    assertTrue(SparkSubmitPlan.isClusterMaster("k8s://https://10.0.0.1:6443"));
    assertFalse(SparkSubmitPlan.isClusterMaster("local[*]"));
    assertFalse(SparkSubmitPlan.isClusterMaster("local-cluster[2,1,1024]"));
  }

  @Test
  void memoryArithmeticBudgetsNd4jOffHeap() {
    ExecutorMemory defaults = ExecutorMemory.of(cfg().spark());
    assertEquals(new ExecutorMemory(1024, 1024, 384, 1408, -1), defaults);
    assertEquals(2432, defaults.containerMb());
    assertTrue(defaults.fits());
    assertEquals("-Dorg.bytedeco.javacpp.maxbytes=1024m -Dorg.bytedeco.javacpp.maxphysicalbytes=2432m", defaults.javacppOptions());

    ExecutorMemory tight = ExecutorMemory.of(cfg("spark.conf.\"spark.executor.memory\"=4g", "spark.executor-offheap=2g", "spark.conf.\"spark.executor.memoryOverhead\"=1g").spark());
    assertEquals(1024, tight.effectiveOverheadMb());
    assertFalse(tight.fits(), "2 GiB of ND4J arrays do not fit a 1 GiB overhead");
    assertEquals("executor heap 4096 MiB + ND4J off-heap 2048 MiB + JVM native 384 MiB = 6528 MiB needed; memoryOverhead 1024 MiB (set by the user), container 5120 MiB", tight.describe());
  }

  @Test
  void sparkConfCarriesKryoMemoryAndTheUsersSettings() {
    Map<String, String> conf = SparkSubmitPlan.sparkConf(cfg("spark.conf.\"spark.executor.memory\"=4g", "spark.conf.\"spark.executor.cores\"=2",
        "spark.conf.\"spark.executor.extraJavaOptions\"=-XX:+UseG1GC"));
    assertEquals(List.of("spark.app.name", "spark.serializer", "spark.kryo.registrator", "spark.executor.memory", "spark.executor.memoryOverhead",
        "spark.executor.extraJavaOptions", "spark.executor.cores"), List.copyOf(conf.keySet()));
    assertEquals("org.nd4j.kryo.Nd4jRegistrator", conf.get("spark.kryo.registrator"));
    assertEquals("4480m", conf.get("spark.executor.memoryOverhead"));
    assertEquals("-Dorg.bytedeco.javacpp.maxbytes=4096m -Dorg.bytedeco.javacpp.maxphysicalbytes=8576m -XX:+UseG1GC", conf.get("spark.executor.extraJavaOptions"));
  }

  @Test
  void appArgsDropTheMasterAndPointAtTheShippedConfig() {
    List<String> original = List.of("run", "--conf", "conf/job.conf", "--master", "yarn", "--set", "a.b=1", "--force");
    assertEquals(List.of("run", "--conf", Path.of("conf/job.conf").toAbsolutePath().toString(), "--set", "a.b=1", "--force"), SparkSubmitPlan.appArgs(original, "client"));
    assertEquals(List.of("run", "--conf", "job.conf", "--set", "a.b=1", "--force"), SparkSubmitPlan.appArgs(original, "cluster"));
    assertEquals(List.of("etl", "--conf=job.conf"), SparkSubmitPlan.appArgs(List.of("etl", "--master=yarn", "--conf=/x/job.conf"), "cluster"));
  }

  @Test
  void theJava17OptionsAreTheSameInPomLauncherAndCode() throws Exception {
    Path root = TestData.projectDir();
    String pom = Files.readString(root.resolve("pom.xml"));
    String flags = pom.substring(pom.indexOf("<dlpipe.jvm.flags>") + "<dlpipe.jvm.flags>".length(), pom.indexOf("</dlpipe.jvm.flags>"));
    assertEquals(JavaModuleOptions.FLAGS, List.of(flags.trim().split("\\s+")));
    String launcher = Files.readString(root.resolve("jobs/dlpipe"));
    String block = launcher.substring(launcher.indexOf("java17_flags=(") + "java17_flags=(".length(), launcher.indexOf("\n)", launcher.indexOf("java17_flags=(")));
    assertEquals(JavaModuleOptions.FLAGS, List.of(block.trim().split("\\s+")));
  }
}
