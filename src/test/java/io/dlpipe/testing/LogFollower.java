package io.dlpipe.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a log file line by line while a process is still writing it, so that a test can act the
 * moment the process logs something (kill an executor when training begins) instead of after a
 * guessed delay, which a loaded machine makes too short or too long. It wakes on each write (the
 * file system's change events; a periodic look in case one is missed) and never reads a line that
 * is not yet complete.
 */
public final class LogFollower implements AutoCloseable {
  private final Path file;
  private final WatchService watcher;
  private final StringBuilder partial = new StringBuilder();
  private long position;

  /** Follows {@code file} from its start; it need not exist yet. */
  public LogFollower(Path file) throws IOException {
    this.file = file.toAbsolutePath();
    Files.createDirectories(this.file.getParent());
    watcher = FileSystems.getDefault().newWatchService();
    this.file
        .getParent()
        .register(
            watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
  }

  /**
   * Waits for the next complete line that {@code pattern} finds something in, and returns the
   * match; the lines before it are passed over.
   *
   * @throws InterruptedException when the thread is interrupted (the process ended without the
   *     line)
   */
  public Matcher await(Pattern pattern) throws IOException, InterruptedException {
    while (true) {
      for (String line = nextLine(); line != null; line = nextLine()) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      var key = watcher.poll(1, TimeUnit.SECONDS);
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("stopped waiting for " + pattern + " in " + file);
      }
    }
  }

  /** The next complete line written since the last call, or null when there is none yet. */
  private String nextLine() throws IOException {
    int newline = partial.indexOf("\n");
    if (newline < 0 && Files.exists(file)) {
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        if (in.length() > position) {
          byte[] bytes = new byte[(int) Math.min(in.length() - position, 1 << 20)];
          in.seek(position);
          in.readFully(bytes);
          position += bytes.length;
          // A multi-byte character cut by a read's end would be garbled; the markers a test
          // waits for are ASCII.
          partial.append(new String(bytes, StandardCharsets.UTF_8));
          newline = partial.indexOf("\n");
        }
      }
    }
    if (newline < 0) {
      return null;
    }
    String line = partial.substring(0, newline);
    partial.delete(0, newline + 1);
    return line;
  }

  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
