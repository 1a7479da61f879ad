package io.dlpipe.workspace;

import io.dlpipe.ConfigException;
import io.dlpipe.io.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checks that keep dlpipe from destroying what it did not write, run before a stage touches
 * anything: a target path must be absent or a folder whose {@link OutputMarker} names the kind the
 * stage writes there, and what a stage reads must not lie inside what it replaces. Every refusal is
 * a {@link ConfigException} (exit code 2) naming the path: the command line or the configuration
 * points at the wrong place, and retrying cannot help.
 */
public final class OutputGuard {
  private OutputGuard() {}

  /**
   * Refuses {@code target} unless nothing is there or it is a folder that dlpipe wrote as {@code
   * kind}. An empty folder is refused too: dlpipe did not create it, so it is not dlpipe's to
   * replace.
   *
   * @param role how the configuration or command line names the path, for the message
   */
  public static void requireReplaceable(
      HadoopFiles files, String target, OutputKind kind, String role) {
    FileStatus status = files.status(target);
    if (status == null) {
      return;
    }
    String rule =
        "dlpipe only replaces folders it wrote itself (they carry a "
            + OutputMarker.FILE
            + " marker)";
    if (!status.isDirectory()) {
      throw new ConfigException(
          "Refusing to write "
              + role
              + " "
              + target
              + ": a file is there, not a dlpipe output folder; "
              + rule
              + ". Move it away or choose another path");
    }
    OutputMarker marker = OutputMarker.read(files, target);
    if (marker == null) {
      throw new ConfigException(
          "Refusing to write "
              + role
              + " "
              + target
              + ": the folder exists and was not written by dlpipe (no "
              + OutputMarker.FILE
              + "); "
              + rule
              + ". Move it away or choose another path");
    }
    if (marker.outputKind() != kind) {
      throw new ConfigException(
          "Refusing to write "
              + role
              + " "
              + target
              + ": the folder holds dlpipe's "
              + marker.kind()
              + " output (written by "
              + marker.stage()
              + ", run "
              + marker.runId()
              + "), not "
              + kind.id()
              + " output; "
              + rule
              + " of the same kind. Choose another path");
    }
  }

  /**
   * Refuses when {@code a} and {@code b} are the same path or one lies inside the other, compared
   * as fully qualified paths with symbolic links of local paths resolved.
   *
   * @param why what would go wrong, and what to do instead, for the message
   */
  public static void requireDisjoint(
      Configuration conf, String a, String aRole, String b, String bRole, String why) {
    String qa = normalize(conf, a, aRole);
    String qb = normalize(conf, b, bRole);
    String relation = null;
    if (qa.equals(qb)) {
      relation = "is the same path as";
    } else if (qa.startsWith(qb + "/")) {
      relation = "lies inside";
    } else if (qb.startsWith(qa + "/")) {
      relation = "contains";
    }
    if (relation != null) {
      throw new ConfigException(
          "Refusing " + aRole + " " + a + ": it " + relation + " " + bRole + " " + b + "; " + why);
    }
  }

  /**
   * A path fully qualified by its file system, without a trailing slash; a glob is cut to the
   * folder above its first wildcard (everything the glob can match lies inside it); a local path is
   * resolved through symbolic links as far as it exists.
   */
  static String normalize(Configuration conf, String path, String role) {
    String plain = path;
    int glob = firstGlobChar(path);
    if (glob >= 0) {
      int slash = path.lastIndexOf('/', glob);
      plain = slash <= 0 ? "/" : path.substring(0, slash);
    }
    try {
      Path p = new Path(plain);
      FileSystem fs = p.getFileSystem(conf);
      URI q = fs.makeQualified(p).toUri();
      if ("file".equals(q.getScheme())) {
        return "file:" + realLocal(q.getPath());
      }
      String s = q.toString();
      return s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    } catch (IOException | IllegalArgumentException e) {
      // The first look at a path meets an unknown host (HDFS wraps it in an
      // IllegalArgumentException).
      io.dlpipe.DataException unknown = HadoopFiles.unknownHost(e, path, role);
      if (unknown != null) {
        throw unknown;
      }
      if (e instanceof IllegalArgumentException i) {
        throw i;
      }
      throw new UncheckedIOException("cannot resolve " + path, (IOException) e);
    }
  }

  private static int firstGlobChar(String path) {
    for (int i = 0; i < path.length(); i++) {
      if ("*?[{".indexOf(path.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The real path of the longest existing prefix, followed by the rest as given. */
  private static String realLocal(String path) {
    java.nio.file.Path p = Paths.get(path).toAbsolutePath().normalize();
    java.nio.file.Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return p.toString();
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(p)).normalize().toString();
    } catch (IOException e) {
      return p.toString();
    }
  }
}
