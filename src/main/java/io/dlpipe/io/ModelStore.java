package io.dlpipe.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** DL4J networks as ModelSerializer zip files on any Hadoop path (local, HDFS, S3A). */
public final class ModelStore {
  private ModelStore() {}

  /** Writes the network, replacing the file; with the updater state when asked (needed to resume). */
  public static void write(Configuration conf, String path, MultiLayerNetwork net, boolean withUpdater) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(p, true)) {
        ModelSerializer.writeModel(net, out, withUpdater);
      }
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      throw HadoopFiles.writeFailure("cannot write the network to " + path, e);
    }
  }

  public static MultiLayerNetwork read(Configuration conf, String path, boolean withUpdater) {
    try {
      Path p = new Path(path);
      try (InputStream in = p.getFileSystem(conf).open(p)) {
        return ModelSerializer.restoreMultiLayerNetwork(in, withUpdater);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the network " + path, e);
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

  /** A network from ModelSerializer bytes. */
  public static MultiLayerNetwork fromBytes(byte[] bytes, boolean withUpdater) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(new java.io.ByteArrayInputStream(bytes), withUpdater);
  }
}
