package io.dlpipe.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Network files ({@code io.dlpipe.net.Network#bytes}) on any Hadoop path (local, HDFS, S3A). What
 * the bytes mean is the net package's business; this only moves them.
 */
public final class ModelStore {
  private ModelStore() {}

  /** Writes the network's bytes, replacing the file. */
  public static void write(Configuration conf, String path, byte[] network) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(p, true)) {
        out.write(network);
      }
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      throw HadoopFiles.writeFailure("cannot write the network to " + path, e);
    }
  }

  /** The file's exact bytes: what model_id digests and what a bundle restores from, read once. */
  public static byte[] readBytes(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      try (InputStream in = p.getFileSystem(conf).open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
