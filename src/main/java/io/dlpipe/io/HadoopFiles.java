package io.dlpipe.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small-file operations on any Hadoop path (local, HDFS, S3A), for the JSON side files and the
 * {@code _SUCCESS} markers that stages write beside their Parquet.
 */
public final class HadoopFiles {
  private final Configuration conf;

  public HadoopFiles(Configuration conf) {
    this.conf = conf;
  }

  public boolean exists(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /** Deletes a file or folder tree; absent is fine. */
  public void deleteRecursively(String path) {
    try {
      Path p = new Path(path);
      p.getFileSystem(conf).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  /** Writes UTF-8 text, replacing the file. */
  public void writeText(String path, String text) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      // No .crc side files next to the JSON on the local file system; HDFS checksums itself.
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  public String readText(String path) {
    try {
      Path p = new Path(path);
      try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** Joins a folder and a child name without doubling slashes. */
  public static String join(String dir, String child) {
    return dir.endsWith("/") ? dir + child : dir + "/" + child;
  }
}
