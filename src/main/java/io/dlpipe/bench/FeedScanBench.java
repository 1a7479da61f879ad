package io.dlpipe.bench;

import io.dlpipe.head.OutputHead;
import io.dlpipe.train.MinibatchIterator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How fast the trainer's input path turns prepared Parquet into DL4J minibatches ({@link
 * MinibatchIterator}, as {@code TrainJob} uses it), against a bare scan of the same files that
 * touches every row's feature vector and builds nothing. Runs alternate, so both see the same
 * machine load and the same page cache.
 */
public final class FeedScanBench {
  private FeedScanBench() {}

  /** The two timings over the same split. */
  public record Result(Timing scan, Timing feed) {}

  public static Result run(
      SparkSession spark,
      Dataset<Row> split,
      long rows,
      int featureCount,
      int batchSize,
      OutputHead codec,
      int repeats) {
    JavaRDD<InternalRow> internal = split.queryExecution().toRdd().toJavaRDD();
    FlatMapFunction<Iterator<InternalRow>, Long> scan =
        it -> {
          long n = 0;
          long values = 0;
          while (it.hasNext()) {
            values += it.next().getArray(0).numElements();
            n++;
          }
          // values feeds the result so that the JIT cannot drop the reads of the vectors
          return List.of(values < 0 ? -1 : n).iterator();
        };
    FlatMapFunction<Iterator<InternalRow>, Long> feed =
        it -> {
          MinibatchIterator batches =
              new MinibatchIterator(it, featureCount, batchSize, codec, null, null);
          long n = 0;
          while (batches.hasNext()) {
            DataSet ds = batches.next();
            n += ds.numExamples();
            ds.getFeatures()
                .close(); // off-heap buffers go back now, as DL4J's fit releases them, not at the
            // next GC
            ds.getLabels().close();
          }
          return List.of(n).iterator();
        };
    List<Double> scanSeconds = new ArrayList<>();
    List<Double> feedSeconds = new ArrayList<>();
    spark
        .sparkContext()
        .setJobGroup("bench-feed", "bench: Parquet scan vs Parquet to DL4J minibatches", false);
    for (int i = 0; i < repeats; i++) {
      scanSeconds.add(timed(internal, scan, rows, "scan"));
      feedSeconds.add(timed(internal, feed, rows, "feed"));
    }
    spark.sparkContext().clearJobGroup();
    return new Result(Timing.of(rows, scanSeconds), Timing.of(rows, feedSeconds));
  }

  private static double timed(
      JavaRDD<InternalRow> rows,
      FlatMapFunction<Iterator<InternalRow>, Long> perPartition,
      long expected,
      String what) {
    long start = System.nanoTime();
    long seen = rows.mapPartitions(perPartition).reduce(Long::sum);
    double seconds = Timing.since(start);
    if (seen != expected) {
      throw new IllegalStateException(
          "the " + what + " saw " + seen + " rows, but the split has " + expected);
    }
    return seconds;
  }
}
