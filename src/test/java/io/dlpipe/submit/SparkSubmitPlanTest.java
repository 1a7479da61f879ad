package io.dlpipe.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkSubmitPlanTest {
  private static DlpipeConfig cfg(String... sets) {
    return TestConfig.of("/in", "y", "regression", "/out").set(sets).load();
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
    assertEquals(
        "-Dorg.bytedeco.javacpp.maxbytes=1024m -Dorg.bytedeco.javacpp.maxphysicalbytes=2432m",
        defaults.javacppOptions());

    ExecutorMemory tight =
        ExecutorMemory.of(
            cfg(
                    "spark.conf.\"spark.executor.memory\"=4g",
                    "spark.executor-offheap=2g",
                    "spark.conf.\"spark.executor.memoryOverhead\"=1g")
                .spark());
    assertEquals(1024, tight.effectiveOverheadMb());
    assertFalse(tight.fits(), "2 GiB of ND4J arrays do not fit a 1 GiB overhead");
    assertEquals(
        "executor heap 4096 MiB + ND4J off-heap 2048 MiB + JVM native 384 MiB = 6528 MiB needed; memoryOverhead 1024 MiB (set by the user), container 5120 MiB",
        tight.describe());
  }

  @Test
  void sparkConfCarriesKryoMemoryAndTheUsersSettings() {
    Map<String, String> conf =
        SparkSubmitPlan.sparkConf(
            cfg(
                "spark.conf.\"spark.executor.memory\"=4g",
                "spark.conf.\"spark.executor.cores\"=2",
                "spark.conf.\"spark.executor.extraJavaOptions\"=-XX:+UseG1GC"));
    assertEquals(
        List.of(
            "spark.app.name",
            "spark.serializer",
            "spark.kryo.registrator",
            "spark.executor.memory",
            "spark.executor.memoryOverhead",
            "spark.executor.extraJavaOptions",
            "spark.executor.cores"),
        List.copyOf(conf.keySet()));
    assertEquals("org.nd4j.kryo.Nd4jRegistrator", conf.get("spark.kryo.registrator"));
    assertEquals("4480m", conf.get("spark.executor.memoryOverhead"));
    assertEquals(
        "-Dorg.bytedeco.javacpp.maxbytes=4096m -Dorg.bytedeco.javacpp.maxphysicalbytes=8576m -XX:+UseG1GC",
        conf.get("spark.executor.extraJavaOptions"));
  }

  @Test
  void appArgsDropTheMasterAndPointAtTheShippedConfig() {
    List<String> original =
        List.of("run", "--conf", "conf/job.conf", "--master", "yarn", "--set", "a.b=1", "--force");
    assertEquals(
        List.of(
            "run",
            "--conf",
            Path.of("conf/job.conf").toAbsolutePath().toString(),
            "--set",
            "a.b=1",
            "--force"),
        SparkSubmitPlan.appArgs(original, "client"));
    assertEquals(
        List.of("run", "--conf", "job.conf", "--set", "a.b=1", "--force"),
        SparkSubmitPlan.appArgs(original, "cluster"));
    assertEquals(
        List.of("etl", "--conf=job.conf"),
        SparkSubmitPlan.appArgs(List.of("etl", "--master=yarn", "--conf=/x/job.conf"), "cluster"));
  }

  @Test
  void theJava17OptionsAreTheSameInPomLauncherAndCode() throws Exception {
    Path root = TestData.projectDir();
    String pom = Files.readString(root.resolve("pom.xml"));
    String flags =
        pom.substring(
            pom.indexOf("<dlpipe.jvm.flags>") + "<dlpipe.jvm.flags>".length(),
            pom.indexOf("</dlpipe.jvm.flags>"));
    assertEquals(JavaModuleOptions.FLAGS, List.of(flags.trim().split("\\s+")));
    String launcher =
        Files.readString(
            root.resolve("jobs/lib/java17.sh")); // sourced by jobs/dlpipe and jobs/bench
    String block =
        launcher.substring(
            launcher.indexOf("java17_flags=(") + "java17_flags=(".length(),
            launcher.indexOf("\n)", launcher.indexOf("java17_flags=(")));
    assertEquals(JavaModuleOptions.FLAGS, List.of(block.trim().split("\\s+")));
  }

  private static final String SECRET = "wJalrXUtnFEMI-K7MDENG";
  private static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";

  private static List<String> secretArgs() {
    return List.of(
        "etl",
        "--master",
        "spark://127.0.0.1:7077",
        "--set",
        "input.path=/in",
        "--set",
        "target.column=y",
        "--set",
        "target.task=regression",
        "--set",
        "output.dir=/out",
        "--set",
        "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=" + SECRET,
        "--set=spark.conf.\"spark.hadoop.fs.s3a.access.key\"=" + ACCESS,
        "--set",
        "spark.conf.\"spark.executor.cores\"=2");
  }

  private static DlpipeConfig secretCfg() {
    return cfg(
        "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=" + SECRET,
        "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=" + ACCESS,
        "spark.conf.\"spark.executor.cores\"=2");
  }

  @Test
  void secretsStayOffTheCommandLine() {
    SparkSubmitPlan plan =
        SparkSubmitPlan.of(
            List.of("spark-submit"),
            "spark://127.0.0.1:7077",
            "client",
            "/app.jar",
            null,
            secretArgs(),
            secretCfg());
    assertEquals(
        Map.of("spark.hadoop.fs.s3a.secret.key", SECRET, "spark.hadoop.fs.s3a.access.key", ACCESS),
        plan.secretConf());
    assertEquals(
        List.of(
            "etl",
            "--set",
            "input.path=/in",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=/out",
            "--set",
            "spark.conf.\"spark.executor.cores\"=2"),
        plan.appArgs());
    List<String> cmd = plan.command(Path.of("/tmp/p.properties"));
    String line = String.join(" ", cmd);
    assertFalse(line.contains(SECRET) || line.contains(ACCESS), line);
    assertEquals(
        List.of(
            "spark-submit",
            "--master",
            "spark://127.0.0.1:7077",
            "--deploy-mode",
            "client",
            "--class",
            SparkSubmitPlan.MAIN_CLASS,
            "--properties-file",
            "/tmp/p.properties"),
        cmd.subList(0, 9));
    assertTrue(line.contains("--conf spark.executor.cores=2"), line);
    assertFalse(plan.toString().contains(SECRET), plan.toString());
    assertThrows(IllegalStateException.class, plan::command);
  }

  @Test
  void aSecretThatOnlyTheCommandLineCouldCarryIsRefused() {
    List<String> args = List.of("etl", "--set", "input.options.password=pw-778899");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> SparkSubmitPlan.withoutSecretSets(args, io.dlpipe.config.SecretMasker.builtIn()));
    assertEquals(
        "--set input.options.password=**** holds a secret (by its key name or its value: URL credentials, a password parameter), which the hand-off to spark-submit would put on its command line, where ps shows it; "
            + "put it in the --conf file (or use ${?ENV} substitution there)",
        e.getMessage());
  }

  /**
   * Issue 19: a credential inside a value (an s3a:// URL's keys, a JDBC password parameter) stays
   * off the command line as well.
   */
  @Test
  void credentialsInsideValuesStayOffTheCommandLineAndTheDryRun() throws Exception {
    List<String> args =
        List.of(
            "etl",
            "--set",
            "input.path=s3a://AKIAPLANT77:PlantS3aSecret77@bucket/raw.csv",
            "--set",
            "target.column=y");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> SparkSubmitPlan.withoutSecretSets(args, io.dlpipe.config.SecretMasker.builtIn()));
    assertEquals(
        "--set input.path=**** holds a secret (by its key name or its value: URL credentials, a password parameter), which the hand-off to "
            + "spark-submit would put on its command line, where ps shows it; put it in the --conf file (or use ${?ENV} substitution there)",
        e.getMessage());

    String jdbc = "jdbc:mysql://db/metastore?user=hive&password=PlantJdbc88";
    DlpipeConfig c =
        cfg("spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionURL\"=\"" + jdbc + "\"");
    List<String> original =
        List.of(
            "etl",
            "--set",
            "spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionURL\"=\"" + jdbc + "\"");
    SparkSubmitPlan plan =
        SparkSubmitPlan.of(
            List.of("spark-submit"),
            "spark://127.0.0.1:7077",
            "client",
            "/app.jar",
            null,
            original,
            c);
    assertEquals(
        Map.of("spark.hadoop.javax.jdo.option.ConnectionURL", jdbc),
        plan.secretConf(),
        "a secret by its value goes into the properties file");
    assertEquals(List.of("etl"), plan.appArgs());
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    try {
      System.setOut(
          new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(0, SparkSubmitter.run(plan, Map.of("DLPIPE_SUBMIT_DRY_RUN", "1")));
    } finally {
      System.setOut(old);
    }
    String dryRun = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(dryRun.contains("--properties-file"), dryRun);
    assertFalse(dryRun.contains("PlantJdbc88") || dryRun.contains("password="), dryRun);
  }

  @TempDir Path tmp;

  @Test
  void thePropertiesFileIsPrivateCarriesSparkDefaultsAndIsDeletedAfterSubmission()
      throws Exception {
    // A stand-in spark-submit that records what a real one would see: its arguments, and the
    // properties file's mode and content while it runs.
    Path record = tmp.resolve("record.txt");
    Path script = tmp.resolve("spark-submit");
    Files.writeString(
        script,
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  echo \"ARG $1\" >> '"
            + record
            + "'\n"
            + "  if [ \"$1\" = --properties-file ]; then stat -c 'MODE %a' \"$2\" >> '"
            + record
            + "'; grep -v '^#' \"$2\" | sort >> '"
            + record
            + "'; fi\n"
            + "  shift\ndone\nexit 7\n");
    script.toFile().setExecutable(true);
    Path confDir = Files.createDirectories(tmp.resolve("conf"));
    Files.writeString(confDir.resolve("spark-defaults.conf"), "spark.eventLog.enabled  true\n");
    SparkSubmitPlan plan =
        SparkSubmitPlan.of(
            List.of(script.toString()),
            "spark://127.0.0.1:7077",
            "client",
            "/app.jar",
            null,
            secretArgs(),
            secretCfg());

    assertEquals(
        7,
        SparkSubmitter.run(plan, Map.of("SPARK_CONF_DIR", confDir.toString())),
        "spark-submit's exit code is returned");

    List<String> lines = Files.readAllLines(record);
    int at = lines.indexOf("ARG --properties-file");
    assertEquals("MODE 600", lines.get(at + 1));
    assertEquals(
        List.of(
            "spark.eventLog.enabled=true",
            "spark.hadoop.fs.s3a.access.key=" + ACCESS,
            "spark.hadoop.fs.s3a.secret.key=" + SECRET),
        lines.subList(at + 2, at + 5));
    Path file = Path.of(lines.get(at + 5).substring("ARG ".length()));
    assertEquals("ARG --conf", lines.get(at + 6));
    List<String> args = lines.stream().filter(l -> l.startsWith("ARG ")).toList();
    assertFalse(
        String.join(" ", args).contains(SECRET) || String.join(" ", args).contains(ACCESS),
        args.toString());
    assertFalse(Files.exists(file), file + " is deleted after submission");
  }

  /**
   * Issue 20: a cluster-mode driver runs in a container without this shell's environment, so the
   * config's ${?ENV} substitutions are resolved here and the resolved copy is shipped under the
   * file's own name, from a private folder that is deleted when spark-submit exits.
   */
  @Test
  void clusterModeShipsTheConfigResolvedHereInAPrivateFolderDeletedAfterSubmission()
      throws Exception {
    Path job =
        Files.writeString(
            tmp.resolve("job.conf"),
            "input.path = /in\ntarget { column = y, task = regression }\n"
                + "output.dir = /out\noutput.dir = ${?HOME}\"/ws\"\nspark.conf.\"spark.hadoop.fs.s3a.secret.key\" = "
                + SECRET
                + "\n");
    List<String> sets = List.of("train.epochs=3");
    DlpipeConfig c = ConfigLoader.load(job, sets);
    String home = System.getenv("HOME");
    assertEquals(home + "/ws", c.output().dir());
    Path record = tmp.resolve("record.txt");
    Path script = tmp.resolve("spark-submit");
    Files.writeString(
        script,
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  echo \"ARG $1\" >> '"
            + record
            + "'\n"
            + "  if [ \"$1\" = --files ]; then stat -c 'DIR %a' \"$(dirname \"$2\")\" >> '"
            + record
            + "'; stat -c 'MODE %a' \"$2\" >> '"
            + record
            + "';"
            + " grep -c '^output.dir' \"$2\" >> '"
            + record
            + "'; cp \"$2\" '"
            + tmp.resolve("shipped.conf")
            + "'; fi\n  shift\ndone\nexit 0\n");
    script.toFile().setExecutable(true);
    List<String> original =
        List.of("run", "--conf", job.toString(), "--master", "yarn", "--set", "train.epochs=3");
    SparkSubmitPlan plan =
        SparkSubmitPlan.of(
            List.of(script.toString()), "yarn", "cluster", "/app.jar", job, original, c);
    assertEquals(List.of("run", "--conf", "job.conf", "--set", "train.epochs=3"), plan.appArgs());

    assertEquals(0, SparkSubmitter.run(plan, Map.of()));

    List<String> lines = Files.readAllLines(record);
    int at = lines.indexOf("ARG --files");
    assertEquals(
        List.of("DIR 700", "MODE 600", "0"),
        lines.subList(at + 1, at + 4),
        "a private folder, a private file, HOCON's nested form");
    Path shipped = Path.of(lines.get(at + 4).substring("ARG ".length()));
    assertEquals("job.conf", shipped.getFileName().toString());
    assertFalse(
        Files.exists(shipped) || Files.exists(shipped.getParent()),
        shipped + " and its folder are deleted after submission");
    assertFalse(String.join(" ", lines).contains(SECRET), "the secret is in the shipped file only");
    // What the driver loads: the file as resolved here, with the same --set again, is the same
    // configuration.
    Path copy = tmp.resolve("shipped.conf");
    assertTrue(Files.readString(copy).contains(home + "/ws"), Files.readString(copy));
    assertEquals(c.resolved(), ConfigLoader.load(copy, sets).resolved());

    SparkSubmitPlan client =
        SparkSubmitPlan.of(
            List.of(script.toString()), "yarn", "client", "/app.jar", job, original, c);
    assertEquals(
        null,
        client.resolvedConf(),
        "a client-mode driver reads the file in this environment itself");
  }

  /** The JVM options that cap ND4J at {@code nd4jMb} in a process of {@code processMb}. */
  private static String caps(int nd4jMb, int processMb) {
    return "-Dorg.bytedeco.javacpp.maxbytes="
        + nd4jMb
        + "m -Dorg.bytedeco.javacpp.maxphysicalbytes="
        + processMb
        + "m";
  }

  /**
   * Issue 20: DLPIPE_DRIVER_MEMORY sizes a driver that spark-submit starts, as spark.driver.memory;
   * the config's own setting wins. In cluster mode the driver's container also budgets ND4J's
   * arrays: as much as the heap, beside the JVM's 384 MiB.
   */
  @Test
  void theLaunchersDriverMemoryBecomesSparkDriverMemory() {
    assertEquals(
        Map.of(
            "spark.driver.memory", "1280m",
            "spark.driver.memoryOverhead", "1664m",
            "spark.driver.extraJavaOptions", caps(1280, 2944)),
        SparkSubmitter.launcherSettings(
            Map.of(), "cluster", Map.of("DLPIPE_DRIVER_MEMORY", "1280m")));
    assertEquals(
        Map.of(
            "spark.driver.memoryOverhead",
            "1408m",
            "spark.driver.extraJavaOptions",
            caps(1024, 2432)),
        SparkSubmitter.launcherSettings(Map.of(), "cluster", Map.of()),
        "cluster mode: the cluster's spark-defaults.conf decides the heap (here none: Spark's 1g)");
    assertEquals(
        Map.of("spark.driver.memory", "4g"),
        SparkSubmitter.launcherSettings(Map.of(), "client", Map.of()),
        "client mode: the launcher's default, and the launcher's JVM holds ND4J");
    assertEquals(
        Map.of(
            "spark.driver.memoryOverhead",
            "2432m",
            "spark.driver.extraJavaOptions",
            caps(2048, 4480)),
        SparkSubmitter.launcherSettings(
            Map.of("spark.driver.memory", "2g"),
            "cluster",
            Map.of("DLPIPE_DRIVER_MEMORY", "1280m")));
    assertEquals(
        "2g",
        SparkSubmitter.submittedConf(
                Map.of("spark.driver.memory", "2g"),
                "cluster",
                Map.of("DLPIPE_DRIVER_MEMORY", "1280m"))
            .get("spark.driver.memory"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SparkSubmitter.launcherSettings(
                    Map.of(), "cluster", Map.of("DLPIPE_DRIVER_MEMORY", "lots")));
    assertEquals(
        "DLPIPE_DRIVER_MEMORY: expected a size such as 4g or 1536m, found 'lots'", e.getMessage());
  }

  /**
   * Issue 20: a cluster-mode driver's ND4J cap is what the user's spark.driver.memoryOverhead holds
   * beyond the JVM's 384 MiB (none left: no cap); a heap from spark-defaults.conf is budgeted too.
   */
  @Test
  void theClusterDriversNd4jOffHeapIsBudgetedInItsMemoryOverhead() throws Exception {
    assertEquals(
        Map.of("spark.driver.memory", "1280m", "spark.driver.extraJavaOptions", caps(256, 1920)),
        SparkSubmitter.launcherSettings(
            Map.of("spark.driver.memoryOverhead", "640m"),
            "cluster",
            Map.of("DLPIPE_DRIVER_MEMORY", "1280m")),
        "yarn.conf's overhead: 256 MiB of ND4J arrays beside the JVM's 384");
    assertEquals(
        Map.of("spark.driver.memory", "1280m"),
        SparkSubmitter.launcherSettings(
            Map.of("spark.driver.memoryOverhead", "384m"),
            "cluster",
            Map.of("DLPIPE_DRIVER_MEMORY", "1280m")));
    Path conf = Files.createDirectories(tmp.resolve("spark-conf"));
    Files.writeString(
        conf.resolve("spark-defaults.conf"),
        "spark.yarn.jars local:/opt/spark/jars/*\nspark.driver.memory   3g\n");
    assertEquals(
        Map.of(
            "spark.driver.memoryOverhead",
            "3456m",
            "spark.driver.extraJavaOptions",
            caps(3072, 6528)),
        SparkSubmitter.launcherSettings(
            Map.of(), "cluster", Map.of("SPARK_CONF_DIR", conf.toString())));
  }

  /**
   * Issue 20: DLPIPE_JAVA_OPTS reaches the driver wherever it runs: as
   * spark.driver.extraJavaOptions (before the config's own, which win), and on the command line of
   * the JVM that is the client-mode driver when dlpipe runs SparkSubmit itself.
   */
  @Test
  void theLaunchersJavaOptionsReachTheDriver() throws Exception {
    Map<String, String> env =
        Map.of("DLPIPE_JAVA_OPTS", " -Dsun.net.inetaddr.ttl=30  -XX:+UseG1GC ");
    assertEquals(
        Map.of(
            "spark.driver.memory",
            "4g",
            "spark.driver.extraJavaOptions",
            "-Dsun.net.inetaddr.ttl=30  -XX:+UseG1GC -XX:MaxGCPauseMillis=100"),
        SparkSubmitter.launcherSettings(
            Map.of("spark.driver.extraJavaOptions", "-XX:MaxGCPauseMillis=100"), "client", env));
    assertEquals(
        caps(1024, 2432) + " -Dsun.net.inetaddr.ttl=30  -XX:+UseG1GC",
        SparkSubmitter.launcherSettings(Map.of(), "cluster", env)
            .get("spark.driver.extraJavaOptions"));
    Files.createDirectories(tmp.resolve("home/target/spark-home/jars"));
    List<String> java = SparkSubmitter.sparkSubmit(env, tmp.resolve("home").toString());
    int main = java.indexOf("org.apache.spark.deploy.SparkSubmit");
    assertEquals(
        List.of("-Dsun.net.inetaddr.ttl=30", "-XX:+UseG1GC"),
        java.subList(java.indexOf("-cp") - 2, java.indexOf("-cp")));
    assertTrue(main > java.indexOf("-XX:+UseG1GC"), java.toString());
  }

  /**
   * Issue 20: the PII salt reaches a YARN or Kubernetes cluster-mode driver as a secret setting,
   * never the command line.
   */
  @Test
  void thePiiSaltTravelsInTheSecretSettingsToAYarnOrKubernetesClusterDriver() {
    String salt = "a-salt-of-twenty-chars";
    DlpipeConfig c =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=/in",
                "target.column=y",
                "target.task=regression",
                "output.dir=/out",
                "privacy.hash-columns=[email]"),
            Map.of("DLPIPE_PII_SALT", salt));
    SparkSubmitPlan cluster =
        SparkSubmitPlan.of(
            List.of("spark-submit"), "yarn", "cluster", "/app.jar", null, List.of("etl"), c);
    assertEquals(Map.of(SparkSubmitPlan.PII_SALT_CONF, salt), cluster.secretConf());
    assertFalse(String.join(" ", cluster.command(Path.of("/tmp/p.properties"))).contains(salt));
    assertEquals(
        Map.of(),
        SparkSubmitPlan.of(
                List.of("spark-submit"), "yarn", "client", "/app.jar", null, List.of("etl"), c)
            .secretConf(),
        "a client-mode driver has the environment");
    SparkSubmitPlan kubernetes =
        SparkSubmitPlan.of(
            List.of("spark-submit"),
            "k8s://https://10.0.0.1:6443",
            "cluster",
            "local:///opt/dlpipe/dlpipe-spark.jar",
            null,
            List.of("etl"),
            c);
    assertEquals(Map.of(SparkSubmitPlan.PII_SALT_CONF, salt), kubernetes.secretConf());
    assertFalse(String.join(" ", kubernetes.command(Path.of("/tmp/p.properties"))).contains(salt));
    assertEquals(
        Map.of(),
        SparkSubmitPlan.of(
                List.of("spark-submit"),
                "spark://10.0.0.1:7077",
                "cluster",
                "/app.jar",
                null,
                List.of("etl"),
                c)
            .secretConf(),
        "a standalone master would put it on the driver's command line; its client hands the"
            + " driver the submitting environment instead");
  }

  @Test
  void s3aJarsAreShippedOnlyWhenTheSubmittingSparkLacksThem() throws Exception {
    Path sparkHome = tmp.resolve("spark");
    Files.createDirectories(sparkHome.resolve("bin"));
    Files.createDirectories(sparkHome.resolve("jars"));
    Path submit = Files.writeString(sparkHome.resolve("bin/spark-submit"), "#!/bin/sh\n");
    submit.toFile().setExecutable(true);
    Path home = tmp.resolve("dlpipe");
    Path built = Files.createDirectories(home.resolve("target/spark-home/jars"));
    Files.writeString(built.resolve("hadoop-aws-3.3.4.jar"), "");
    Files.writeString(built.resolve("aws-java-sdk-bundle-1.12.262.jar"), "");
    Files.writeString(built.resolve("spark-core_2.12-3.5.9.jar"), "");
    Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString());

    assertEquals(
        List.of(),
        SparkSubmitter.s3aJars(env, home.toString(), cfg(), List.of("etl")),
        "no s3a:// path");
    assertEquals(
        List.of(
            built.resolve("hadoop-aws-3.3.4.jar").toString(),
            built.resolve("aws-java-sdk-bundle-1.12.262.jar").toString()),
        SparkSubmitter.s3aJars(env, home.toString(), cfg("output.dir=s3a://b/ws"), List.of("etl")));
    assertEquals(
        List.of(),
        SparkSubmitter.s3aJars(
            Map.of(), home.toString(), cfg("output.dir=s3a://b/ws"), List.of("etl")),
        "the fallback submits on target/spark-home/jars, which has them");
    Files.writeString(sparkHome.resolve("jars/hadoop-aws-3.3.6.jar"), "");
    assertEquals(
        List.of(),
        SparkSubmitter.s3aJars(env, home.toString(), cfg("output.dir=s3a://b/ws"), List.of("etl")),
        "the cluster's Spark has S3A");
  }

  /**
   * Issue 19: a real dlpipe JVM hands off to a stand-in spark-submit (a shell that starts a
   * grandchild and waits, as spark-submit waits for its driver) and gets a real SIGTERM, then in a
   * second run a real SIGINT: both the child and the grandchild stop, and the properties file with
   * the secret is gone.
   */
  @Test
  void sigtermOrSigintDuringTheHandOffStopsSparkSubmitAndDeletesThePropertiesFile()
      throws Exception {
    for (String signal : List.of("TERM", "INT")) {
      Path dir = Files.createDirectories(tmp.resolve(signal));
      Path sparkHome = Files.createDirectories(dir.resolve("spark/bin")).getParent();
      Path record = dir.resolve("record.txt");
      Path script = sparkHome.resolve("bin/spark-submit");
      Files.writeString(
          script,
          "#!/bin/sh\nprops=''\nwhile [ $# -gt 0 ]; do [ \"$1\" = --properties-file ] && props=\"$2\"; shift; done\n"
              + "sleep 600 &\necho \"$$ $! $props\" > '"
              + record
              + ".tmp'\nmv '"
              + record
              + ".tmp' '"
              + record
              + "'\nwait\n");
      script.toFile().setExecutable(true);
      Path jar = Files.writeString(dir.resolve("app.jar"), "stand-in");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  io.dlpipe.cli.Main.class.getName(),
                  "etl",
                  "--master",
                  "spark://127.0.0.1:7077"));
      for (String set :
          List.of(
              "input.path=/in",
              "target.column=y",
              "target.task=regression",
              "output.dir=" + dir.resolve("ws"),
              "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=" + SECRET)) {
        cmd.addAll(List.of("--set", set));
      }
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("dlpipe.log").toFile());
      pb.environment().remove("DLPIPE_NO_SUBMIT");
      pb.environment().remove("DLPIPE_SUBMIT_DRY_RUN");
      pb.environment().put("SPARK_HOME", sparkHome.toString());
      pb.environment().put("DLPIPE_APP_JAR", jar.toString());
      Process dlpipe = pb.start();
      try {
        while (!Files.exists(record)) {
          assertTrue(
              dlpipe.isAlive(),
              "dlpipe ended before spark-submit started: "
                  + Files.readString(dir.resolve("dlpipe.log")));
          Thread.sleep(100);
        }
        String[] started = Files.readString(record).strip().split(" ");
        long child = Long.parseLong(started[0]);
        long grandchild = Long.parseLong(started[1]);
        Path properties = Path.of(started[2]);
        assertTrue(Files.exists(properties), "the properties file exists while spark-submit runs");
        assertEquals(child, dlpipe.children().findFirst().orElseThrow().pid());

        assertEquals(
            0,
            new ProcessBuilder("kill", "-" + signal, Long.toString(dlpipe.pid()))
                .start()
                .waitFor());
        // Bounded: a shell that starts the suite in the background without job control makes its
        // children ignore SIGINT, and the JVM keeps an ignored signal ignored.
        assertTrue(
            dlpipe.waitFor(120, java.util.concurrent.TimeUnit.SECONDS),
            "dlpipe still runs 120 s after SIG"
                + signal
                + " (was the suite started with the signal ignored?)");
        int code = dlpipe.exitValue();
        assertEquals(
            signal.equals("TERM") ? 143 : 130,
            code,
            "killed by the signal: " + Files.readString(dir.resolve("dlpipe.log")));
        for (long pid : new long[] {child, grandchild}) {
          ProcessHandle h = ProcessHandle.of(pid).orElse(null);
          if (h != null) {
            try {
              h.onExit()
                  .get(
                      60,
                      java.util.concurrent.TimeUnit
                          .SECONDS); // dlpipe's hook destroyed it; only the reaping may lag
            } catch (java.util.concurrent.TimeoutException e) {
              // still running: asserted below
            }
            assertFalse(h.isAlive(), "process " + pid + " was left running after SIG" + signal);
          }
        }
        assertFalse(Files.exists(properties), properties + " is deleted on SIG" + signal);
        assertTrue(
            Files.readString(dir.resolve("dlpipe.log"))
                .contains("Stopping spark-submit (pid " + child + "): dlpipe was asked to stop"),
            Files.readString(dir.resolve("dlpipe.log")));
      } finally {
        dlpipe.descendants().forEach(ProcessHandle::destroyForcibly);
        dlpipe.destroyForcibly();
      }
    }
  }
}
