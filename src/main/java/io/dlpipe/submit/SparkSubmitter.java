package io.dlpipe.submit;

import io.dlpipe.ConfigException;
import io.dlpipe.config.DlpipeConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a command off to spark-submit when its master names a cluster: {@code
 * $SPARK_HOME/bin/spark-submit} when a Spark distribution is installed, else {@code
 * org.apache.spark.deploy.SparkSubmit} on the Spark jars the build put in {@code
 * target/spark-home/jars} (spark-submit is only a wrapper around that class).
 */
public final class SparkSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSubmitter.class);

  private SparkSubmitter() {}

  /**
   * Whether this process should hand off: a cluster master, and not already the driver that
   * spark-submit started (which sets {@code spark.submit.deployMode}).
   */
  public static boolean shouldHandOff(String master) {
    return SparkSubmitPlan.isClusterMaster(master)
        && System.getProperty("spark.submit.deployMode") == null
        && !"1".equals(System.getenv("DLPIPE_NO_SUBMIT"));
  }

  /**
   * The plan for a command line; paths come from the launcher ({@code dlpipe.home}) and the
   * environment.
   */
  public static SparkSubmitPlan plan(
      DlpipeConfig cfg,
      String master,
      Path confFile,
      List<String> originalArgs,
      Map<String, String> env) {
    String home = System.getProperty("dlpipe.home", ".");
    String appJar =
        env.getOrDefault("DLPIPE_APP_JAR", Path.of(home, "target", "dlpipe-spark.jar").toString());
    // local:PATH is Spark's "already on every node" (YARN then uploads nothing); the path is
    // checked here too.
    if (!Files.isRegularFile(
        Path.of(appJar.startsWith("local:") ? appJar.substring("local:".length()) : appJar))) {
      throw new ConfigException(
          "Application jar not found: "
              + appJar
              + "; build it with mvn -DskipTests package (or set DLPIPE_APP_JAR)");
    }
    String deployMode = env.getOrDefault("DLPIPE_DEPLOY_MODE", "client");
    if (!deployMode.equals("client") && !deployMode.equals("cluster")) {
      throw new ConfigException(
          "DLPIPE_DEPLOY_MODE: expected client or cluster, found '" + deployMode + "'");
    }
    SparkSubmitPlan plan =
        SparkSubmitPlan.of(
            sparkSubmit(env, home), master, deployMode, appJar, confFile, originalArgs, cfg);
    Map<String, String> conf = new java.util.LinkedHashMap<>(plan.sparkConf());
    // launcherSettings already defers to the config's own settings, or joins them (java options).
    conf.putAll(launcherSettings(cfg.spark().conf(), deployMode, env));
    List<String> s3a = s3aJars(env, home, cfg, originalArgs);
    if (!s3a.isEmpty()) {
      String user = conf.getOrDefault("spark.jars", "");
      conf.put("spark.jars", (user.isEmpty() ? "" : user + ",") + String.join(",", s3a));
    }
    return new SparkSubmitPlan(
        plan.sparkSubmit(),
        master,
        deployMode,
        appJar,
        confFile,
        plan.appArgs(),
        conf,
        plan.secretConf(),
        plan.resolvedConf());
  }

  /** The environment variable that sizes the driver's heap (jobs/dlpipe's -Xmx in local runs). */
  public static final String DRIVER_MEMORY_ENV = "DLPIPE_DRIVER_MEMORY";

  /** The launcher's driver heap when {@value #DRIVER_MEMORY_ENV} is unset. */
  static final String LAUNCHER_DRIVER_MEMORY = "4g";

  /** The environment variable with extra JVM options for the driver (jobs/dlpipe's own JVM). */
  public static final String JAVA_OPTS_ENV = "DLPIPE_JAVA_OPTS";

  /**
   * The Spark settings that stand for the launcher's own ({@value #DRIVER_MEMORY_ENV}, {@value
   * #JAVA_OPTS_ENV}) and the driver's ND4J budget, for a driver that spark-submit starts elsewhere
   * (cluster mode: in a container; client mode with a Spark distribution: in a JVM bin/spark-submit
   * sizes).
   *
   * <p>{@code spark.driver.memory}: {@value #DRIVER_MEMORY_ENV}; in client mode the launcher's
   * default too, in cluster mode only a value the user set, so that the cluster's
   * spark-defaults.conf applies otherwise. The config's own spark.conf."spark.driver.memory" wins
   * over both.
   *
   * <p>{@code spark.driver.extraJavaOptions}: {@value #JAVA_OPTS_ENV}, before the config's own
   * (which thus wins where they set the same option), and in cluster mode ND4J's caps first.
   *
   * <p>{@code spark.driver.memoryOverhead}, cluster mode only: the driver's container holds ND4J's
   * arrays too (the averaged network, the block-momentum step), which Spark's default overhead (10%
   * of the heap) does not budget, so the container manager would kill it. As for an executor
   * ({@link ExecutorMemory}), ND4J is capped at its budget and the overhead holds it plus 384 MiB
   * for the JVM: the heap's size (ND4J's own default cap) unless the user set the overhead, and
   * then what it holds beyond those 384 MiB.
   */
  public static Map<String, String> launcherSettings(
      Map<String, String> userConf, String deployMode, Map<String, String> env) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    boolean cluster = deployMode.equals("cluster");
    String memory = env.get(DRIVER_MEMORY_ENV);
    if (!userConf.containsKey("spark.driver.memory") && (memory != null || !cluster)) {
      String value = memory == null ? LAUNCHER_DRIVER_MEMORY : memory.trim();
      try {
        org.apache.spark.network.util.JavaUtils.byteStringAsMb(value);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            DRIVER_MEMORY_ENV + ": expected a size such as 4g or 1536m, found '" + memory + "'", e);
      }
      out.put("spark.driver.memory", value);
    }
    String javaOpts = env.getOrDefault(JAVA_OPTS_ENV, "").trim();
    if (cluster) {
      long heapMb =
          org.apache.spark.network.util.JavaUtils.byteStringAsMb(
              userConf.getOrDefault(
                  "spark.driver.memory",
                  out.getOrDefault(
                      "spark.driver.memory",
                      sparkDefaults(env)
                          .getOrDefault(
                              "spark.driver.memory", ExecutorMemory.SPARK_DEFAULT_HEAP))));
      String userOverhead = userConf.get("spark.driver.memoryOverhead");
      long overheadMb =
          userOverhead == null
              ? heapMb + ExecutorMemory.JVM_OVERHEAD_MB
              : org.apache.spark.network.util.JavaUtils.byteStringAsMb(userOverhead);
      if (userOverhead == null) {
        out.put("spark.driver.memoryOverhead", overheadMb + "m");
      }
      // ND4J gets what the overhead holds beyond the JVM's own needs; none left: no cap, as before.
      long nd4jMb = overheadMb - ExecutorMemory.JVM_OVERHEAD_MB;
      if (nd4jMb > 0) {
        javaOpts =
            String.format(
                    java.util.Locale.ROOT,
                    "-Dorg.bytedeco.javacpp.maxbytes=%dm -Dorg.bytedeco.javacpp.maxphysicalbytes=%dm",
                    nd4jMb,
                    heapMb + overheadMb)
                + " "
                + javaOpts;
      }
    }
    String driverOpts =
        (javaOpts + " " + userConf.getOrDefault("spark.driver.extraJavaOptions", "")).trim();
    if (!driverOpts.isEmpty()) {
      out.put("spark.driver.extraJavaOptions", driverOpts);
    }
    return out;
  }

  /**
   * The settings of Spark's spark-defaults.conf that spark-submit would read ({@code
   * SPARK_CONF_DIR}, else {@code SPARK_HOME/conf}); empty when there is none.
   */
  static java.util.Properties sparkDefaultsFile(Map<String, String> env) {
    java.util.Properties props = new java.util.Properties();
    String confDir =
        env.getOrDefault(
            "SPARK_CONF_DIR",
            env.containsKey("SPARK_HOME")
                ? Path.of(env.get("SPARK_HOME"), "conf").toString()
                : null);
    if (confDir != null && Files.isRegularFile(Path.of(confDir, "spark-defaults.conf"))) {
      try (java.io.Reader in =
          Files.newBufferedReader(
              Path.of(confDir, "spark-defaults.conf"), java.nio.charset.StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot read " + Path.of(confDir, "spark-defaults.conf"), e);
      }
    }
    return props;
  }

  private static Map<String, String> sparkDefaults(Map<String, String> env) {
    Map<String, String> out = new java.util.HashMap<>();
    sparkDefaultsFile(env).forEach((k, v) -> out.put(k.toString(), v.toString().trim()));
    return out;
  }

  /**
   * The config's spark.conf with the {@link #launcherSettings launcher's settings} added: what the
   * submitted application gets.
   */
  public static Map<String, String> submittedConf(
      Map<String, String> userConf, String deployMode, Map<String, String> env) {
    Map<String, String> conf = new java.util.LinkedHashMap<>(userConf);
    conf.putAll(launcherSettings(userConf, deployMode, env));
    return conf;
  }

  /**
   * The S3A jars to ship with the submission: only when a path is on s3a:// and the Spark
   * distribution that submits lacks hadoop-aws (the Maven-built one in target/spark-home has it,
   * and so do clusters set up for S3). 268 MiB per executor is not worth shipping otherwise.
   */
  static List<String> s3aJars(
      Map<String, String> env, String home, DlpipeConfig cfg, List<String> args) {
    boolean s3a =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(
                    cfg.input().path(), cfg.output().dir(), cfg.train().master().exportDir()),
                args.stream())
            .anyMatch(a -> a.contains("s3a://"));
    String sparkHome = env.get("SPARK_HOME");
    if (!s3a
        || sparkHome == null
        || !Files.isExecutable(Path.of(sparkHome, "bin", "spark-submit"))
        || !jarsNamed(Path.of(sparkHome, "jars"), "hadoop-aws-").isEmpty()) {
      return List.of();
    }
    Path built = Path.of(home, "target", "spark-home", "jars");
    List<String> out = new java.util.ArrayList<>(jarsNamed(built, "hadoop-aws-"));
    out.addAll(jarsNamed(built, "aws-java-sdk-bundle-"));
    if (out.size() != 2) {
      throw new ConfigException(
          "s3a:// paths need hadoop-aws and the AWS SDK bundle, which "
              + Path.of(sparkHome, "jars")
              + " (SPARK_HOME) lacks and "
              + built
              + " does not hold either; build with mvn -DskipTests package, or add them to the cluster's Spark");
    }
    return out;
  }

  private static List<String> jarsNamed(Path dir, String prefix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files
          .map(Path::toString)
          .filter(f -> Path.of(f).getFileName().toString().startsWith(prefix) && f.endsWith(".jar"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + dir, e);
    }
  }

  static List<String> sparkSubmit(Map<String, String> env, String home) {
    String sparkHome = env.get("SPARK_HOME");
    if (sparkHome != null && Files.isExecutable(Path.of(sparkHome, "bin", "spark-submit"))) {
      return List.of(Path.of(sparkHome, "bin", "spark-submit").toString());
    }
    Path jars = Path.of(home, "target", "spark-home", "jars");
    if (!Files.isDirectory(jars)) {
      throw new ConfigException(
          "No spark-submit: SPARK_HOME is not a Spark distribution and "
              + jars
              + " is missing; build with mvn -DskipTests package or set SPARK_HOME");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String driverMemory = env.getOrDefault(DRIVER_MEMORY_ENV, LAUNCHER_DRIVER_MEMORY);
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx" + driverMemory));
    cmd.addAll(JavaModuleOptions.FLAGS);
    Path logging = Path.of(home, "src", "main", "resources", "log4j2.properties");
    if (Files.isRegularFile(logging)) {
      // dlpipe's quiet console logging for the driver, as in local runs.
      cmd.add("-Dlog4j2.configurationFile=" + logging.toAbsolutePath());
    }
    // This JVM is the client-mode driver, which spark.driver.extraJavaOptions comes too late for;
    // split on blanks as jobs/dlpipe's unquoted ${DLPIPE_JAVA_OPTS} is.
    for (String option : env.getOrDefault(JAVA_OPTS_ENV, "").trim().split("\\s+")) {
      if (!option.isEmpty()) {
        cmd.add(option);
      }
    }
    // As bin/spark-class does: the Hadoop client configuration (core-site.xml, yarn-site.xml) is
    // found on the class path, which is how --master yarn finds the ResourceManager and HDFS.
    StringBuilder cp = new StringBuilder(jars + File.separator + "*");
    for (String dir : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
      if (env.get(dir) != null && !env.get(dir).isBlank()) {
        cp.append(File.pathSeparator).append(env.get(dir));
      }
    }
    // The application jar too, after Spark's: log4j finds dlpipe's %scrub converter only on the
    // class path it starts with, before SparkSubmit loads the jar for the client-mode driver.
    cp.append(File.pathSeparator)
        .append(
            env.getOrDefault(
                    "DLPIPE_APP_JAR", Path.of(home, "target", "dlpipe-spark.jar").toString())
                .replaceFirst("^local:", ""));
    cmd.addAll(List.of("-cp", cp.toString(), "org.apache.spark.deploy.SparkSubmit"));
    return cmd;
  }

  /** One argument per line, single-quoted where the shell would split or expand it. */
  static String shellQuoted(List<String> cmd) {
    StringBuilder out = new StringBuilder();
    for (String a : cmd) {
      if (out.length() > 0) {
        out.append(a.startsWith("--") ? " \\\n  " : " ");
      }
      out.append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return out.toString();
  }

  /**
   * Runs the plan with this process's standard streams and returns spark-submit's exit code. With
   * DLPIPE_SUBMIT_DRY_RUN=1 it prints the command instead, as a shell command line.
   */
  public static int run(SparkSubmitPlan plan) {
    return run(plan, System.getenv());
  }

  /**
   * As {@link #run(SparkSubmitPlan)} with the given environment. Secret settings go into a
   * properties file created readable and writable by this user only (mode 600, set when the file is
   * created, so no other user can open it in between), passed with {@code --properties-file}, and
   * deleted when spark-submit exits: in client mode that is the end of the run, because
   * spark-submit reads the file again while it starts the driver.
   */
  static int run(SparkSubmitPlan plan, Map<String, String> env) {
    boolean dryRun = "1".equals(env.get("DLPIPE_SUBMIT_DRY_RUN"));
    Path properties = plan.secretConf().isEmpty() ? null : writeProperties(plan, env);
    Path resolved;
    try {
      resolved = plan.resolvedConf() == null || dryRun ? null : writeResolvedConf(plan);
    } catch (RuntimeException e) {
      new Handoff(properties, null).stop(); // the properties file holds secrets too
      throw e;
    }
    // SIGTERM or Ctrl-C (SIGINT) of this process runs the JVM's shutdown hooks: stop spark-submit
    // (and whatever it started) and delete the files with the secrets, instead of leaving them
    // behind.
    Handoff handoff = new Handoff(properties, resolved);
    Thread hook = new Thread(handoff::stop, "dlpipe-submit-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      List<String> cmd = plan.command(properties, resolved == null ? plan.confFile() : resolved);
      if (dryRun) {
        if (plan.resolvedConf() != null) {
          System.out.println(
              "# cluster mode: --files ships a copy of "
                  + plan.confFile().getFileName()
                  + " resolved in this shell (its ${?ENV} substitutions), "
                  + "written to a private folder for the submission");
        }
        // The one secret policy at this exit too: nothing secret is on the command line, and the
        // text is scrubbed besides.
        System.out.println(io.dlpipe.config.SecretMasker.current().scrub(shellQuoted(cmd)));
        return 0;
      }
      if (resolved != null) {
        LOG.info(
            "Cluster mode: the driver reads {} as resolved here (environment substitutions, includes), shipped as {}",
            plan.confFile(),
            resolved);
      }
      LOG.info(
          "Submitting to {} ({} mode): {}{}",
          plan.master(),
          plan.deployMode(),
          io.dlpipe.config.SecretMasker.current().scrub(String.join(" ", cmd)),
          properties == null
              ? ""
              : " (secret settings " + plan.secretConf().keySet() + " in the properties file)");
      ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
      // Executors and the driver find Spark's scripts and jars here when no distribution is
      // installed.
      pb.environment().putIfAbsent("SPARK_SCALA_VERSION", "2.12");
      try {
        return handoff.start(pb).waitFor();
      } catch (IOException e) {
        throw new ConfigException(
            "Cannot start spark-submit (" + cmd.get(0) + "): " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for spark-submit", e);
      }
    } finally {
      handoff.stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs (or ran) anyway
      }
    }
  }

  /**
   * The spark-submit child and the properties file of one hand-off, cleaned up once: when
   * spark-submit exits, or when this process is asked to stop first.
   */
  private static final class Handoff {
    /** How long spark-submit gets to stop its driver after SIGTERM before it is killed. */
    private static final long GRACE_SECONDS = 10;

    private final Path properties;
    private final Path resolvedConf;
    private Process child;
    private boolean stopped;

    Handoff(Path properties, Path resolvedConf) {
      this.properties = properties;
      this.resolvedConf = resolvedConf;
    }

    synchronized Process start(ProcessBuilder pb) throws IOException {
      if (stopped) {
        throw new IllegalStateException("dlpipe is stopping; spark-submit is not started");
      }
      child = pb.start();
      return child;
    }

    synchronized void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      if (child != null && child.isAlive()) {
        LOG.warn("Stopping spark-submit (pid {}): dlpipe was asked to stop", child.pid());
        List<ProcessHandle> descendants = child.descendants().toList();
        child.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
          if (!child.waitFor(GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
            child.destroyForcibly();
          }
        } catch (InterruptedException e) {
          child.destroyForcibly();
          Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      }
      delete(properties);
      if (resolvedConf != null) {
        delete(resolvedConf);
        delete(resolvedConf.getParent());
      }
    }

    private static void delete(Path file) {
      if (file == null) {
        return;
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn(
            "Could not delete {}; delete it by hand, it holds secrets: {}", file, e.getMessage());
      }
    }
  }

  /**
   * The resolved configuration, under the config file's own name (the driver's --conf argument
   * names it) in a folder created readable by this user only; deleted with the folder when
   * spark-submit exits (Spark has copied it to the application's staging folder by then).
   */
  static Path writeResolvedConf(SparkSubmitPlan plan) {
    try {
      Path dir =
          Files.createTempDirectory(
              "dlpipe-submit-",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      Path file =
          Files.createFile(
              dir.resolve(plan.confFile().getFileName().toString()),
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, plan.resolvedConf(), java.nio.charset.StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the resolved configuration for the cluster-mode driver: " + e.getMessage(),
          e);
    }
  }

  /**
   * The properties file: Spark's spark-defaults.conf first (--properties-file replaces it in Spark
   * 3.5, so its settings are carried over), then the secret settings.
   */
  static Path writeProperties(SparkSubmitPlan plan, Map<String, String> env) {
    java.util.Properties props = sparkDefaultsFile(env);
    try {
      props.putAll(plan.secretConf());
      Path file =
          Files.createTempFile(
              "dlpipe-submit-",
              ".properties",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      try (java.io.Writer out =
          Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8)) {
        props.store(out, "dlpipe spark-submit settings; deleted when spark-submit exits");
      }
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the spark-submit properties file: " + e.getMessage(), e);
    }
  }
}
