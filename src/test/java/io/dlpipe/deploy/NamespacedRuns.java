package io.dlpipe.deploy;

import io.dlpipe.testing.NetnsSparkCluster;
import io.dlpipe.testing.Processes;
import io.dlpipe.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code jobs/dlpipe} as a user runs it, locally or against a {@link NetnsSparkCluster}: shared by
 * {@link GradientSharingNetnsIT} and {@link GradientSharingNetnsBench}.
 */
final class NamespacedRuns {
  static final Path ROOT = TestData.projectDir();

  private NamespacedRuns() {}

  /** {@code jobs/dlpipe args} on this machine (local master), with a 1 GiB driver by default. */
  static Processes.Result local(String driverMemory, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jobs/dlpipe"));
    cmd.addAll(args);
    return Processes.run(
        ROOT, Map.of("DLPIPE_NO_BUILD", "1", "DLPIPE_DRIVER_MEMORY", driverMemory), 1800, cmd);
  }

  /**
   * {@code jobs/dlpipe train} on {@code cluster} in {@code ws}, a fresh copy of the prepared
   * workspace {@code prepared}; {@code args} follow {@code train} (config and settings). The driver
   * binds the bridge address, which the namespaces reach.
   */
  static Processes.Result train(
      NetnsSparkCluster cluster, Path prepared, Path ws, String driverMemory, List<String> args)
      throws Exception {
    copy(prepared, ws);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "jobs/dlpipe",
                "train",
                "--master",
                cluster.masterUrl(),
                "--set",
                "output.dir=" + ws,
                // Training starts only once every requested executor has registered, so the
                // address check sees them all and every width starts with all its executors.
                "--set",
                "spark.conf.\"spark.scheduler.minRegisteredResourcesRatio\"=1.0"));
    cmd.addAll(args);
    Map<String, String> env = new HashMap<>();
    env.put("DLPIPE_NO_BUILD", "1");
    env.put("DLPIPE_DRIVER_MEMORY", driverMemory);
    env.put("SPARK_LOCAL_IP", cluster.driverAddress());
    return Processes.run(ROOT, env, 1800, cmd);
  }

  /** A copy of the folder {@code from} at {@code to}. */
  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** The stderr of every executor JVM {@code cluster}'s Worker {@code w} has run. */
  static List<Path> executorLogs(NetnsSparkCluster cluster, int w) throws IOException {
    if (!Files.isDirectory(cluster.workDir(w))) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(cluster.workDir(w), 3)) {
      return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
    }
  }
}
