package io.dlpipe.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ExitCodes;
import io.dlpipe.io.RunId;
import io.dlpipe.testing.CliRun;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real full disk: the workspace lives on a 2 MiB tmpfs. A first etl (credit, 4,454 rows) fits;
 * a second one on 300,000 synthetic rows does not. It must exit 1 with a first line that says "No
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
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString()).redirectErrorStream(true).start();
    boolean done = p.waitFor(30, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes());
    mounted = done && p.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a 2 MiB tmpfs (needs root and CAP_SYS_ADMIN): " + out.strip());
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      // Lazy: Spark may still hold a file of the aborted write open, and the folder must be deletable at once.
      new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
    try (var paths = Files.walk(tmp)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aFullDiskExitsOneNamingThePathAndKeepsThePreviousResult() throws Exception {
    Path ws = disk.resolve("ws");
    TestSpark.get();
    List<String> common = List.of("--set", "target.column=Status", "--set", "target.task=classification", "--set", "output.dir=" + ws,
        "--set", "spark.master=local[2]", "--set", "etl.max-reject-ratio=0.5");
    CliRun.Outcome first = etl(TestData.credit().toString(), common);
    assertEquals(ExitCodes.OK, first.code(), first.err());
    byte[] transform = Files.readAllBytes(ws.resolve("prepared/transform.json"));

    Path big = tmp.resolve("big");
    assertEquals(ExitCodes.OK, CliRun.run("synth", "--shape", "credit", "--rows", "300000", "--out", big.toString(), "--master", "local[2]").code());
    CliRun.Outcome full = etl(big.toString(), common);
    assertEquals(ExitCodes.FAILURE, full.code(), full.err());
    String staging = ws.resolve("_prepared.staging-" + RunId.current()).toString();
    assertEquals("dlpipe: No space left on device while writing " + staging + " (staged for " + ws.resolve("prepared") + "); the previous result at "
        + ws.resolve("prepared") + " is untouched. Free space on that file system, or point the output elsewhere", full.err().lines().findFirst().orElseThrow());
    assertFalse(Files.exists(Path.of(staging)), "the staging folder is deleted, freeing the space");
    assertArrayEquals(transform, Files.readAllBytes(ws.resolve("prepared/transform.json")), "the previous result is still in place");
    assertTrue(Files.exists(ws.resolve("prepared/_SUCCESS")));
    assertTrue(new String(Files.readAllBytes(ws.resolve("prepared/etl-summary.json"))).contains("\"rows_read\" : 4454"));
  }

  private static CliRun.Outcome etl(String input, List<String> common) {
    List<String> args = new java.util.ArrayList<>(List.of("etl", "--set", "input.path=" + input));
    args.addAll(common);
    return CliRun.run(args.toArray(new String[0]));
  }
}
