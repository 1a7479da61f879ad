package io.dlpipe.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.DataException;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.testing.MiniHdfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock, the marker checks and the staged commit on a real HDFS (a MiniDFSCluster on loopback):
 * create-if-absent at the NameNode, rename-based commits and takeover, exactly as on a cluster.
 */
class HdfsOutputSafetyTest {
  private static MiniDFSCluster hdfs;
  private static Configuration conf;
  private static FileSystem fs;
  private static String root;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"));
    conf = hdfs.getConfiguration(0);
    root = hdfs.getURI().toString();
    fs = hdfs.getFileSystem();
  }

  @AfterAll
  static void stop() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  @Test
  void theLockIsExclusiveOnHdfsAndAStaleOneIsTakenOver() throws Exception {
    String ws = root + "/ws/lock";
    org.apache.hadoop.fs.Path lockPath =
        new org.apache.hadoop.fs.Path(ws + "/" + WorkspaceLock.FILE);
    try (WorkspaceLock lock = WorkspaceLock.acquire(conf, ws, "run", Duration.ofSeconds(60))) {
      assertEquals(ws + "/" + WorkspaceLock.FILE, lock.path());
      DataException busy =
          assertThrows(
              DataException.class,
              () -> WorkspaceLock.acquire(conf, ws, "etl", Duration.ofSeconds(60)));
      assertTrue(
          busy.getMessage()
              .startsWith(
                  "Workspace "
                      + ws
                      + " is in use by another dlpipe command ("
                      + lockPath
                      + "): host "),
          busy.getMessage());
      assertTrue(
          busy.getMessage().contains(", run " + RunId.current() + ", command run, started "),
          busy.getMessage());
    }
    assertFalse(fs.exists(lockPath));

    try (FSDataOutputStream out = fs.create(lockPath, false)) {
      out.write(
          "{\"host\":\"gone-host\",\"pid\":7,\"run_id\":\"old\",\"command\":\"train\",\"started_at\":\"2026-01-01T00:00:00Z\"}"
              .getBytes(StandardCharsets.UTF_8));
    }
    fs.setTimes(lockPath, System.currentTimeMillis() - 600_000, -1);
    try (WorkspaceLock lock = WorkspaceLock.acquire(conf, ws, "run", Duration.ofSeconds(60))) {
      String holder = new String(fs.open(lockPath).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(holder.contains("\"run_id\" : \"" + RunId.current() + "\""), holder);
    }
    assertEquals(
        List.of(), new HadoopFiles(conf).list(ws), "the stale lock moved aside is deleted too");
  }

  @Test
  void stagedCommitsReplaceOnlyMarkedFoldersOnHdfs() throws Exception {
    HadoopFiles files = new HadoopFiles(conf);
    String target = root + "/ws/stage/evaluation";
    for (int round = 1; round <= 2; round++) {
      StagedOutput out =
          StagedOutput.begin(files, target, OutputKind.EVALUATION, "the evaluation folder");
      files.writeText(HadoopFiles.join(out.path(), "metrics.json"), "round " + round);
      assertEquals(
          round == 1 ? null : "round 1",
          files.status(target + "/metrics.json") == null
              ? null
              : files.readText(target + "/metrics.json"),
          "the old result is visible until the commit");
      out.commit();
      assertEquals("round " + round, files.readText(target + "/metrics.json"));
    }
    assertEquals(List.of("evaluation"), files.list(root + "/ws/stage"));

    String foreign = root + "/ws/stage/mine";
    files.writeText(foreign + "/data.csv", "a,b\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> StagedOutput.begin(files, foreign, OutputKind.PREDICTIONS, "--output"));
    assertEquals(
        "Refusing to write --output "
            + foreign
            + ": the folder exists and was not written by dlpipe (no _dlpipe.json); dlpipe only replaces "
            + "folders it wrote itself (they carry a _dlpipe.json marker). Move it away or choose another path",
        e.getMessage());
    assertEquals("a,b\n", files.readText(foreign + "/data.csv"));
  }
}
