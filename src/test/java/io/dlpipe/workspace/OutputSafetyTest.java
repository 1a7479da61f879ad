package io.dlpipe.workspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.DataException;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dlpipe replaces only what it wrote: folders without its marker are refused with exit code 2 and
 * left as they were, an input inside the folder etl replaces is refused before anything is touched,
 * a failed run leaves the previous result in place, and a commit killed half-way is repaired by the
 * next run. The workspace lock refuses a second holder with exit code 3 and takes over stale ones.
 */
class OutputSafetyTest {
  @TempDir Path tmp;

  private static final String RULE =
      "dlpipe only replaces folders it wrote itself (they carry a _dlpipe.json marker). Move it away or choose another path";

  @Test
  void etlRefusesAPreparedFolderItDidNotWriteAndLeavesItAlone() throws Exception {
    Path ws = tmp.resolve("ws");
    Files.createDirectories(ws.resolve("prepared"));
    Files.writeString(ws.resolve("prepared/notes.txt"), "mine");
    // A dlpipe workspace (marked) whose prepared/ is not dlpipe's: an unmarked workspace is refused
    // before its folders are looked at.
    OutputMarker.of(OutputKind.WORKSPACE, "etl")
        .writeTo(
            new io.dlpipe.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()),
            ws.toString());
    TestSpark.get();
    CliRun.Outcome out =
        CliRun.run(
            "etl",
            "--set",
            "input.path=" + TestData.credit(),
            "--set",
            "target.column=Status",
            "--set",
            "target.task=classification",
            "--set",
            "output.dir=" + ws,
            "--set",
            "spark.master=local[2]");
    assertEquals(ExitCodes.USAGE, out.code(), out.err());
    assertEquals(
        "dlpipe: Refusing to write the etl output folder "
            + ws
            + "/prepared: the folder exists and was not written by dlpipe (no _dlpipe.json); "
            + RULE
            + "\n",
        out.err());
    assertEquals("mine", Files.readString(ws.resolve("prepared/notes.txt")));
    assertEquals(List.of("notes.txt"), list(ws.resolve("prepared")));
    assertFalse(
        Files.exists(ws.resolve(WorkspaceLock.FILE)), "the lock is released when the command ends");

    Files.delete(ws.resolve("prepared/notes.txt"));
    ConfigException empty =
        assertThrows(
            ConfigException.class,
            () -> new EtlJob(TestSpark.get(), TestData.creditConfig(TestData.credit(), ws)).run());
    assertTrue(
        empty
            .getMessage()
            .startsWith(
                "Refusing to write the etl output folder "
                    + ws
                    + "/prepared: the folder exists and was not written by dlpipe"),
        empty.getMessage());
    assertTrue(Files.isDirectory(ws.resolve("prepared")));
  }

  @Test
  void etlRefusesAnInputInsideWhatItReplacesAndAFailedRunKeepsThePreviousResult() throws Exception {
    Path ws = tmp.resolve("ws");
    new EtlJob(TestSpark.get(), TestData.creditConfig(TestData.credit(), ws)).run();
    Path prepared = ws.resolve("prepared");
    byte[] transform = Files.readAllBytes(prepared.resolve("transform.json"));
    OutputMarker marker =
        Json.MAPPER.readValue(prepared.resolve(OutputMarker.FILE).toFile(), OutputMarker.class);
    assertEquals(
        new OutputMarker(1, "prepared", "etl", RunId.current(), marker.createdAt()), marker);
    List<String> before = list(prepared);
    assertEquals(
        List.of(
            "_SUCCESS",
            "_dlpipe.json",
            "etl-summary.json",
            "quarantine",
            "test",
            "train",
            "transform.json",
            "validation"),
        before);

    Path inside = prepared.resolve("raw.csv");
    Files.copy(TestData.credit(), inside);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new EtlJob(TestSpark.get(), TestData.creditConfig(inside, ws)).run());
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "Refusing input.path "
            + inside
            + ": it lies inside the etl output folder "
            + prepared
            + "; etl replaces that folder, so it "
            + "would destroy its own input. Move the input out of it",
        e.getMessage());
    assertTrue(Files.exists(inside));
    Files.delete(inside);

    // A failed run (too many bad rows) replaces nothing.
    Path dirty = tmp.resolve("dirty.csv");
    Files.writeString(dirty, Files.readString(TestData.credit()) + "\"good\",9,\"rent\"\n");
    assertThrows(
        DataException.class,
        () ->
            new EtlJob(TestSpark.get(), TestData.creditConfig(dirty, ws, "etl.max-reject-ratio=0"))
                .run());
    assertEquals(before, list(prepared));
    assertArrayEquals(transform, Files.readAllBytes(prepared.resolve("transform.json")));
    assertEquals(
        List.of("_prepared.staging-" + RunId.current(), "prepared"),
        list(ws),
        "the failed run's quarantine is kept for inspection");

    // The next run deletes that staging folder and replaces prepared/ as a whole.
    new EtlJob(TestSpark.get(), TestData.creditConfig(TestData.credit(), ws)).run();
    assertEquals(List.of("prepared"), list(ws));
    assertArrayEquals(transform, Files.readAllBytes(prepared.resolve("transform.json")));
  }

  @Test
  void aCommitKilledBetweenItsTwoRenamesIsRepairedByTheNextRun() throws Exception {
    HadoopFiles files = new HadoopFiles(new Configuration());
    String target = tmp.resolve("evaluation").toString();
    StagedOutput first =
        StagedOutput.begin(files, target, OutputKind.EVALUATION, "the evaluation folder");
    files.writeText(HadoopFiles.join(first.path(), "metrics.json"), "{\"v\": 1}\n");
    assertFalse(Files.exists(Path.of(target)), "nothing is visible before the commit");
    first.commit();
    assertEquals(List.of("_dlpipe.json", "metrics.json"), list(Path.of(target)));
    assertEquals(List.of("evaluation"), list(tmp));

    // Killed after moving the old result aside and before renaming the new one into place.
    files.rename(target, tmp.resolve("_evaluation.old-20260101T000000Z-0000abcd").toString());
    files.mkdirs(tmp.resolve("_evaluation.staging-20260101T000000Z-0000abcd").toString());
    OutputMarker.of(OutputKind.EVALUATION)
        .writeTo(files, tmp.resolve("_evaluation.staging-20260101T000000Z-0000abcd").toString());
    StagedOutput second =
        StagedOutput.begin(files, target, OutputKind.EVALUATION, "the evaluation folder");
    assertEquals(
        "{\"v\": 1}\n",
        Files.readString(Path.of(target, "metrics.json")),
        "the previous result is back");
    assertEquals(List.of("_evaluation.staging-" + RunId.current(), "evaluation"), list(tmp));
    second.failed(new IllegalStateException("boom"));
    assertEquals(List.of("evaluation"), list(tmp));

    ConfigException other =
        assertThrows(
            ConfigException.class,
            () -> StagedOutput.begin(files, target, OutputKind.PREDICTIONS, "--output"));
    assertEquals(
        "Refusing to write --output "
            + target
            + ": the folder holds dlpipe's evaluation output (written by evaluate, run "
            + RunId.current()
            + "), not predictions output; dlpipe only replaces folders it wrote itself (they carry a _dlpipe.json marker) of the same kind. Choose another path",
        other.getMessage());
  }

  @Test
  void aFullDiskIsOneLineNamingThePath() {
    String target = tmp.resolve("model").toString();
    RuntimeException e =
        StagedOutput.noSpace(
            new IllegalStateException(
                "Job aborted", new java.io.IOException("No space left on device")),
            target,
            target + ".s");
    assertEquals(ExitCodes.FAILURE, ((io.dlpipe.DlpipeException) e).exitCode());
    assertEquals(
        "No space left on device while writing "
            + target
            + ".s (staged for "
            + target
            + "); the previous result at "
            + target
            + " is untouched. Free space on that file system, or point the output elsewhere",
        e.getMessage());
  }

  @Test
  void theLockRefusesASecondHolderAndTakesOverAStaleOne() throws Exception {
    Configuration conf = new Configuration();
    String ws = tmp.resolve("ws").toString();
    Path lockFile = tmp.resolve("ws").resolve(WorkspaceLock.FILE);
    try (WorkspaceLock lock = WorkspaceLock.acquire(conf, ws, "etl", Duration.ofSeconds(60))) {
      String holder = Files.readString(lockFile);
      assertTrue(holder.contains("\"pid\" : " + ProcessHandle.current().pid()), holder);
      assertTrue(holder.contains("\"run_id\" : \"" + RunId.current() + "\""), holder);
      DataException second =
          assertThrows(
              DataException.class,
              () -> WorkspaceLock.acquire(conf, ws, "train", Duration.ofSeconds(60)));
      assertEquals(ExitCodes.DATA, second.exitCode());
      assertTrue(
          second
              .getMessage()
              .matches(
                  "Workspace "
                      + ws
                      + " is in use by another dlpipe command \\("
                      + lockFile
                      + "\\): host \\S+, pid "
                      + ProcessHandle.current().pid()
                      + ", run "
                      + RunId.current()
                      + ", command etl, started \\S+, last refreshed \\d+\\.\\d s ago\\. Wait for it to "
                      + "finish; a lock not refreshed for 60 s \\(output\\.lock\\.stale-after\\) is taken over"),
          second.getMessage());
    }
    assertFalse(Files.exists(lockFile), "released on close");

    // A holder on another host that stopped refreshing two minutes ago.
    Files.writeString(
        lockFile,
        "{\"host\":\"elsewhere\",\"pid\":1,\"run_id\":\"r0\",\"command\":\"run\",\"started_at\":\"2026-01-01T00:00:00Z\"}");
    assertTrue(lockFile.toFile().setLastModified(System.currentTimeMillis() - 120_000));
    try (WorkspaceLock lock = WorkspaceLock.acquire(conf, ws, "etl", Duration.ofSeconds(60))) {
      assertTrue(Files.readString(lockFile).contains(RunId.current()));
    }
    assertEquals(List.of(), list(tmp.resolve("ws")));
  }

  @Test
  void theLockIsRefreshedWhileHeldAndAHolderThatLostItCommitsNothingAndLeavesTheNewLock()
      throws Exception {
    Configuration conf = new Configuration();
    String ws = tmp.resolve("ws").toString();
    Path lockFile = tmp.resolve("ws").resolve(WorkspaceLock.FILE);
    String other =
        "{\"host\":\"elsewhere\",\"pid\":1,\"run_id\":\"r9\",\"command\":\"train\",\"started_at\":\"2026-01-01T00:00:00Z\"}";
    // stale-after 1 s: refreshed every 250 ms.
    try (WorkspaceLock lock = WorkspaceLock.acquire(conf, ws, "etl", Duration.ofSeconds(1))) {
      long backdated = System.currentTimeMillis() - 600_000;
      assertTrue(lockFile.toFile().setLastModified(backdated));
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (Files.getLastModifiedTime(lockFile).toMillis() <= backdated
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          Files.getLastModifiedTime(lockFile).toMillis() > backdated,
          "the holder refreshed its lock");
      WorkspaceLock.requireNotLost();

      // Paused past stale-after, the holder lost its lock to another run, which wrote its own.
      Files.writeString(lockFile, other);
      DataException lost = null;
      while (lost == null && System.nanoTime() < deadline) {
        try {
          WorkspaceLock.requireNotLost();
          Thread.sleep(50);
        } catch (DataException e) {
          lost = e;
        }
      }
      assertTrue(lost != null, "the holder noticed it lost the lock");
      assertEquals(ExitCodes.DATA, lost.exitCode());
      assertEquals(
          "This command lost the workspace lock "
              + lockFile
              + " to another dlpipe command (host elsewhere, pid 1, run r9, command train, started "
              + "2026-01-01T00:00:00Z); nothing was committed. Run it again once the other one has finished",
          lost.getMessage());
    }
    assertEquals(other, Files.readString(lockFile), "the new holder's lock stays");
  }

  @Test
  void theStaleAfterKeyIsADuration() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    List.of(
                        "input.path=/x",
                        "target.column=y",
                        "target.task=regression",
                        "output.dir=/w",
                        "output.lock.stale-after=soon")));
    assertEquals(
        "Invalid configuration: output.lock.stale-after: expected a duration such as 120s or 2m, between 1000 ms and 86400 s, found string \"soon\" "
            + "(--set output.lock.stale-after=soon)",
        e.getMessage());
    assertEquals(
        Duration.ofSeconds(120),
        ConfigLoader.load(
                null,
                List.of(
                    "input.path=/x", "target.column=y", "target.task=regression", "output.dir=/w"))
            .output()
            .lockStaleAfter());
  }

  static List<String> list(Path dir) {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
