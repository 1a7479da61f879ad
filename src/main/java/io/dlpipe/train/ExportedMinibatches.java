package io.dlpipe.train;

import io.dlpipe.head.OutputHead;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The train split written once as {@link MinibatchFile}s, one file per minibatch, and the RDD of
 * their paths that every epoch trains from ({@link io.dlpipe.net.SparkNetwork#fitPaths} with {@link
 * MinibatchFileLoader}). This is DL4J's export approach with dlpipe's own file format: each
 * averaging round deals out paths, not data, and each worker streams its minibatches from the
 * shared file system, so an epoch's memory does not grow with the data.
 *
 * <p>The files go to a folder of their own that this class creates (it refuses one that already
 * exists) and {@link #delete} removes: the only thing it deletes is what it wrote.
 */
public final class ExportedMinibatches {
  private static final Logger LOG = LoggerFactory.getLogger(ExportedMinibatches.class);

  private final JavaRDD<String> paths;
  private final Path dir;
  private final FileSystem fs;
  private final long count;

  private ExportedMinibatches(JavaRDD<String> paths, Path dir, FileSystem fs, long count) {
    this.paths = paths;
    this.dir = dir;
    this.fs = fs;
    this.count = count;
  }

  /**
   * Writes {@code rows} (prepared {@code features, label}) as minibatches of {@code batchSize} rows
   * under a new folder in {@code exportDir}, one Spark job; the conversion time and rows are added
   * to {@code nanos} and {@code rowCount} when given.
   */
  public static ExportedMinibatches write(
      Dataset<Row> rows,
      String exportDir,
      int featureCount,
      int batchSize,
      OutputHead codec,
      LongAccumulator nanos,
      LongAccumulator rowCount) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
    Path dir = new Path(exportDir, "minibatches-" + UUID.randomUUID());
    FileSystem fs;
    try {
      fs = dir.getFileSystem(jsc.hadoopConfiguration());
      if (fs.exists(dir) || !fs.mkdirs(dir)) {
        throw new IOException("cannot create a new folder " + dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the minibatch export folder in " + exportDir, e);
    }
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
    String target = dir.toString();
    Function2<Integer, Iterator<InternalRow>, Iterator<String>> export =
        (partition, it) -> {
          if (!it.hasNext()) {
            return Collections.emptyIterator();
          }
          MinibatchIterator batches =
              new MinibatchIterator(it, featureCount, batchSize, codec, nanos, rowCount);
          Path base = new Path(target);
          FileSystem out = base.getFileSystem(conf.value().value());
          byte[] buffer = new byte[MinibatchFile.size(batchSize, featureCount, codec.width())];
          List<String> written = new ArrayList<>();
          for (int i = 0; batches.hasNext(); i++) {
            int n = batches.fillNext();
            // Named by partition and position, so a retried task rewrites the same files.
            Path file =
                new Path(base, String.format(Locale.ROOT, "part-%05d-%07d.mb", partition, i));
            try (OutputStream stream = create(out, file)) {
              MinibatchFile.write(
                  stream,
                  buffer,
                  batches.features(),
                  batches.labels(),
                  n,
                  featureCount,
                  codec.width());
            }
            written.add(file.toString());
          }
          return written.iterator();
        };
    JavaRDD<String> paths =
        rows.queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitionsWithIndex(export, true)
            // DL4J's training masters persist the paths at MEMORY_ONLY themselves
            // (storageLevelStreams)
            // and Spark refuses to change a level once set. The paths are small: ~100 bytes a
            // minibatch.
            .persist(StorageLevel.MEMORY_ONLY());
    long count = paths.count();
    LOG.info(
        "Exported the train split as {} minibatch files of up to {} rows to {}",
        count,
        batchSize,
        dir);
    return new ExportedMinibatches(paths, dir, fs, count);
  }

  /**
   * A new file at {@code file}, replaced if a retried task left one. On the local file system it is
   * opened directly: Hadoop's local file system forks a {@code chmod} process for every file it
   * creates (and again for its checksum file) when Hadoop's native library is absent, which at one
   * file per minibatch costs more than writing the data.
   */
  private static OutputStream create(FileSystem fs, Path file) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      return Files.newOutputStream(local.pathToFile(file).toPath());
    }
    return fs.create(file, true);
  }

  /** The minibatch files' paths, persisted; one per minibatch. */
  public JavaRDD<String> paths() {
    return paths;
  }

  /**
   * The paths dealt out anew for one epoch: a random order, in {@code workers} partitions of nearly
   * equal size (one shuffle of the paths, not of the data). Each worker thus sees a different
   * random share of the minibatches every epoch, which is what DL4J's per-round repartition bought
   * (three Spark jobs and a shuffle every averaging round); with one partition per worker, DL4J's
   * {@code num-partitions-workers-differs} leaves the rounds alone.
   */
  public JavaRDD<String> dealt(int epoch, int workers, long seed) {
    long epochSeed = mix(seed + 0x9E3779B97F4A7C15L * epoch);
    // Keyed by the file's name (partition and position), not its path: the folder's name is
    // new in every run, and train.seed must deal the same way each time.
    JavaPairRDD<Long, String> keyed =
        paths.mapToPair(
            p -> new Tuple2<>(mix(epochSeed ^ p.substring(p.lastIndexOf('/') + 1).hashCode()), p));
    return keyed.repartitionAndSortWithinPartitions(new HashPartitioner(workers)).values();
  }

  /** SplitMix64's finalizer: a well-mixed 64-bit hash of {@code z}. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** How many minibatch files were written. */
  public long count() {
    return count;
  }

  /** Unpersists the paths and deletes the folder {@link #write} created, with every file in it. */
  public void delete() {
    paths.unpersist(false);
    try {
      fs.delete(dir, true);
    } catch (IOException e) {
      LOG.warn("could not delete the exported minibatches in {}: {}", dir, e.toString());
    }
  }
}
