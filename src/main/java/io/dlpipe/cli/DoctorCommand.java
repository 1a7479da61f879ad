package io.dlpipe.cli;

import io.dlpipe.ExitCodes;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.SecretMasker;
import io.dlpipe.doctor.Doctor;
import io.dlpipe.doctor.Finding;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.submit.SparkSubmitter;
import io.dlpipe.yarn.ResourceManagerClient;
import io.dlpipe.yarn.YarnPreflight;
import io.dlpipe.yarn.YarnSubmission;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dlpipe doctor}: says what would go wrong before a long run starts. */
@Command(
    name = "doctor",
    description = {
      "Pre-flight check: versions, the ND4J backend on the driver and the executors, executor memory arithmetic,",
      "GPUs the tasks see, a shared file system for export training, input readable and output writable.",
      "Every finding comes with its fix. Exits 0 only when the run would work."
    },
    mixinStandardHelpOptions = true)
final class DoctorCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    DlpipeConfig cfg = options.load();
    String master = SparkSessions.resolveMaster(options.master, cfg.spark());
    if (YarnSubmission.isYarn(master) && SparkSubmitter.shouldHandOff(master)) {
      // What the ResourceManager says, before anything is submitted: an executor that no container
      // can hold would otherwise wait in the queue, or fail inside spark-submit with a trace.
      List<Finding> yarn;
      try (ResourceManagerClient rm = ResourceManagerClient.connect(System.getenv())) {
        yarn =
            YarnPreflight.check(
                rm,
                cfg,
                System.getenv().getOrDefault("DLPIPE_DEPLOY_MODE", "client"),
                System.getenv());
      }
      yarn.forEach(f -> System.out.println(SecretMasker.current().scrub(f.render())));
      long errors = yarn.stream().filter(f -> f.level() == Finding.Level.ERROR).count();
      if (errors > 0) {
        System.out.println(
            "doctor: " + errors + " problem(s) would stop the run; nothing was submitted");
        return ExitCodes.FAILURE;
      }
    }
    return Runs.withSpark(
        "doctor",
        cfg,
        options,
        spark -> {
          List<Finding> findings = new Doctor(spark, cfg).run();
          // A finding may quote an exception of the file system, with a path or URL that holds a
          // secret.
          findings.forEach(f -> System.out.println(SecretMasker.current().scrub(f.render())));
          long errors = findings.stream().filter(f -> f.level() == Finding.Level.ERROR).count();
          long warnings = findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
          System.out.println(
              errors == 0
                  ? "doctor: the run would work (" + warnings + " warning(s))"
                  : "doctor: " + errors + " problem(s) would stop the run");
          return errors == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
        });
  }
}
