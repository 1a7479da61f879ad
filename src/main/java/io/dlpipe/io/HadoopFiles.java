package io.dlpipe.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
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

  /**
   * Whether {@code path} lies on this machine's file system (no scheme and a local default file
   * system, or file:).
   */
  public static boolean isLocal(Configuration conf, String path) {
    try {
      // By the scheme alone: opening the file system of an object store could already reach the
      // network.
      String scheme = new Path(path).toUri().getScheme();
      return "file".equals(scheme == null ? FileSystem.getDefaultUri(conf).getScheme() : scheme);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public boolean exists(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /** True when {@code path} is a plain file. */
  public boolean isFile(String path) {
    FileStatus s = status(path);
    return s != null && s.isFile();
  }

  /** The status of a path, or null when nothing is there. */
  public FileStatus status(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).getFileStatus(p);
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /** The names of a folder's entries, sorted; empty when the folder is absent. */
  public List<String> list(String dir) {
    List<String> names = new ArrayList<>();
    try {
      Path p = new Path(dir);
      for (FileStatus s : p.getFileSystem(conf).listStatus(p)) {
        names.add(s.getPath().getName());
      }
    } catch (FileNotFoundException e) {
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    names.sort(null);
    return names;
  }

  public void mkdirs(String dir) {
    try {
      Path p = new Path(dir);
      if (!p.getFileSystem(conf).mkdirs(p)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /**
   * Renames a file or folder to a path that must not exist yet. Atomic on HDFS and on a local disk;
   * a copy and delete on object stores (see docs/RELIABILITY.md).
   */
  public void rename(String from, String to) {
    try {
      Path src = new Path(from);
      Path dst = new Path(to);
      FileSystem fs = src.getFileSystem(conf);
      if (fs.exists(dst)) {
        throw new IOException(to + " exists");
      }
      if (!fs.rename(src, dst)) {
        throw new IOException("the file system refused the rename");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot rename " + from + " to " + to + ": " + e.getMessage(), e);
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
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      throw writeFailure("cannot write " + path, e);
    }
  }

  /**
   * A failed write as an exception that names what was written. The local file system reports a
   * full disk as {@link org.apache.hadoop.fs.FSError}, an {@link Error} that no {@code catch
   * (Exception)} sees: it would skip every clean-up and reach the console as a raw trace.
   */
  public static UncheckedIOException writeFailure(String what, Throwable e) {
    IOException io =
        e instanceof IOException i
            ? i
            : e.getCause() instanceof IOException i ? i : new IOException(e.getMessage(), e);
    return new UncheckedIOException(what + ": " + io.getMessage(), io);
  }

  public Configuration conf() {
    return conf;
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

  /**
   * The settings of {@code conf} that someone set (core-site.xml, {@code spark.hadoop.*}, code),
   * leaving out Hadoop's built-in defaults (the *-default.xml files): for finding the credential
   * values to scrub from messages. Defaults hold no secrets, and values such as "false" or "600"
   * under token-like names would otherwise be masked in every message.
   */
  public static java.util.Map<String, String> explicitSettings(Configuration conf) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, String> e : conf) {
      String[] sources = conf.getPropertySources(e.getKey());
      boolean builtIn =
          sources != null
              && sources.length > 0
              && java.util.Arrays.stream(sources).allMatch(s -> s.endsWith("-default.xml"));
      if (!builtIn) {
        String value = conf.get(e.getKey());
        out.put(e.getKey(), value == null ? e.getValue() : value);
      }
    }
    return out;
  }

  /**
   * A data error naming the host, the path and how the configuration or command line names it, when
   * {@code e} has an unknown host anywhere in its cause chain; null otherwise. The exception itself
   * names only the host, so this is for the places that know which path they were opening.
   */
  public static io.dlpipe.DataException unknownHost(Throwable e, String path, String role) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.net.UnknownHostException u) {
        String host = null;
        try {
          host = new Path(path).toUri().getHost();
        } catch (IllegalArgumentException notAPath) {
          // the exception's own words below
        }
        return new io.dlpipe.DataException(
            "Unknown host "
                + (host != null ? host : u.getMessage())
                + ": "
                + path
                + " ("
                + role
                + ") cannot be reached; check the host name",
            e);
      }
    }
    return null;
  }

  /** Joins a folder and a child name without doubling slashes. */
  public static String join(String dir, String child) {
    return dir.endsWith("/") ? dir + child : dir + "/" + child;
  }
}
