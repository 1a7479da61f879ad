package io.dlpipe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.io.Json;
import io.dlpipe.testing.LogFollower;
import io.dlpipe.testing.MiniYarn;
import io.dlpipe.testing.Processes;
import io.dlpipe.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dlpipe on a real YARN, as a user runs it: {@code jobs/dlpipe ... --master yarn} with {@code
 * HADOOP_CONF_DIR} naming the cluster's client configuration and conf/examples/yarn.conf (the
 * deploy/yarn recipe's config), input and workspace on HDFS, against one MiniYARNCluster (a
 * ResourceManager, two NodeManagers whose containers are real JVMs) shared by every test.
 */
class YarnClusterIT {
  private static final Path ROOT = TestData.projectDir();
  private static final Path STATE = ROOT.resolve("target/yarn-it");
  private static final String CONF = "conf/examples/yarn.conf";

  /** Rows of data/credit_data.csv; none is bad. */
  private static final long CREDIT_ROWS = 4454;

  /**
   * The network must beat chance clearly after two epochs on credit (a linear model reaches about
   * 0.82).
   */
  private static final double AUC_FLOOR = 0.75;

  private static MiniYarn cluster;
  private static YarnClient yarn;

  @BeforeAll
  static void startCluster() throws Exception {
    deleteRecursively(STATE);
    cluster = MiniYarn.start(STATE);
    yarn = YarnClient.createYarnClient();
    yarn.init(cluster.config());
    yarn.start();
    // The administrator's spark-defaults.conf: Spark is installed on every node (here: the one
    // the build made), so containers take its jars from there and no submission uploads them.
    Path sparkConf = Files.createDirectories(STATE.resolve("spark-conf"));
    Files.writeString(
        sparkConf.resolve("spark-defaults.conf"),
        "spark.yarn.jars local:" + ROOT.resolve("target/spark-home/jars") + "/*\n");
    FileSystem fs = cluster.fileSystem();
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(TestData.credit().toUri()),
        new org.apache.hadoop.fs.Path("/data/credit/raw/credit_data.csv"));
  }

  @AfterAll
  static void stopCluster() {
    if (yarn != null) {
      yarn.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Map<String, String> env(String deployMode) {
    Map<String, String> env = new HashMap<>();
    env.put("HADOOP_CONF_DIR", cluster.confDir().toString());
    env.put("DLPIPE_NO_BUILD", "1");
    env.put("DLPIPE_DRIVER_MEMORY", "1g");
    env.put("DLPIPE_DEPLOY_MODE", deployMode);
    env.put("SPARK_CONF_DIR", STATE.resolve("spark-conf").toString());
    // dlpipe installed on every node too: the 150 MiB application jar is not uploaded per
    // submission.
    env.put("DLPIPE_APP_JAR", "local:" + ROOT.resolve("target/dlpipe-spark.jar"));
    return env;
  }

  /**
   * Runs {@code jobs/dlpipe args} with its output kept in {@link #log}({@code name}) for
   * inspection: failure messages name that file rather than holding the whole log.
   */
  private static Processes.Result dlpipe(String name, Map<String, String> env, List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jobs/dlpipe"));
    cmd.addAll(args);
    Processes.Result r = Processes.run(ROOT, env, 900, cmd, log(name));
    System.err.println(
        "YarnClusterIT: "
            + String.join(" ", args)
            + " -> "
            + r.code()
            + " (log: "
            + log(name)
            + ")");
    return r;
  }

  /** Where {@link #dlpipe} keeps the output of the command called {@code name}. */
  private static Path log(String name) {
    return STATE.resolve("logs").resolve(name + ".log");
  }

  /** Fails, when {@code ok} is false, with {@code what} went wrong and the command's log file. */
  private static void check(boolean ok, String name, String what) {
    assertTrue(ok, () -> what + " (log: " + log(name) + ")");
  }

  /** The command's output holds {@code text}; else a one-line message quoting its first line. */
  private static void checkContains(Processes.Result r, String name, String text) {
    check(
        r.output().contains(text),
        name,
        "the output lacks: " + text.strip().lines().findFirst().orElse(""));
  }

  /** The command's exit code is {@code expected}, or a one-line message with its last error. */
  private static void checkExit(int expected, Processes.Result r, String name) {
    check(
        r.code() == expected,
        name,
        "exit code " + r.code() + ", expected " + expected + "; last error: " + lastError(r));
  }

  /** The last line of a command's output that says what went wrong (dlpipe's or an ERROR). */
  private static String lastError(Processes.Result r) {
    List<String> lines = r.output().lines().toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("dlpipe: ") || lines.get(i).contains(" ERROR ")) {
        return lines.get(i);
      }
    }
    return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
  }

  private static String read(String hdfsPath) throws IOException {
    try (InputStream in = cluster.fileSystem().open(new org.apache.hadoop.fs.Path(hdfsPath))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The application ids a command's log names, in order. */
  private static List<String> applicationIds(String output) {
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("application_\\d+_\\d+").matcher(output);
    while (m.find()) {
      if (!ids.contains(m.group())) {
        ids.add(m.group());
      }
    }
    return ids;
  }

  private static ApplicationReport report(String applicationId) throws Exception {
    return yarn.getApplicationReport(ApplicationId.fromString(applicationId));
  }

  /** The containers YARN ran for an application, by the NodeManagers' log folders. */
  private static List<Path> containers(String applicationId) throws IOException {
    try (Stream<Path> s = Files.walk(ROOT.resolve("target/test/data/dlpipe-yarn-it"), 4)) {
      return s.filter(
              p ->
                  p.getFileName().toString().startsWith("container_")
                      && p.getParent().getFileName().toString().equals(applicationId))
          .sorted()
          .toList();
    }
  }

  /**
   * A credential the secret policy masks (an S3A secret key); it must reach neither a command line
   * nor a container's environment.
   */
  private static final String SECRET = "yarnItSecret9f31c7";

  @Test
  void clientModeRunsEtlTrainEvaluatePredictOnYarn() throws Exception {
    endToEnd("client");
  }

  @Test
  void clusterModeRunsEtlTrainEvaluatePredictOnYarn() throws Exception {
    endToEnd("cluster");
  }

  /**
   * The cluster-mode driver's heap, given as the launcher's DLPIPE_DRIVER_MEMORY (Spark's default
   * is 1g).
   */
  private static final int CLUSTER_DRIVER_MB = 1280;

  private void endToEnd(String deployMode) throws Exception {
    String ws = "/dlpipe/credit-" + deployMode;
    String name = deployMode + "-run";
    Map<String, String> env = env(deployMode);
    // yarn.conf's output.dir = ${?DLPIPE_OUTPUT}: in cluster mode the driver runs in the
    // application master, whose environment is not the launcher's; the launcher resolves the
    // config and ships that.
    env.put("DLPIPE_OUTPUT", "hdfs://" + ws);
    boolean cluster = deployMode.equals("cluster");
    if (cluster) {
      // The driver's heap, from the launcher's setting: the application master's container runs the
      // driver.
      env.put("DLPIPE_DRIVER_MEMORY", CLUSTER_DRIVER_MB + "m");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--conf",
                CONF,
                "--master",
                "yarn",
                // What YARN changes is tested, not evaluate's extras: no baseline ladder, no
                // importance.
                "--set",
                "train.epochs=2",
                "--set",
                "evaluate.baseline=false",
                "--set",
                "evaluate.importance.enabled=false",
                // Two workers, one per executor: on data this small the automatic choice is one.
                "--set",
                "train.workers=2",
                // The epoch's shape is set here, not left to the automatic width rules (which
                // change with what the scale-out suite measures): minibatches of 32 rows, so the
                // export's size is known exactly, and an averaging round every 4 of them, 14
                // rounds an epoch, so that a killed executor lands among the rounds.
                "--set",
                "train.batch-size-per-worker=" + BATCH_ROWS,
                "--set",
                "train.averaging-frequency=4",
                "--set",
                "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=" + SECRET));
    if (cluster) {
      // GPU containers: one yarn.io/gpu per executor, and each NodeManager has one, so YARN must
      // place the two executors on different nodes; the discovery script names the address.
      args.addAll(
          List.of(
              "--set",
              "spark.conf.\"spark.executor.resource.gpu.amount\"=1",
              "--set",
              "spark.conf.\"spark.task.resource.gpu.amount\"=1",
              "--set",
              "spark.conf.\"spark.executor.resource.gpu.discoveryScript\"="
                  + ROOT.resolve("src/test/resources/fake-gpu-discovery.sh")));
    } else {
      // Executors that come and go: dynamic allocation (Spark 3.5 tracks shuffle files itself, no
      // shuffle service), at most the two executors this small cluster holds beside the others'
      // runs.
      args.addAll(
          List.of(
              "--set",
              "spark.conf.\"spark.dynamicAllocation.enabled\"=true",
              "--set",
              "spark.conf.\"spark.dynamicAllocation.maxExecutors\"=2"));
    }
    // In client mode one executor's container is killed (SIGKILL, as when its node is lost) as
    // the averaging rounds begin, under dynamic allocation: Spark reruns the lost tasks on the
    // executor left or on a new container, and the run ends with every row trained.
    AtomicReference<String> killed = new AtomicReference<>();
    Files.deleteIfExists(log(name));
    Thread killer = cluster ? null : killAnExecutorWhenTheRoundsBegin(log(name), killed);
    Processes.Result run = dlpipe(name, env, args);
    if (killer != null) {
      killer.interrupt();
      killer.join(10_000);
    }
    String out = run.output();
    checkExit(0, run, name);
    check(!out.contains(SECRET), name, "the secret is in the run's output");
    check(
        out.contains("Submitting to yarn (" + deployMode + " mode)"),
        name,
        "no 'Submitting to yarn (" + deployMode + " mode)' line");
    // The workspace is where the environment variable put it, not yarn.conf's default.
    assertTrue(
        !YarnClusterIT.cluster.fileSystem().exists(new org.apache.hadoop.fs.Path("/dlpipe/credit")),
        "a run wrote to yarn.conf's default output.dir");
    JsonNode summary = Json.MAPPER.readTree(read(ws + "/run-summary.json"));
    assertEquals("succeeded", summary.get("status").asText());
    List<String> stages = new ArrayList<>();
    summary
        .get("stages")
        .forEach(s -> stages.add(s.get("stage").asText() + ":" + s.get("status").asText()));
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), stages);
    JsonNode etl = Json.MAPPER.readTree(read(ws + "/prepared/etl-summary.json"));
    assertEquals(CREDIT_ROWS, etl.get("rows_read").asLong(), etl.toString());
    JsonNode metrics = Json.MAPPER.readTree(read(ws + "/evaluation/metrics.json"));
    double auc = metrics.get("model.auc").asDouble();
    assertTrue(auc > AUC_FLOOR, "model.auc " + auc + " after two epochs");

    List<String> apps = applicationIds(out);
    assertEquals(1, apps.size(), "applications named in the log: " + apps);
    ApplicationReport app = report(apps.get(0));
    assertEquals("dlpipe-credit", app.getName());
    assertEquals("nightly", app.getQueue());
    // The config's tags; in cluster mode also the one by which the launcher finds the application
    // again.
    assertEquals(
        java.util.Set.of("dlpipe", "credit"),
        app.getApplicationTags().stream()
            .filter(t -> !t.startsWith("dlpipe-submission-"))
            .collect(java.util.stream.Collectors.toSet()));
    assertEquals(
        deployMode.equals("cluster") ? 3 : 2,
        app.getApplicationTags().size(),
        app.getApplicationTags().toString());
    assertEquals(
        org.apache.hadoop.yarn.api.records.FinalApplicationStatus.SUCCEEDED,
        app.getFinalApplicationStatus());
    List<Path> containers = containers(apps.get(0));
    if (cluster) {
      // The application master and two executors, each in its own container, the executors on
      // different nodes (one GPU each).
      assertEquals(3, containers.size(), containers.toString());
      List<Path> executors =
          containers.stream().filter(c -> !c.getFileName().toString().endsWith("_000001")).toList();
      assertEquals(
          2,
          executors.stream().map(c -> c.getParent().getParent()).distinct().count(),
          executors.toString());
      for (Path e : executors) {
        assertEquals(java.util.Set.of("0"), boundGpus(e.resolve("stderr")), e.toString());
      }
      // The driver's container: DLPIPE_DRIVER_MEMORY became spark.driver.memory, the heap Spark
      // gives the driver's JVM.
      Path amContainer =
          containers.stream()
              .filter(c -> c.getFileName().toString().endsWith("_000001"))
              .findFirst()
              .orElseThrow();
      String am = Files.readString(amContainer.resolve("launch_container.sh"));
      assertTrue(
          am.contains("org.apache.spark.deploy.yarn.ApplicationMaster"), amContainer.toString());
      assertTrue(
          am.contains(" -Xmx" + CLUSTER_DRIVER_MB + "m "),
          amContainer + "/launch_container.sh has no -Xmx" + CLUSTER_DRIVER_MB + "m");
      // Its ND4J caps: yarn.conf's spark.driver.memoryOverhead of 640 MiB holds 256 MiB of ND4J
      // arrays beside the JVM's 384, and the whole container is 1280 + 640 MiB.
      // (YARN's launch script quotes each of spark.driver.extraJavaOptions.)
      String caps =
          " '-Dorg.bytedeco.javacpp.maxbytes=256m' '-Dorg.bytedeco.javacpp.maxphysicalbytes=1920m' ";
      assertTrue(am.contains(caps), amContainer + "/launch_container.sh has no" + caps);
    } else {
      checkTheKilledExecutorWasLostAmongTheRounds(out, name, killed.get());
      // The application master and the two executors at least (dynamic allocation starts a new
      // one only if the lost task waits long enough for the executor left).
      assertTrue(containers.size() >= 3, containers.toString());
      assertTrue(
          containers.stream().anyMatch(c -> c.getFileName().toString().equals(killed.get())),
          killed.get() + " is not among " + containers);
    }
    for (Path c : containers) {
      // launch_container.sh holds the container's whole environment and command line.
      String launch = Files.readString(c.resolve("launch_container.sh"));
      assertTrue(launch.contains("export CLASSPATH="), c.toString());
      assertTrue(!launch.contains(SECRET), c + " holds the secret");
    }

    String predictName = deployMode + "-predict";
    Processes.Result predict =
        dlpipe(
            predictName,
            env,
            List.of(
                "predict",
                "--conf",
                CONF,
                "--master",
                "yarn",
                "--input",
                "hdfs:///data/credit/raw",
                "--output",
                "hdfs://" + ws + "-scored"));
    checkExit(0, predict, predictName);
    JsonNode scored = Json.MAPPER.readTree(read(ws + "-scored/_dlpipe-predict-summary.json"));
    assertEquals(CREDIT_ROWS, scored.get("rows_scored").asLong(), scored.toString());
  }

  /** Rows per worker minibatch the end-to-end runs set (train.batch-size-per-worker). */
  private static final int BATCH_ROWS = 32;

  /**
   * The client-mode run lost the executor the test killed while it trained (after the first epoch's
   * minibatch export, before training ended), and still trained and evaluated every row: the lost
   * tasks were rerun.
   */
  private static void checkTheKilledExecutorWasLostAmongTheRounds(
      String out, String name, String container) {
    check(
        container != null,
        name,
        "no executor was killed: the driver never logged the minibatch export, or no executor"
            + " of the application was found");
    // One file per minibatch of the 3572 train rows: ceil(3572 / 32) = 112.
    String exportLine = "Exported the train split as 112 minibatch files of up to 32 rows";
    int exported = out.indexOf(exportLine);
    check(exported >= 0, name, "no '" + exportLine + "' line");
    // The driver names the container and its exit status (137: SIGKILL) when it loses the
    // executor.
    Matcher lost =
        Pattern.compile(
                "Lost executor \\d+ on [^:]+: .*" + Pattern.quote(container) + ".*Exit status: 137")
            .matcher(out);
    check(lost.find(), name, "the driver never said it lost the killed executor's " + container);
    check(
        lost.start() > exported,
        name,
        "the killed executor (" + container + ") was lost before the minibatch export ended");
    int trained = out.indexOf("TrainJob: Train done: best epoch ");
    check(
        trained > lost.start(),
        name,
        "training ended before the killed executor (" + container + ") was lost, or never did");
    check(
        out.contains("(all epochs run)"),
        name,
        "training stopped before its 2 epochs after the executor was lost");
    int epoch1 = out.indexOf("TrainJob: epoch 1/2: train_loss");
    System.err.println(
        "YarnClusterIT: "
            + container
            + " lost during epoch "
            + (epoch1 < 0 || lost.start() < epoch1 ? 1 : 2)
            + "'s averaging rounds");
    // Every row was trained and scored: the exact split and the test rows evaluated.
    String etlLine =
        "ETL done: read 4454, written 4454 (train 3572, validation 410, test 472), quarantined 0";
    check(out.contains(etlLine), name, "no '" + etlLine + "' line");
    check(
        out.contains("Evaluation on 472 test rows: auc = "),
        name,
        "no 'Evaluation on 472 test rows' line");
    // The launcher says what dynamic allocation does to the fit before submitting.
    check(
        out.contains(
            "spark.dynamicAllocation.enabled: executors may leave or join mid-epoch; the fit keeps its width, 2 worker(s) (train.workers) "
                + "per averaging round whatever the executors, and a lost executor's tasks are rerun on the others or a new one"),
        name,
        "no warning about dynamic allocation before submitting");
  }

  @Test
  void doctorReportsTheQueueAndTheLargestContainerBeforeSubmitting() throws Exception {
    // The dry run prints the submission instead of making it: what doctor says before any
    // application exists (its probe of the executors is the same as on any cluster manager).
    Map<String, String> env = env("client");
    env.put("DLPIPE_SUBMIT_DRY_RUN", "1");
    String name = "doctor";
    Processes.Result r =
        dlpipe(
            name,
            env,
            List.of(
                "doctor",
                "--conf",
                CONF,
                "--master",
                "yarn",
                "--set",
                "output.dir=hdfs:///dlpipe/doctor"));
    checkExit(0, r, name);
    check(
        Pattern.compile(
                "(?m)^OK +yarn +ResourceManager localhost:\\d+ \\(HADOOP_CONF_DIR="
                    + Pattern.quote(cluster.confDir().toString())
                    + "\\): 2 NodeManager\\(s\\) running; largest container "
                    + MiniYarn.MAX_CONTAINER_MB
                    + " MiB, 4 vcores$")
            .matcher(r.output())
            .find(),
        name,
        "no 'OK yarn ResourceManager ... largest container' line");
    checkContains(
        r,
        name,
        "\nOK    queue    queue nightly: capacity "
            + MiniYarn.NIGHTLY_PERCENT
            + "% of the cluster (at most 100%), 0% of it in use, running\n");
    checkContains(
        r,
        name,
        "\nOK    memory   executor container 1920 MiB (spark.executor.memory 1024 MiB + memoryOverhead 896 MiB, which holds ND4J's off-heap cap of 512 MiB) fits the largest container, 3072 MiB\n");
    checkContains(
        r,
        name,
        "\nOK    memory   application master container 896 MiB (spark.yarn.am.memory 512 MiB + 384 MiB overhead) fits\n");
    // 896 + 2 x 1920 MiB against 40% of 2 x 4096 MiB.
    checkContains(
        r,
        name,
        "\nWARN  queue    this run asks for 4736 MiB (application master 896 + 2 executors x 1920), more than queue nightly's guaranteed 3277 MiB of 8192 MiB; "
            + "the rest comes only from idle capacity, and not at all if the queue's user-limit-factor is 1\n");
    checkContains(
        r,
        name,
        "org.apache.spark.deploy.SparkSubmit \\\n  --master yarn \\\n  --deploy-mode client \\\n");
  }

  @Test
  void doctorRefusesAnExecutorNoContainerCanHoldBeforeSubmitting() throws Exception {
    int before = yarn.getApplications().size();
    String name = "doctor-refuses";
    Processes.Result r =
        dlpipe(
            name,
            env("client"),
            List.of(
                "doctor",
                "--conf",
                CONF,
                "--master",
                "yarn",
                "--set",
                "spark.conf.\"spark.executor.memory\"=2g",
                "--set",
                "spark.executor-offheap=2g"));
    checkExit(1, r, name);
    checkContains(
        r,
        name,
        "ERROR memory   executor container 4480 MiB (spark.executor.memory 2048 MiB + memoryOverhead 2432 MiB, which holds ND4J's off-heap cap of 2048 MiB) "
            + "exceeds the largest container YARN grants, 3072 MiB (yarn.scheduler.maximum-allocation-mb)\n"
            + "               fix: lower spark.conf.\"spark.executor.memory\" or spark.executor-offheap so that they add up to at most 3072 MiB with 384 MiB for the JVM\n");
    checkContains(r, name, "doctor: 1 problem(s) would stop the run; nothing was submitted");
    assertEquals(before, yarn.getApplications().size(), "an application was submitted");
  }

  @Test
  void aQueueTheResourceManagerLacksIsAConfigurationErrorBeforeSubmission() throws Exception {
    int before = yarn.getApplications().size();
    String name = "bad-queue";
    Processes.Result r =
        dlpipe(
            name,
            env("cluster"),
            List.of(
                "etl",
                "--conf",
                CONF,
                "--master",
                "yarn",
                "--set",
                "spark.conf.\"spark.yarn.queue\"=adhoc"));
    checkExit(2, r, name);
    check(
        r.output()
            .endsWith(
                "dlpipe: YARN would refuse this run: spark.yarn.queue: the ResourceManager has no queue 'adhoc'; set spark.conf.\"spark.yarn.queue\" to one of [default, nightly]\n"),
        name,
        "the output does not end with the refusal: " + lastError(r));
    assertEquals(before, yarn.getApplications().size(), "an application was submitted");
  }

  @Test
  void aDataErrorInsideTheApplicationMasterIsExitCode3WithItsLineAndTheApplicationId()
      throws Exception {
    // Its own workspace: the end-to-end runs check that nothing was written to yarn.conf's default.
    String name = "data-error";
    Processes.Result r =
        dlpipe(
            name,
            env("cluster"),
            List.of(
                "etl",
                "--conf",
                CONF,
                "--master",
                "yarn",
                "--set",
                "input.path=hdfs:///data/credit/missing",
                "--set",
                "output.dir=hdfs:///dlpipe/data-error"));
    checkExit(3, r, name);
    List<String> apps = applicationIds(r.output());
    assertEquals(1, apps.size(), "applications named in the log: " + apps);
    Matcher line =
        Pattern.compile(
                "(?m)^dlpipe: (.*) \\(YARN application "
                    + apps.get(0)
                    + "; its logs: yarn logs -applicationId "
                    + apps.get(0)
                    + "\\)$")
            .matcher(r.output());
    check(line.find(), name, "no 'dlpipe: ... (YARN application ...)' line; last: " + lastError(r));
    assertTrue(
        line.group(1).startsWith("Input not found: hdfs:///data/credit/missing"), line.group(1));
    ApplicationReport app = report(apps.get(0));
    assertEquals(
        org.apache.hadoop.yarn.api.records.FinalApplicationStatus.FAILED,
        app.getFinalApplicationStatus());
    // One attempt: YARN does not rerun a driver whose error would only repeat.
    assertEquals(1, app.getCurrentApplicationAttemptId().getAttemptId());
  }

  /** The GPU addresses an executor's training tasks logged ({@code io.dlpipe.train.GpuBinding}). */
  private static java.util.Set<String> boundGpus(Path executorLog) throws IOException {
    java.util.Set<String> out = new java.util.TreeSet<>();
    Matcher m = Pattern.compile("bound to GPU (\\d+)").matcher(Files.readString(executorLog));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /**
   * Kills one executor JVM of the client-mode run whose output goes to {@code log} (its container's
   * process, by pid, with SIGKILL) the moment that log says the first epoch's minibatches are
   * exported, when the averaging rounds begin; records the killed container's id in {@code killed}.
   * It acts on the driver's own lines as they are written, not after a guessed delay, and picks its
   * executor by the application's id, so no other run's is touched.
   */
  private static Thread killAnExecutorWhenTheRoundsBegin(Path log, AtomicReference<String> killed) {
    Thread t =
        new Thread(
            () -> {
              try (LogFollower driver = new LogFollower(log)) {
                String app =
                    driver
                        .await(Pattern.compile("Spark application (application_\\d+_\\d+) on yarn"))
                        .group(1);
                driver.await(Pattern.compile("Exported the train split as \\d+ minibatch files"));
                ProcessHandle executor = awaitExecutor(app);
                Matcher container =
                    Pattern.compile("container_\\d+_\\d+_\\d+_\\d+")
                        .matcher(executor.info().commandLine().orElse(""));
                if (container.find() && executor.destroyForcibly()) {
                  killed.set(container.group());
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "kill-an-executor");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * An executor JVM of YARN application {@code app}, as soon as one runs (its container's java
   * process, not the shell of the launch script). The rounds need executors, so one exists or
   * dynamic allocation is starting one; the process table has no change events to wait on, so it is
   * looked at every 100 ms.
   */
  private static ProcessHandle awaitExecutor(String app) throws InterruptedException {
    while (true) {
      java.util.Optional<ProcessHandle> executor =
          ProcessHandle.allProcesses()
              .filter(
                  p -> {
                    String cmd = p.info().commandLine().orElse("");
                    return p.info().command().orElse("").endsWith("/java")
                        && cmd.contains("YarnCoarseGrainedExecutorBackend")
                        && cmd.contains(" --app-id " + app + " ");
                  })
              .findFirst();
      if (executor.isPresent()) {
        return executor.get();
      }
      Thread.sleep(100);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
