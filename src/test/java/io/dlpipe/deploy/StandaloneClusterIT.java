package io.dlpipe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.io.Json;
import io.dlpipe.testing.Processes;
import io.dlpipe.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/standalone and the launcher's spark-submit hand-off, end to end as a user runs them: a
 * Master and two Workers in their own JVMs on 127.0.0.1, each Worker offering one fake GPU (Spark's
 * resource scheduling with a discovery script that reports address N-1 on Worker N), the
 * application jar submitted to them by {@code jobs/dlpipe ... --master spark://...}.
 */
class StandaloneClusterIT {
  private static final Path ROOT = TestData.projectDir();
  private static final Path STATE = ROOT.resolve("target/standalone-it");
  private static final Map<String, String> ENV =
      Map.of(
          "DLPIPE_STANDALONE_DIR",
          STATE.toString(),
          "DLPIPE_NO_BUILD",
          "1",
          "DLPIPE_DRIVER_MEMORY",
          "2g");
  private static final List<String> GPU =
      List.of(
          "--set", "spark.conf.\"spark.executor.resource.gpu.amount\"=1",
          "--set", "spark.conf.\"spark.task.resource.gpu.amount\"=1",
          "--set", "spark.conf.\"spark.executor.memory\"=1g",
          "--set", "spark.executor-offheap=1g");
  private static String master;

  @TempDir Path tmp;

  @BeforeAll
  static void startCluster() throws Exception {
    Processes.Result r =
        Processes.run(
            ROOT,
            ENV,
            180,
            List.of(
                "deploy/standalone/start.sh",
                "--workers",
                "2",
                "--memory",
                "2g",
                "--gpus-per-worker",
                "1",
                "--gpu-discovery",
                "src/test/resources/fake-gpu-discovery.sh"));
    assertEquals(0, r.code(), r.output());
    Matcher m = Pattern.compile("master: (spark://127\\.0\\.0\\.1:\\d+)").matcher(r.output());
    assertTrue(m.find(), r.output());
    master = m.group(1);
    assertTrue(
        Pattern.compile("web UI: http://127\\.0\\.0\\.1:\\d+").matcher(r.output()).find(),
        r.output());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Processes.Result r = Processes.run(ROOT, ENV, 60, List.of("deploy/standalone/stop.sh"));
    assertEquals("stopped 3 processes\n", r.output());
  }

  private static Processes.Result dlpipe(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jobs/dlpipe"));
    cmd.addAll(args);
    return Processes.run(ROOT, ENV, 900, cmd);
  }

  /** The stderr logs of the executors one worker ran, one per executor JVM, by application. */
  private static List<Path> executorLogs(int worker) throws IOException {
    Path work = STATE.resolve("work-" + worker);
    if (!Files.isDirectory(work)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(work, 3)) {
      return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
    }
  }

  @Test
  void doctorSeesBothExecutorJvmsAndTheirGpus() throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "doctor",
                "--conf",
                "conf/examples/credit.conf",
                "--master",
                master,
                "--set",
                "output.dir=" + tmp.resolve("ws")));
    args.addAll(GPU);
    Processes.Result r = dlpipe(args);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("doctor: the run would work"), r.output());
    Matcher jvms =
        Pattern.compile("OK +backend +2 task\\(s\\) on 2 executor JVM\\(s\\)").matcher(r.output());
    assertTrue(jvms.find(), r.output());
    Matcher gpus =
        Pattern.compile(
                "GPU addresses per task \\(executor:address\\): \\[(\\d+):(\\d), (\\d+):(\\d)]")
            .matcher(r.output());
    assertTrue(gpus.find(), r.output());
    assertEquals(Set.of("0", "1"), Set.of(gpus.group(2), gpus.group(4)));
  }

  @Test
  void runTrainsOnTwoExecutorJvmsEachBoundToItsOwnGpu() throws Exception {
    Path ws = tmp.resolve("ws");
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--conf",
                "conf/examples/credit.conf",
                "--master",
                master,
                "--set",
                "output.dir=" + ws,
                "--set",
                "train.epochs=2",
                "--set",
                "train.approach=direct",
                "--set",
                "evaluate.importance.sample-rows=200",
                // Two workers, one per executor JVM: on data this small the automatic choice is
                // one.
                "--set",
                "train.workers=2"));
    args.addAll(GPU);
    List<Path> before1 = executorLogs(1);
    List<Path> before2 = executorLogs(2);
    Processes.Result r = dlpipe(args);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("Submitting to " + master + " (client mode)"), r.output());
    JsonNode summary = Json.MAPPER.readTree(Files.readString(ws.resolve("run-summary.json")));
    assertEquals("succeeded", summary.get("status").asText());
    List<String> stages = new ArrayList<>();
    summary
        .get("stages")
        .forEach(s -> stages.add(s.get("stage").asText() + ":" + s.get("status").asText()));
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), stages);
    assertTrue(Files.exists(ws.resolve("evaluation/report.html")));
    assertTrue(Files.exists(ws.resolve("model/model.zip")));

    // One new executor JVM on each worker, and every training task logged the GPU it was given.
    List<Path> new1 = new ArrayList<>(executorLogs(1));
    new1.removeAll(before1);
    List<Path> new2 = new ArrayList<>(executorLogs(2));
    new2.removeAll(before2);
    assertEquals(1, new1.size(), "worker 1 ran one executor JVM: " + new1);
    assertEquals(1, new2.size(), "worker 2 ran one executor JVM: " + new2);
    assertEquals(Set.of("0"), boundGpus(new1.get(0)));
    assertEquals(Set.of("1"), boundGpus(new2.get(0)));
  }

  private static Set<String> boundGpus(Path executorLog) throws IOException {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("bound to GPU (\\d+)").matcher(Files.readString(executorLog));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
