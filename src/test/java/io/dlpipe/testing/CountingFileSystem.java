package io.dlpipe.testing;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code countfs}, counting the bytes read through each
 * {@code open} of each file: how a test sees how often a job reads its input. Spark's shuffle and
 * block storage do not go through Hadoop file systems, so only reads of files count. Register it
 * with {@link #register}; in local mode the executors share the test's JVM and its counters.
 */
public final class CountingFileSystem extends RawLocalFileSystem {
  private static final Map<String, List<AtomicLong>> READS = new ConcurrentHashMap<>();

  /** Makes {@code countfs:///abs/path} readable by the session's Hadoop configuration. */
  public static void register(Configuration conf) {
    conf.set("fs.countfs.impl", CountingFileSystem.class.getName());
    conf.setBoolean("fs.countfs.impl.disable.cache", true);
  }

  /**
   * The bytes read by each open of the file at this absolute local path, in order; forgets them.
   */
  public static List<Long> takeReads(String path) {
    List<AtomicLong> reads = READS.remove(path);
    List<Long> out = new ArrayList<>();
    if (reads != null) {
      synchronized (reads) {
        reads.forEach(r -> out.add(r.get()));
      }
    }
    return out;
  }

  @Override
  public URI getUri() {
    return URI.create("countfs:///");
  }

  @Override
  public String getScheme() {
    return "countfs";
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    setConf(conf);
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    FSDataInputStream in = super.open(f, bufferSize);
    AtomicLong bytes = new AtomicLong();
    List<AtomicLong> reads = READS.computeIfAbsent(f.toUri().getPath(), k -> new ArrayList<>());
    synchronized (reads) {
      reads.add(bytes);
    }
    return new FSDataInputStream(new Counting(in, bytes));
  }

  /** Counts the bytes read through a stream. */
  private static final class Counting extends FSInputStream {
    private final FSDataInputStream in;
    private final AtomicLong bytes;

    Counting(FSDataInputStream in, AtomicLong bytes) {
      this.in = in;
      this.bytes = bytes;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        bytes.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      if (n > 0) {
        bytes.addAndGet(n);
      }
      return n;
    }

    @Override
    public void seek(long pos) throws IOException {
      in.seek(pos);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) throws IOException {
      return in.seekToNewSource(targetPos);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
