package io.dlpipe.submit;

import io.dlpipe.ConfigException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.SecretMasker;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.train.TrainingMasters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spark-submit command that runs a dlpipe command on a cluster. The local launcher and every
 * deploy recipe (standalone, YARN, Kubernetes, Airflow) pass the same settings; the recipe tests
 * compare theirs against {@link #sparkConf}.
 *
 * @param sparkSubmit the spark-submit executable, or the java command that runs SparkSubmit
 * @param master the cluster's master URL
 * @param deployMode client (driver here) or cluster (driver on the cluster)
 * @param appJar the application jar (target/dlpipe-spark.jar)
 * @param confFile the --conf file, shipped with --files; null when there is none
 * @param appArgs the dlpipe arguments without --master (and without --set arguments carrying a
 *     secret)
 * @param sparkConf every --conf setting, in order; no secrets
 * @param secretConf settings whose values are secrets: they go into a properties file readable only
 *     by the user ({@code --properties-file}), never onto the command line, where {@code ps} shows
 *     them
 * @param resolvedConf cluster mode: the configuration as resolved here (HOCON, with secrets),
 *     shipped in place of {@code confFile} under its name; null in client mode, where the driver
 *     reads the file itself in the user's environment
 */
public record SparkSubmitPlan(
    List<String> sparkSubmit,
    String master,
    String deployMode,
    String appJar,
    Path confFile,
    List<String> appArgs,
    Map<String, String> sparkConf,
    Map<String, String> secretConf,
    String resolvedConf) {

  /**
   * The setting that carries {@code DLPIPE_PII_SALT} to a YARN or Kubernetes cluster-mode driver:
   * in the secret properties file, never in a container's environment; "secret" in its name keeps
   * it out of Spark's UI and event log (spark.redaction.regex).
   */
  public static final String PII_SALT_CONF = "spark.dlpipe.secret.pii-salt";

  /**
   * Whether a cluster-mode driver on this master gets the secret settings without showing them:
   * YARN ships them in the application's own staging folder, Kubernetes in the driver pod's
   * properties file (a ConfigMap of the application), and each driver reads them into its system
   * properties. A standalone master starts its driver with every setting as a {@code -D} option on
   * the command line, where {@code ps} shows it; Spark's standalone client hands the driver the
   * submitting environment instead, {@code DLPIPE_PII_SALT} with it, readable by its user only.
   */
  static boolean carriesSecretSettings(String master) {
    return master.equals("yarn") || master.toLowerCase(Locale.ROOT).startsWith("k8s://");
  }

  /** The driver class spark-submit starts. */
  public static final String MAIN_CLASS = "io.dlpipe.cli.Main";

  /**
   * True for masters that name a cluster dlpipe submits to; local and local-cluster run in-process.
   */
  public static boolean isClusterMaster(String master) {
    String m = master.toLowerCase(Locale.ROOT);
    return m.startsWith("spark://")
        || m.equals("yarn")
        || m.startsWith("k8s://")
        || m.startsWith("mesos://");
  }

  /**
   * The settings every submission carries: Kryo with ND4J's registrator, the executors' memory
   * arithmetic with ND4J's caps, the Java 17 module options for executors that Spark 3.5 adds
   * itself only for its own launcher, then the user's spark.conf (the user wins).
   */
  public static Map<String, String> sparkConf(DlpipeConfig cfg) {
    ExecutorMemory memory = ExecutorMemory.of(cfg.spark());
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", cfg.spark().appName());
    conf.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.put("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    conf.put(
        "spark.executor.memory",
        cfg.spark()
            .conf()
            .getOrDefault("spark.executor.memory", ExecutorMemory.SPARK_DEFAULT_HEAP));
    conf.put("spark.executor.memoryOverhead", memory.effectiveOverheadMb() + "m");
    String userExecutorOpts =
        cfg.spark().conf().getOrDefault("spark.executor.extraJavaOptions", "");
    // Gradient sharing starts an Aeron media driver in every executor, which needs a longer unblock
    // timeout than Aeron's default.
    String aeron =
        cfg.train().master().type() == TrainConfig.MasterType.GRADIENT_SHARING
            ? " " + TrainingMasters.AERON_OPTIONS
            : "";
    conf.put(
        "spark.executor.extraJavaOptions",
        (memory.javacppOptions() + aeron + " " + userExecutorOpts).trim());
    for (Map.Entry<String, String> e : cfg.spark().conf().entrySet()) {
      if (!e.getKey().equals("spark.executor.extraJavaOptions")
          && !e.getKey().equals("spark.executor.memoryOverhead")) {
        conf.put(e.getKey(), e.getValue());
      }
    }
    return conf;
  }

  /**
   * The dlpipe arguments for the submitted driver: {@code --master} dropped (spark-submit sets it),
   * and the config file named by its file name in cluster mode, where --files puts it in the
   * driver's working directory.
   */
  static List<String> appArgs(List<String> original, String deployMode) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < original.size(); i++) {
      String a = original.get(i);
      if (a.equals("--master")) {
        i++;
      } else if (a.startsWith("--master=")) {
        continue;
      } else if ((a.equals("--conf") || a.equals("-c")) && i + 1 < original.size()) {
        out.add(a);
        out.add(confArg(original.get(++i), deployMode));
      } else if (a.startsWith("--conf=")) {
        out.add("--conf=" + confArg(a.substring("--conf=".length()), deployMode));
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static String confArg(String path, String deployMode) {
    Path p = Path.of(path);
    return deployMode.equals("cluster")
        ? p.getFileName().toString()
        : p.toAbsolutePath().toString();
  }

  /**
   * Splits the settings of {@link #sparkConf(DlpipeConfig)} by the config's secret masker and drops
   * secret {@code --set} arguments: a {@code spark.conf."spark.*"} one reaches the driver through
   * the properties file instead; any other would have to travel on the command line, so it is
   * refused.
   */
  public static SparkSubmitPlan of(
      List<String> sparkSubmit,
      String master,
      String deployMode,
      String appJar,
      Path confFile,
      List<String> originalArgs,
      DlpipeConfig cfg) {
    SecretMasker masker = cfg.masker();
    Map<String, String> open = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    // By key name and by what the value is (URL credentials, a password parameter of a JDBC URL).
    sparkConf(cfg)
        .forEach((k, v) -> (masker.isSecret(k) || masker.holdsSecret(v) ? secret : open).put(k, v));
    boolean cluster = deployMode.equals("cluster");
    if (cluster && !cfg.privacy().salt().isEmpty() && carriesSecretSettings(master)) {
      secret.put(PII_SALT_CONF, cfg.privacy().salt());
    }
    // The driver in a cluster container does not have this shell's environment: ${?ENV}
    // substitutions (and includes) are resolved here, and the driver reads the result.
    String resolved = cluster && confFile != null ? resolvedConf(cfg, confFile) : null;
    return new SparkSubmitPlan(
        sparkSubmit,
        master,
        deployMode,
        appJar,
        confFile,
        withoutSecretSets(appArgs(originalArgs, deployMode), masker),
        open,
        secret,
        resolved);
  }

  /**
   * The whole resolved configuration (defaults, the file with its substitutions and includes, the
   * --set values and the run date) as HOCON the driver loads again: re-applying the same --set and
   * --date arguments over it changes nothing.
   */
  static String resolvedConf(DlpipeConfig cfg, Path confFile) {
    return "# "
        + confFile.toAbsolutePath()
        + " as dlpipe resolved it on the submitting machine, for the cluster-mode driver.\n"
        + "# Holds the run's secrets: readable by the submitting user only.\n"
        + cfg.resolved()
            .root()
            .render(
                com.typesafe.config.ConfigRenderOptions.defaults()
                    .setOriginComments(false)
                    .setComments(false)
                    .setJson(false));
  }

  /**
   * The arguments without {@code --set KEY=VALUE} whose key is secret; refuses those the driver
   * could not get otherwise.
   */
  static List<String> withoutSecretSets(List<String> args, SecretMasker masker) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String set = null;
      if ((a.equals("--set") || a.equals("-s")) && i + 1 < args.size()) {
        set = args.get(i + 1);
      } else if (a.startsWith("--set=")) {
        set = a.substring("--set=".length());
      }
      String key = set == null ? null : keyOf(set);
      if (key == null
          || !masker.isSecret(key)
              && !masker.holdsSecret(set.substring(set.indexOf('=', key.length()) + 1))) {
        out.add(a);
        continue;
      }
      String setting = key.replace("\"", "");
      if (!setting.startsWith("spark.conf.spark.")) {
        throw new ConfigException(
            "--set "
                + key
                + "="
                + SecretMasker.MASK
                + " holds a secret (by its key name or its value: URL credentials, a password "
                + "parameter), which the hand-off to spark-submit would put on its command line, where ps shows it; put it in the --conf file (or use ${?ENV} "
                + "substitution there)");
      }
      if (a.equals("--set") || a.equals("-s")) {
        i++; // the value went into the properties file with the rest of spark.conf
      }
    }
    return out;
  }

  private static String keyOf(String set) {
    boolean quoted = false;
    for (int i = 0; i < set.length(); i++) {
      char c = set.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '=' && !quoted) {
        return set.substring(0, i).trim();
      }
    }
    return null;
  }

  /** The full command line; only valid without secret settings (see {@link #command(Path)}). */
  public List<String> command() {
    if (!secretConf.isEmpty()) {
      throw new IllegalStateException(
          "the plan holds secret settings: they need a properties file, see command(Path)");
    }
    return command(null);
  }

  /**
   * The full command line, with {@code --properties-file} naming the file that holds {@link
   * #secretConf}.
   */
  public List<String> command(Path propertiesFile) {
    return command(propertiesFile, confFile);
  }

  /**
   * The full command line, with {@code --files} shipping {@code shippedConf}: the config file, or
   * in cluster mode the copy of {@link #resolvedConf} written under the same file name.
   */
  public List<String> command(Path propertiesFile, Path shippedConf) {
    List<String> cmd = new ArrayList<>(sparkSubmit);
    cmd.add("--master");
    cmd.add(master);
    cmd.add("--deploy-mode");
    cmd.add(deployMode);
    cmd.add("--class");
    cmd.add(MAIN_CLASS);
    if (propertiesFile != null) {
      cmd.add("--properties-file");
      cmd.add(propertiesFile.toAbsolutePath().toString());
    }
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      cmd.add("--conf");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
    if (shippedConf != null) {
      cmd.add("--files");
      cmd.add(shippedConf.toAbsolutePath().toString());
    }
    cmd.add(appJar);
    cmd.addAll(appArgs);
    return cmd;
  }

  /** Secret values never reach a log through the plan's text form. */
  @Override
  public String toString() {
    return "SparkSubmitPlan["
        + String.join(" ", secretConf.isEmpty() ? command() : command(Path.of("<properties-file>")))
        + ", secret settings "
        + secretConf.keySet()
        + "]";
  }
}
