package io.dlpipe.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;
import org.apache.spark.internal.io.FileNameSpec;
import org.apache.spark.internal.io.HadoopMapReduceCommitProtocol;
import scala.Option;

/**
 * Spark's file commit protocol bound to Hadoop's per-scheme committer factories ({@code
 * mapreduce.outputcommitter.factory.scheme.<scheme>}), so that an {@code s3a://} write uses an S3A
 * committer (no rename, which S3 does not have) while {@code file://} and {@code hdfs://} keep
 * Hadoop's FileOutputCommitter. Spark ships this binding as {@code spark-hadoop-cloud}, which is
 * not published for Scala 2.12 on Maven Central; this is the same binding for the writes dlpipe
 * makes (no dynamic partition overwrite). Set with {@code spark.sql.sources.commitProtocolClass} by
 * {@code SparkSessions}.
 */
public class CloudCommitProtocol extends HadoopMapReduceCommitProtocol {
  private static final long serialVersionUID = 1L;
  private final String destination;

  /** Set in setupCommitter on the driver (job) and on each executor (task). */
  private transient PathOutputCommitter committer;

  public CloudCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
    super(jobId, path, false);
    if (dynamicPartitionOverwrite) {
      throw new UnsupportedOperationException(
          "dynamic partition overwrite is not supported by " + CloudCommitProtocol.class.getName());
    }
    this.destination = path;
  }

  public CloudCommitProtocol(String jobId, String path) {
    this(jobId, path, false);
  }

  @Override
  public OutputCommitter setupCommitter(TaskAttemptContext context) {
    Path dest = new Path(destination);
    try {
      committer =
          PathOutputCommitterFactory.getCommitterFactory(dest, context.getConfiguration())
              .createOutputCommitter(dest, context);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the output committer for " + destination, e);
    }
    return committer;
  }

  /** Files go to the committer's work path: a magic path or a local staging folder for S3A. */
  @Override
  public String newTaskTempFile(TaskAttemptContext context, Option<String> dir, FileNameSpec spec) {
    Path work;
    try {
      work = committer.getWorkPath();
    } catch (IOException e) {
      throw new UncheckedIOException("no work path from " + committer, e);
    }
    Path parent = dir.isDefined() ? new Path(work, dir.get()) : work;
    return new Path(parent, getFilename(context, spec)).toString();
  }

  @Override
  public String newTaskTempFile(TaskAttemptContext context, Option<String> dir, String ext) {
    return newTaskTempFile(context, dir, new FileNameSpec("", ext));
  }
}
