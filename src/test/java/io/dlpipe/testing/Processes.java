package io.dlpipe.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts and launcher as a user would, with a time limit. */
public final class Processes {
  private Processes() {}

  /** Exit code and combined output of a finished process. */
  public record Result(int code, String output) {}

  public static Result run(
      Path workDir, Map<String, String> env, long timeoutSeconds, List<String> command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("dlpipe-process", ".log");
    Integer code = runTo(workDir, env, timeoutSeconds, command, log);
    if (code == null) {
      throw new IllegalStateException(
          "timed out after "
              + timeoutSeconds
              + " s: "
              + command
              + "\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    Result r = new Result(code, Files.readString(log, StandardCharsets.UTF_8));
    Files.deleteIfExists(log);
    return r;
  }

  /**
   * Like {@link #run(Path, Map, long, List)}, but the output goes to {@code log}, which is kept for
   * inspection and can be followed while the process runs (a test acting on what it logs); a
   * timeout's message names the file instead of holding its text.
   */
  public static Result run(
      Path workDir, Map<String, String> env, long timeoutSeconds, List<String> command, Path log)
      throws IOException, InterruptedException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    Integer code = runTo(workDir, env, timeoutSeconds, command, log);
    if (code == null) {
      throw new IllegalStateException(
          "timed out after " + timeoutSeconds + " s: " + command + " (its output: " + log + ")");
    }
    return new Result(code, Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Runs {@code command} with its output in {@code log}: its exit code, null if it timed out. */
  private static Integer runTo(
      Path workDir, Map<String, String> env, long timeoutSeconds, List<String> command, Path log)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return null;
    }
    return p.exitValue();
  }
}
