package io.dlpipe.workspace;

import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.RunningTasks;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output folder written out of sight and then made visible at once. A stage writes everything
 * into {@code _<name>.staging-<run id>} beside the target, {@code _SUCCESS} last; {@link #commit()}
 * then moves an earlier result aside ({@code _<name>.old-<run id>}), renames the staging folder to
 * the target and deletes the earlier result. A reader therefore finds the old result, the new one,
 * or (for the instant between the two renames) none, never a mix; a failed or killed run leaves the
 * previous result where it was.
 *
 * <p>Leftovers of a killed run are handled when the next run of the stage begins: an earlier result
 * moved aside but never replaced is moved back, and staging folders are deleted. Only folders that
 * carry this kind's {@link OutputMarker} are touched. That is safe because stages run under the
 * {@link WorkspaceLock}: no other run can be writing them.
 */
public final class StagedOutput {
  private static final Logger LOG = LoggerFactory.getLogger(StagedOutput.class);

  /** The message a full local disk, HDFS or tmpfs gives, in the cause chain of a failed write. */
  static final String NO_SPACE = "No space left on device";

  private final HadoopFiles files;
  private final String target;
  private final String staging;
  private final OutputKind kind;
  private final String role;
  private boolean keep;
  private boolean committed;

  private StagedOutput(HadoopFiles files, String target, OutputKind kind, String role) {
    this(files, target, kind, role, null);
  }

  /** {@code staging} null: the usual sibling of the target. */
  private StagedOutput(
      HadoopFiles files, String target, OutputKind kind, String role, String staging) {
    this.files = files;
    this.target = absolute(files, strip(target));
    this.kind = kind;
    this.role = role;
    this.staging =
        staging == null ? sibling(this.target, "staging") : absolute(files, strip(staging));
  }

  /**
   * A finished folder written elsewhere, such as a scheduled day's promoted model candidate, to be
   * {@link #commit() committed} to {@code target} as if it had been staged there. The folder must
   * carry this kind's marker, and the target must be replaceable; both are on one file system, so
   * the commit is still two renames.
   */
  public static StagedOutput adopt(
      HadoopFiles files, String folder, String target, OutputKind kind, String role) {
    StagedOutput out = new StagedOutput(files, target, kind, role, folder);
    OutputMarker m = OutputMarker.read(files, out.staging);
    if (m == null || m.outputKind() != kind) {
      throw new IllegalStateException(
          "Refusing to move "
              + out.staging
              + " to "
              + out.target
              + ": it does not carry the marker of "
              + role);
    }
    OutputGuard.requireReplaceable(files, out.target, kind, role);
    out.recover();
    return out;
  }

  /**
   * Checks that {@code target} may be replaced, tidies up after a killed run, and creates the
   * staging folder with its marker. Throws {@link io.dlpipe.ConfigException} before anything is
   * touched when the target is not this kind's dlpipe output.
   */
  public static StagedOutput begin(HadoopFiles files, String target, OutputKind kind, String role) {
    StagedOutput out = new StagedOutput(files, target, kind, role);
    OutputGuard.requireReplaceable(files, out.target, kind, role);
    out.recover();
    try {
      OutputMarker.of(kind).writeTo(files, out.staging);
    } catch (RuntimeException e) {
      // A full disk fails the very first file: the empty staging folder must not stay behind.
      throw out.failed(e);
    }
    return out;
  }

  /** Where the stage writes: the staging folder. */
  public String path() {
    return staging;
  }

  /** Where the result becomes visible. */
  public String target() {
    return target;
  }

  /** Makes the staged folder the result, replacing an earlier one. */
  public void commit() {
    WorkspaceLock.requireNotLost();
    if (OutputMarker.read(files, staging) == null) {
      throw new IllegalStateException(
          "the staging folder "
              + staging
              + " lost its "
              + OutputMarker.FILE
              + " (a writer replaced the folder instead of "
              + "writing into it); refusing to commit an output that a later run could not recognise as dlpipe's");
    }
    String old = sibling(target, "old");
    boolean movedAside = false;
    if (files.status(target) != null) {
      OutputGuard.requireReplaceable(
          files, target, kind, role); // nothing else appeared there meanwhile
      files.rename(target, old);
      movedAside = true;
    }
    try {
      files.rename(staging, target);
    } catch (RuntimeException e) {
      if (movedAside) {
        files.rename(old, target);
      }
      throw e;
    }
    committed = true;
    if (movedAside) {
      files.deleteRecursively(old);
    }
  }

  /**
   * Leaves the staging folder in place after a failure, for inspection (etl's quarantine of a run
   * with too many bad rows); the next run of the stage deletes it.
   */
  public void keepForInspection() {
    keep = true;
  }

  /**
   * Cleans up after a failure and returns what to throw: the staging folder is deleted (unless kept
   * for inspection), and a full disk becomes one message that says so and names the path. Tasks of
   * a failed Spark job may still be writing into the folder: the deletion waits for them first
   * ({@link RunningTasks}).
   */
  public RuntimeException failed(Exception e) {
    if (!committed && !keep) {
      RunningTasks.awaitNone(RunningTasks.DRAIN_TIMEOUT);
      try {
        files.deleteRecursively(staging);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
    }
    boolean previous;
    try {
      previous = files.status(target) != null;
    } catch (RuntimeException unknown) {
      previous = true; // say less rather than claim nothing was there
    }
    return noSpace(e, target, staging, previous);
  }

  /**
   * {@code e} as a one-line "No space left on device" failure naming the path, when that is its
   * cause; else {@code e}.
   */
  public static RuntimeException noSpace(Exception e, String target, String staging) {
    return noSpace(e, target, staging, true);
  }

  private static RuntimeException noSpace(
      Exception e, String target, String staging, boolean previous) {
    if (isNoSpace(e)) {
      return new DlpipeException(
          ExitCodes.FAILURE,
          NO_SPACE
              + " while writing "
              + staging
              + " (staged for "
              + target
              + "); "
              + (previous
                  ? "the previous result at " + target + " is untouched"
                  : "nothing was written to " + target)
              + ". Free space on that file system, or point the output elsewhere",
          e);
    }
    // Scala code throws checked exceptions (SparkException) undeclared.
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  /** Whether a full disk is the cause of {@code e}. */
  public static boolean isNoSpace(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().contains(NO_SPACE)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A full disk outside any staged output (the workspace lock, run-summary.json) as one line that
   * names the path: the outermost message of the cause chain that mentions it. Null when {@code e}
   * is not a full disk.
   */
  public static DlpipeException noSpace(Throwable e) {
    if (!isNoSpace(e)) {
      return null;
    }
    String what = NO_SPACE;
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains(NO_SPACE) && !m.strip().equals(NO_SPACE)) {
        what = m.strip();
        break;
      }
    }
    return new DlpipeException(
        ExitCodes.FAILURE,
        (what.startsWith(NO_SPACE) ? what : NO_SPACE + ": " + what)
            + ". Free space on that file system, or point the output elsewhere",
        e);
  }

  /** Restores a result a killed commit moved aside, and deletes staging folders of earlier runs. */
  private void recover() {
    String parent = parentOf(target);
    String name = new Path(target).getName();
    List<String> olds = new ArrayList<>();
    for (String entry : files.list(parent)) {
      String path = HadoopFiles.join(parent, entry);
      boolean staged = entry.startsWith("_" + name + ".staging-");
      boolean old = entry.startsWith("_" + name + ".old-");
      if (!staged && !old) {
        continue;
      }
      OutputMarker m = OutputMarker.read(files, path);
      if (m == null || m.outputKind() != kind) {
        List<String> inside = files.list(path);
        // Created, then killed before its marker was written, or while writing it: nothing but our
        // own half-written marker.
        boolean onlyAHalfWrittenMarker =
            m == null
                && inside.stream()
                    .allMatch(
                        n ->
                            n.equals(OutputMarker.FILE)
                                || n.equals("." + OutputMarker.FILE + ".crc"));
        if (inside.isEmpty() || onlyAHalfWrittenMarker) {
          files.deleteRecursively(path);
        }
        continue;
      }
      if (old) {
        olds.add(path);
      } else {
        LOG.info("Deleting {}, left by an earlier run that did not finish", path);
        files.deleteRecursively(path);
      }
    }
    for (int i = 0; i < olds.size(); i++) {
      String path = olds.get(i);
      if (i == olds.size() - 1 && files.status(target) == null) {
        LOG.warn(
            "Restoring {} from {}: an earlier run was killed while replacing it", target, path);
        files.rename(path, target);
      } else {
        files.deleteRecursively(path);
      }
    }
  }

  private static String sibling(String target, String what) {
    return HadoopFiles.join(
        parentOf(target), "_" + new Path(target).getName() + "." + what + "-" + RunId.current());
  }

  private static String parentOf(String target) {
    Path parent = new Path(target).getParent();
    if (parent == null) {
      throw new io.dlpipe.ConfigException(
          "Refusing to write the root folder " + target + "; give a folder below it");
    }
    return parent.toString();
  }

  /**
   * A relative path (predict --output scores) made absolute, so that it has a parent to stage
   * beside.
   */
  private static String absolute(HadoopFiles files, String path) {
    Path p = new Path(path);
    if (p.isAbsolute()) {
      return path;
    }
    try {
      return p.getFileSystem(files.conf()).makeQualified(p).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot resolve " + path, e);
    }
  }

  private static String strip(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
