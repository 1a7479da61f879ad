package io.dlpipe.yarn;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.SecretMasker;
import io.dlpipe.doctor.Finding;
import io.dlpipe.submit.SparkSubmitPlan;
import io.dlpipe.submit.SparkSubmitter;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A submission to YARN: checked against the ResourceManager first ({@link YarnPreflight}), tagged
 * so that its application can be found again, and, when it fails, explained in one line with the
 * application id and dlpipe's exit code. In cluster mode the driver runs inside the application
 * master, so its own one-line error and exit code reach the ResourceManager's diagnostics as {@code
 * dlpipe exit N: message} (see {@code cli.Main}); this is where they come back.
 */
public final class YarnSubmission {
  private static final Logger LOG = LoggerFactory.getLogger(YarnSubmission.class);

  /** What a dlpipe driver in a YARN application master leaves in the application's diagnostics. */
  public static final String DRIVER_EXIT_PREFIX = "dlpipe exit ";

  private static final Pattern DRIVER_EXIT =
      Pattern.compile(Pattern.quote(DRIVER_EXIT_PREFIX) + "(\\d+): ([^\\n]*)");

  /** The tag prefix that marks one submission. */
  static final String TAG_PREFIX = "dlpipe-submission-";

  private YarnSubmission() {}

  /** True for the YARN master. */
  public static boolean isYarn(String master) {
    return master.equals("yarn");
  }

  /** Checks, submits and explains; returns the exit code the command ends with. */
  public static int run(
      SparkSubmitPlan plan, DlpipeConfig cfg, Map<String, String> env, PrintStream err) {
    String tag = TAG_PREFIX + UUID.randomUUID();
    try (ResourceManagerClient rm = ResourceManagerClient.connect(env)) {
      List<Finding> findings = YarnPreflight.check(rm, cfg, plan.deployMode(), env);
      YarnPreflight.requireOk(findings);
      findings.stream()
          .filter(f -> f.level() == Finding.Level.WARN)
          .forEach(f -> LOG.warn("{}; {}", f.message(), f.fix()));
      // In client mode the driver is this machine's spark-submit: it reports its own failures, and
      // its session takes spark.yarn.tags from the config again. In cluster mode the driver's line
      // and exit code come back through the application, found by this tag.
      boolean cluster = plan.deployMode().equals("cluster");
      int code = SparkSubmitter.run(cluster ? tagged(plan, tag) : plan);
      if (code == 0 || !cluster || "1".equals(env.get("DLPIPE_SUBMIT_DRY_RUN"))) {
        return code;
      }
      return explain(rm.applicationsTagged(tag).stream().findFirst(), code, err);
    }
  }

  /** The plan with the submission's own tag added to the user's spark.yarn.tags. */
  static SparkSubmitPlan tagged(SparkSubmitPlan plan, String tag) {
    Map<String, String> conf = new LinkedHashMap<>(plan.sparkConf());
    String user = conf.getOrDefault("spark.yarn.tags", "");
    conf.put("spark.yarn.tags", user.isBlank() ? tag : user + "," + tag);
    return new SparkSubmitPlan(
        plan.sparkSubmit(),
        plan.master(),
        plan.deployMode(),
        plan.appJar(),
        plan.confFile(),
        plan.appArgs(),
        conf,
        plan.secretConf(),
        plan.resolvedConf());
  }

  /**
   * The exit code for a failed submission, after one line on {@code err} that names the
   * application: the driver's own exit code and message when it left them (cluster mode), else
   * spark-submit's code with the ResourceManager's diagnostics.
   */
  static int explain(Optional<ApplicationReport> app, int submitCode, PrintStream err) {
    if (app.isEmpty()) {
      // Refused before YARN accepted it; spark-submit said why.
      return submitCode;
    }
    ApplicationReport r = app.get();
    String id = r.getApplicationId().toString();
    String logs = "its logs: yarn logs -applicationId " + id;
    String diagnostics = r.getDiagnostics() == null ? "" : r.getDiagnostics();
    Matcher m = DRIVER_EXIT.matcher(diagnostics);
    if (m.find()) {
      err.println(
          SecretMasker.current()
              .scrub(
                  "dlpipe: "
                      + m.group(2).strip()
                      + " (YARN application "
                      + id
                      + "; "
                      + logs
                      + ")"));
      return Integer.parseInt(m.group(1));
    }
    if (r.getFinalApplicationStatus() == FinalApplicationStatus.SUCCEEDED) {
      // The driver in this process failed after the application was done with (client mode): it
      // said why.
      LOG.info("YARN application {} ended {}", id, r.getFinalApplicationStatus());
      return submitCode;
    }
    String first = diagnostics.strip().lines().findFirst().orElse("no diagnostics");
    err.println(
        SecretMasker.current()
            .scrub(
                "dlpipe: YARN application "
                    + id
                    + " in queue "
                    + r.getQueue()
                    + " ended "
                    + r.getYarnApplicationState()
                    + "/"
                    + r.getFinalApplicationStatus()
                    + ": "
                    + first
                    + " ("
                    + logs
                    + ")"));
    return submitCode == 0 ? io.dlpipe.ExitCodes.FAILURE : submitCode;
  }
}
