package io.dlpipe.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.DataException;
import io.dlpipe.testing.TestData;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per workspace, between real processes: JVMs of their own, as a scheduler would start
 * them.
 */
class WorkspaceLockProcessTest {
  @TempDir Path tmp;

  @Test
  void ofTwoEtlProcessesOnOneWorkspaceOneRunsAndTheOtherExitsThreeAtOnceNamingIt()
      throws Exception {
    Path ws = tmp.resolve("ws");
    List<String> etl =
        List.of(
            "io.dlpipe.cli.Main",
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
            "spark.master=local[1]");
    Process a = java(etl, tmp.resolve("a.log"));
    Process b = java(etl, tmp.resolve("b.log"));
    assertTrue(a.waitFor(300, TimeUnit.SECONDS) && b.waitFor(300, TimeUnit.SECONDS), "both finish");
    Process winner = a.exitValue() == 0 ? a : b;
    Process loser = winner == a ? b : a;
    String winnerLog = Files.readString(tmp.resolve(winner == a ? "a.log" : "b.log"));
    String loserLog = Files.readString(tmp.resolve(loser == a ? "a.log" : "b.log"));
    assertEquals(0, winner.exitValue(), winnerLog);
    assertEquals(3, loser.exitValue(), loserLog);
    String message =
        loserLog.lines().filter(l -> l.startsWith("dlpipe: ")).findFirst().orElseThrow();
    assertTrue(
        message.matches(
            "dlpipe: Workspace "
                + ws
                + " is in use by another dlpipe command \\("
                + ws
                + "/_dlpipe.lock\\): host \\S+, pid "
                + winner.pid()
                + ", run \\S+, command etl, started \\S+, last refreshed \\d+\\.\\d s ago\\. Wait for it to finish; a lock not refreshed for "
                + "120 s \\(output\\.lock\\.stale-after\\) is taken over"),
        message);
    assertFalse(
        loserLog.contains("Running Spark version"), "the second command stops before Spark starts");
    assertTrue(Files.exists(ws.resolve("prepared/_SUCCESS")));
    assertFalse(Files.exists(ws.resolve(WorkspaceLock.FILE)), "released by the winner");
  }

  @Test
  void theLockOfAProcessKilledWithSigkillIsTakenOverAndTheLogSaysSo() throws Exception {
    Path ws = tmp.resolve("ws");
    Path lock = ws.resolve(WorkspaceLock.FILE);
    Process holder =
        java(
            List.of(LockHolderMain.class.getName(), ws.toString(), "60", "hold"),
            tmp.resolve("holder.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(tmp.resolve("holder.log")).contains("locked ")
        && holder.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String holderLog = Files.readString(tmp.resolve("holder.log"));
    assertTrue(holder.isAlive(), holderLog);
    String holderRun =
        holderLog
            .lines()
            .filter(l -> l.startsWith("locked "))
            .findFirst()
            .orElseThrow()
            .substring("locked ".length());

    DataException busy =
        assertThrows(
            DataException.class,
            () ->
                WorkspaceLock.acquire(
                    new Configuration(), ws.toString(), "etl", Duration.ofSeconds(60)));
    assertTrue(
        busy.getMessage()
            .contains("pid " + holder.pid() + ", run " + holderRun + ", command test-holder"),
        busy.getMessage());

    holder.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook releases the lock
    assertTrue(Files.exists(lock), "a killed holder leaves its lock behind");
    Process next =
        java(
            List.of(LockHolderMain.class.getName(), ws.toString(), "60", "once"),
            tmp.resolve("next.log"));
    assertTrue(next.waitFor(60, TimeUnit.SECONDS));
    String nextLog = Files.readString(tmp.resolve("next.log"));
    assertEquals(0, next.exitValue(), nextLog);
    assertTrue(
        nextLog.contains("Taking over the stale workspace lock " + lock + " (host "), nextLog);
    assertTrue(
        nextLog.contains(
            ", pid " + holder.pid() + ", run " + holderRun + ", command test-holder, started "),
        nextLog);
    assertTrue(
        nextLog.contains("): process " + holder.pid() + " on this host no longer exists"), nextLog);
    assertFalse(Files.exists(lock));
  }

  /** A JVM of its own on this test's class path. */
  private static Process java(List<String> mainAndArgs, Path log) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }
}
