package io.dlpipe.ml;

import io.dlpipe.eval.ModelBundle;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.workspace.ModelLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a model bundle (model.zip, transform.json, _SUCCESS, ...) is under a path the user gives: a
 * folder saved by {@link DlpipeModel#write()} keeps it in {@code bundle/} beside Spark ML's {@code
 * metadata/}; {@code jobs/dlpipe train} writes it as {@code <output.dir>/model/}, and either that
 * folder or the workspace above it may be given.
 */
final class Bundles {
  /** Spark ML's metadata folder (DefaultParamsWriter). */
  static final String METADATA = "metadata";

  /** The bundle inside a saved DlpipeModel. */
  static final String BUNDLE = "bundle";

  private Bundles() {}

  /** Whether {@code path} is a folder saved by {@link DlpipeModel#write()}. */
  static boolean isSparkMl(HadoopFiles files, String path) {
    return files.exists(HadoopFiles.join(path, METADATA));
  }

  /** The bundle folder under {@code path}; a clear error when there is none. */
  static String resolve(HadoopFiles files, String path) {
    if (isSparkMl(files, path)) {
      return HadoopFiles.join(path, BUNDLE);
    }
    if (files.exists(HadoopFiles.join(path, ModelLayout.MODEL))) {
      return path;
    }
    String workspaceModel = new ModelLayout(path).root();
    if (files.exists(HadoopFiles.join(workspaceModel, ModelLayout.MODEL))) {
      return workspaceModel;
    }
    throw new IllegalArgumentException(
        "No dlpipe model at "
            + path
            + ": expected a folder saved by DlpipeModel.write() ("
            + METADATA
            + "/ and "
            + BUNDLE
            + "/), a model/ folder written by `jobs/dlpipe train` ("
            + ModelLayout.MODEL
            + ", "
            + ModelLayout.TRANSFORM
            + ", "
            + ModelLayout.SUCCESS
            + "), or the output.dir above it");
  }

  /** Opens the bundle under {@code path}. */
  static ModelBundle open(Configuration hadoop, String path) {
    HadoopFiles files = new HadoopFiles(hadoop);
    return ModelBundle.open(files, hadoop, ModelLayout.of(resolve(files, path)), null);
  }

  /**
   * {@code path} with its file system's scheme and authority, so that executors resolve it the same
   * way.
   */
  static String qualify(Configuration hadoop, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(hadoop).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path, e);
    }
  }

  static void writeBytes(Configuration hadoop, String path, byte[] bytes) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      try (OutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
