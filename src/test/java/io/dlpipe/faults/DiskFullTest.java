package io.dlpipe.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ExitCodes;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.workspace.RunId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real full disk: the workspace lives on a 2 MiB tmpfs. A first etl (credit, 4,454 rows) fits; a
 * second one on 300,000 synthetic rows does not. It must exit 1 with a first line that says "No
 * space left on device" and names the path, write no _SUCCESS, and leave the first result in place.
 * Needs root (mount); skipped, saying why, where mounting is not allowed.
 */
class DiskFullTest {
  private static Path tmp;
  private static Path disk;
  private static boolean mounted;

  @BeforeAll
  static void mountASmallDisk() throws Exception {
    // Not a @TempDir: its cleanup could run while the mount is still busy and fail the class.
    tmp = Files.createTempDirectory("dlpipe-disk-full");
    disk = tmp.resolve("small");
    Files.createDirectories(disk);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString())
            .redirectErrorStream(true)
            .start();
    boolean done = p.waitFor(30, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes());
    mounted = done && p.exitValue() == 0;
    Assumptions.assumeTrue(
        mounted, "cannot mount a 2 MiB tmpfs (needs root and CAP_SYS_ADMIN): " + out.strip());
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      // Lazy: Spark may still hold a file of the aborted write open, and the folder must be
      // deletable at once.
      new ProcessBuilder("umount", "-l", disk.toString())
          .inheritIO()
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    }
    try (var paths = Files.walk(tmp)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aFullDiskExitsOneNamingThePathAndKeepsThePreviousResult() throws Exception {
    Path ws = disk.resolve("ws");
    TestSpark.get();
    List<String> common =
        List.of(
            "--set",
            "target.column=Status",
            "--set",
            "target.task=classification",
            "--set",
            "output.dir=" + ws,
            "--set",
            "spark.master=local[2]",
            "--set",
            "etl.max-reject-ratio=0.5");
    CliRun.Outcome first = etl(TestData.credit().toString(), common);
    assertEquals(ExitCodes.OK, first.code(), first.err());
    byte[] transform = Files.readAllBytes(ws.resolve("prepared/transform.json"));

    Path big = tmp.resolve("big");
    assertEquals(
        ExitCodes.OK,
        CliRun.run(
                "synth",
                "--shape",
                "credit",
                "--rows",
                "300000",
                "--out",
                big.toString(),
                "--master",
                "local[2]")
            .code());
    CliRun.Outcome full = etl(big.toString(), common);
    assertEquals(ExitCodes.FAILURE, full.code(), full.err());
    String staging = ws.resolve("_prepared.staging-" + RunId.current()).toString();
    assertEquals(
        "dlpipe: No space left on device while writing "
            + staging
            + " (staged for "
            + ws.resolve("prepared")
            + "); the previous result at "
            + ws.resolve("prepared")
            + " is untouched. Free space on that file system, or point the output elsewhere",
        full.err().lines().findFirst().orElseThrow());
    assertFalse(Files.exists(Path.of(staging)), "the staging folder is deleted, freeing the space");
    assertArrayEquals(
        transform,
        Files.readAllBytes(ws.resolve("prepared/transform.json")),
        "the previous result is still in place");
    assertTrue(Files.exists(ws.resolve("prepared/_SUCCESS")));
    assertTrue(
        new String(Files.readAllBytes(ws.resolve("prepared/etl-summary.json")))
            .contains("\"rows_read\" : 4454"));
  }

  private static CliRun.Outcome etl(String input, List<String> common) {
    List<String> args = new java.util.ArrayList<>(List.of("etl", "--set", "input.path=" + input));
    args.addAll(common);
    return CliRun.run(args.toArray(new String[0]));
  }

  /**
   * A disk with no byte left: the first file a command writes fails. The workspace lock and a
   * staging folder's marker are such first files; neither may stay behind (an empty lock would
   * block every later run, a staging folder keeps the disk full), and neither is a raw trace.
   */
  @Test
  void aDiskWithNoSpaceLeftIsOneLineAndKeepsNoLockOrStagingFolder() throws Exception {
    Path ws = tmp.resolve("ws-model");
    io.dlpipe.config.DlpipeConfig cfg =
        TestData.creditConfig(TestData.credit(), ws, "train.epochs=1", "etl.max-reject-ratio=0.5");
    new io.dlpipe.etl.EtlJob(TestSpark.get(), cfg).run();
    new io.dlpipe.train.TrainJob(TestSpark.get(), cfg).run(true);
    Path filler = disk.resolve("filler");
    try {
      fill(filler);
      Path out = disk.resolve("scores");
      CliRun.Outcome predict =
          CliRun.run(
              "predict",
              "--input",
              TestData.credit().toString(),
              "--output",
              out.toString(),
              "--set",
              "input.path=" + TestData.credit(),
              "--set",
              "target.column=Status",
              "--set",
              "target.task=classification",
              "--set",
              "target.classes=[good, bad]",
              "--set",
              "output.dir=" + ws,
              "--set",
              "etl.max-reject-ratio=0.5",
              "--set",
              "spark.master=local[2]");
      assertEquals(ExitCodes.FAILURE, predict.code(), predict.err());
      String staging = disk.resolve("_scores_quarantine.staging-" + RunId.current()).toString();
      assertEquals(
          "dlpipe: No space left on device while writing "
              + staging
              + " (staged for "
              + out
              + "_quarantine); nothing was written to "
              + out
              + "_quarantine. Free space on that file system, or point the output elsewhere\n",
          predict.err());

      Path full = disk.resolve("ws-full");
      CliRun.Outcome etl =
          etl(
              TestData.credit().toString(),
              List.of(
                  "--set",
                  "target.column=Status",
                  "--set",
                  "target.task=classification",
                  "--set",
                  "output.dir=" + full));
      assertEquals(ExitCodes.FAILURE, etl.code(), etl.err());
      assertEquals(
          "dlpipe: No space left on device while taking the workspace lock "
              + full.resolve("_dlpipe.lock")
              + "; nothing was written. Free space on that file "
              + "system, or point output.dir elsewhere\n",
          etl.err());
      try (var left = Files.walk(disk)) {
        // Only the filler, the first test's workspace and the folder the lock would have gone into.
        assertEquals(
            List.of(),
            left.filter(
                    p ->
                        !p.equals(disk)
                            && !p.equals(filler)
                            && !p.startsWith(disk.resolve("ws"))
                            && !p.equals(full))
                .map(Path::toString)
                .toList());
      }
      assertEquals(
          List.of(), Files.list(full).toList(), "no empty lock is left to block the next run");
    } finally {
      Files.deleteIfExists(filler);
    }
  }

  /** Writes {@code file} until the disk is full. */
  private static void fill(Path file) throws java.io.IOException {
    byte[] block = new byte[64 * 1024];
    try (var out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (java.io.IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
        throw full;
      }
    }
  }
}
