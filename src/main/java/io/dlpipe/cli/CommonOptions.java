package io.dlpipe.cli;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.config.SecretMasker;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.submit.SparkSubmitPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every pipeline command takes: the config layers, the run date and the Spark master.
 */
public final class CommonOptions {
  @Option(
      names = {"-c", "--conf"},
      paramLabel = "FILE",
      description = "HOCON config file; layered over the built-in defaults.")
  Path conf;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description =
          "Override one config key (repeatable; wins over --conf), e.g. --set input.path=hdfs:///raw/dt=2026-11-28")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = {
        "The run's date (config key run.date): input and output values may use it as $${run.date} or the tokens {date} / {date_nodash};",
        "run --date also scores the day into <output.dir>/predictions/dt=<date>/ and retrains as schedule.retrain says."
      })
  String date;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "Spark master: local[N], spark://HOST:PORT, yarn, k8s://... (default: spark.master in the config, else local[*]).")
  String master;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * This process's environment; in a YARN or Kubernetes cluster-mode driver, whose container does
   * not have the submitting shell's environment, with the PII salt the launcher passed in its
   * secret settings.
   */
  static Map<String, String> environment() {
    String salt = System.getProperty(SparkSubmitPlan.PII_SALT_CONF);
    if (salt == null
        || !(Main.isYarnClusterDriver() || isKubernetesDriver())
        || System.getenv(PrivacyConfig.SALT_ENV) != null) {
      return System.getenv();
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(PrivacyConfig.SALT_ENV, salt);
    return env;
  }

  /**
   * True in a Kubernetes cluster-mode driver: its pod runs spark-submit in client mode again, with
   * this setting, which Spark's Kubernetes client adds for the driver.
   */
  static boolean isKubernetesDriver() {
    return "true".equals(System.getProperty("spark.kubernetes.submitInDriver"));
  }

  /** The whole command line as given, for handing it on to spark-submit. */
  List<String> originalArgs() {
    return command.commandLine().getParseResult().originalArgs();
  }

  /**
   * Loads and validates the configuration; nothing Spark-related has started yet. Installs the
   * masker of this command ({@link SecretMasker#current()}): the secret values of the configuration
   * and of the Hadoop configuration Spark will use, which every error message, trace and log line
   * of the command passes through.
   */
  DlpipeConfig load() {
    DlpipeConfig cfg = ConfigLoader.load(conf, sets, date, environment());
    String resolvedMaster = SparkSessions.resolveMaster(master, cfg.spark());
    SecretMasker.use(
        cfg.masker()
            .withValuesOf(HadoopFiles.explicitSettings(Runs.hadoopConf(resolvedMaster, cfg))));
    return cfg;
  }
}
