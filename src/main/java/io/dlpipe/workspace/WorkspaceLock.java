package io.dlpipe.workspace;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.dlpipe.DataException;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per workspace: {@code <output.dir>/_dlpipe.lock}, created only if absent (an atomic
 * create on HDFS, {@code O_CREAT|O_EXCL} on a local disk), naming the holder: host, process id, run
 * id, command and start time. A daemon thread refreshes its modification time every quarter of
 * {@code output.lock.stale-after} while the command runs; the lock is deleted when the command ends
 * (also on SIGTERM or Ctrl-C, through a shutdown hook).
 *
 * <p>A second command on the same workspace fails at once with exit code 3 naming the holder. A
 * lock whose holder stopped refreshing it (killed with SIGKILL, host lost) is taken over once it is
 * older than {@code stale-after}, or at once when it names a process on this host that no longer
 * exists; the log says so. Conditions are in docs/RELIABILITY.md (clock skew, object stores).
 */
public final class WorkspaceLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceLock.class);
  public static final String FILE = "_dlpipe.lock";
  private static volatile WorkspaceLock held;
  private static String hostName;

  private final FileSystem fs;
  private final Path path;
  private final Holder me;
  private final ScheduledExecutorService refresher;
  private final Thread shutdownHook;
  private volatile String lostTo;

  /** What the lock file says about its holder. */
  record Holder(String host, long pid, String runId, String command, String startedAt) {
    String describe() {
      return "host "
          + host
          + ", pid "
          + pid
          + ", run "
          + runId
          + ", command "
          + command
          + ", started "
          + startedAt;
    }
  }

  private WorkspaceLock(FileSystem fs, Path path, Holder me, Duration staleAfter) {
    this.fs = fs;
    this.path = path;
    this.me = me;
    long periodMs = Math.max(250, staleAfter.toMillis() / 4);
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dlpipe-workspace-lock");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(this::refresh, periodMs, periodMs, TimeUnit.MILLISECONDS);
    this.shutdownHook = new Thread(this::release, "dlpipe-workspace-unlock");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Takes the lock of {@code outputDir} (created if absent) for {@code command}, or throws a {@link
   * DataException} naming the holder.
   */
  public static WorkspaceLock acquire(
      Configuration conf, String outputDir, String command, Duration staleAfter) {
    Path path = new Path(HadoopFiles.join(outputDir, FILE));
    Holder me =
        new Holder(
            hostName(),
            ProcessHandle.current().pid(),
            RunId.current(),
            command,
            Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    try {
      FileSystem fs = path.getFileSystem(conf);
      fs.mkdirs(path.getParent());
      for (int attempt = 0; attempt < 3; attempt++) {
        if (tryCreate(fs, path, Json.write(me))) {
          WorkspaceLock lock = new WorkspaceLock(fs, path, me, staleAfter);
          held = lock;
          LOG.info("Workspace lock {} taken ({})", path, me.describe());
          return lock;
        }
        FileStatus status = statusOrNull(fs, path);
        if (status == null) {
          continue; // released meanwhile
        }
        Holder holder = read(fs, path);
        long ageMs = System.currentTimeMillis() - status.getModificationTime();
        String why = staleReason(holder, ageMs, staleAfter);
        if (why == null) {
          throw new DataException(
              "Workspace "
                  + outputDir
                  + " is in use by another dlpipe command ("
                  + path
                  + "): "
                  + (holder == null ? "holder unreadable" : holder.describe())
                  + ", last refreshed "
                  + seconds(ageMs)
                  + " s ago. Wait for it to "
                  + "finish; a lock not refreshed for "
                  + staleAfter.toSeconds()
                  + " s (output.lock.stale-after) is taken over");
        }
        takeOver(fs, path, holder, why);
      }
      throw new DataException(
          "Workspace "
              + outputDir
              + ": could not take the lock "
              + path
              + " after 3 attempts; other dlpipe commands keep taking it");
    } catch (IOException | IllegalArgumentException e) {
      DataException unknown = HadoopFiles.unknownHost(e, outputDir, "output.dir");
      if (unknown != null) {
        throw unknown;
      }
      if (e instanceof IllegalArgumentException i) {
        throw i;
      }
      if (StagedOutput.isNoSpace(e)) {
        throw new io.dlpipe.DlpipeException(
            io.dlpipe.ExitCodes.FAILURE,
            StagedOutput.NO_SPACE
                + " while taking the workspace lock "
                + path
                + "; nothing was written. Free space on that file system, or point output.dir elsewhere",
            e);
      }
      throw new UncheckedIOException(
          "cannot take the workspace lock " + path + ": " + e.getMessage(), (IOException) e);
    }
  }

  /** Why the holder's lock is stale, or null when it is live. */
  private static String staleReason(Holder holder, long ageMs, Duration staleAfter) {
    if (ageMs > staleAfter.toMillis()) {
      return "not refreshed for "
          + seconds(ageMs)
          + " s, more than output.lock.stale-after = "
          + staleAfter.toSeconds()
          + " s";
    }
    if (holder != null
        && holder.host().equals(hostName())
        && holder.pid() != ProcessHandle.current().pid()
        && ProcessHandle.of(holder.pid()).isEmpty()) {
      return "process " + holder.pid() + " on this host no longer exists";
    }
    return null;
  }

  /**
   * Moves the stale lock aside with a rename (atomic on HDFS and local disks, so of two takers only
   * one succeeds) and checks it moved the lock it judged stale, not a fresh one taken meanwhile.
   */
  private static void takeOver(FileSystem fs, Path path, Holder stale, String why)
      throws IOException {
    Path aside = new Path(path.getParent(), FILE + ".stale-" + RunId.current());
    if (!fs.rename(path, aside)) {
      return; // another taker was first; try again
    }
    Holder moved = read(fs, aside);
    boolean same =
        stale == null ? moved == null : moved != null && stale.runId().equals(moved.runId());
    if (!same && moved != null) {
      fs.rename(aside, path); // a fresh lock: put it back, the next attempt reports it
      return;
    }
    fs.delete(aside, false);
    LOG.warn(
        "Taking over the stale workspace lock {} ({}): {}",
        path,
        stale == null ? "holder unreadable" : stale.describe(),
        why);
  }

  private static boolean tryCreate(FileSystem fs, Path path, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getUri().getScheme())) {
      // Hadoop's local create(path, false) checks and then creates: two processes can both win.
      // O_EXCL cannot.
      java.nio.file.Path local = Paths.get(fs.makeQualified(path).toUri());
      try (OutputStream out =
          Files.newOutputStream(
              local,
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        try {
          out.write(bytes);
        } catch (IOException e) {
          // Created but not written (a full disk): an empty lock names no holder and would block
          // every later run.
          Files.deleteIfExists(local);
          throw e;
        }
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (StagedOutput.isNoSpace(e)) {
        fs.delete(
            path, false); // created but not written: an empty lock would block every later run
        throw e;
      }
      if (fs.exists(path)) {
        return false; // some file systems report the conflict as a plain IOException
      }
      throw e;
    }
  }

  /**
   * Fails a commit when this process lost its lock to another run (it stopped refreshing for longer
   * than stale-after).
   */
  public static void requireNotLost() {
    WorkspaceLock lock = held;
    if (lock != null && lock.lostTo != null) {
      throw new DataException(
          "This command lost the workspace lock "
              + lock.path
              + " to another dlpipe command ("
              + lock.lostTo
              + "); nothing was committed. Run it again once the other one has finished");
    }
  }

  private void refresh() {
    try {
      Holder now = statusOrNull(fs, path) == null ? null : read(fs, path);
      if (now == null || !now.runId().equals(me.runId())) {
        if (lostTo == null) {
          lostTo = now == null ? "the lock file was deleted" : now.describe();
          LOG.error(
              "Lost the workspace lock {}: {}. This command will not commit its output",
              path,
              lostTo);
        }
        return;
      }
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot refresh the workspace lock {}: {}", path, e.toString());
    }
  }

  /** The lock's path. */
  public String path() {
    return path.toString();
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs release() itself
    }
    release();
  }

  private synchronized void release() {
    refresher.shutdownNow();
    if (held == this) {
      held = null;
    }
    try {
      Holder now = statusOrNull(fs, path) == null ? null : read(fs, path);
      if (now != null && now.runId().equals(me.runId())) {
        fs.delete(path, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot release the workspace lock {}: {}", path, e.toString());
    }
  }

  private static Holder read(FileSystem fs, Path path) {
    try (var in = fs.open(path)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Json.MAPPER
          .readerFor(Holder.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(text);
    } catch (IOException e) {
      return null; // being written, or not dlpipe's: judged by its age alone
    }
  }

  private static FileStatus statusOrNull(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path);
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
  }

  private static synchronized String hostName() {
    if (hostName == null) {
      try {
        hostName = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        String env = System.getenv("HOSTNAME");
        hostName = env == null ? "unknown-host" : env;
      }
    }
    return hostName;
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
  }
}
