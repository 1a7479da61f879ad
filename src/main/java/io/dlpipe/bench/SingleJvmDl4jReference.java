package io.dlpipe.bench;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The single-JVM reference for the Spark trainer: the same network ({@link Network#create} from the
 * same {@code train.*}), the same minibatch size and the same prepared rows, fitted with plain DL4J
 * ({@link Network#fit}) in one JVM on the same cores.
 *
 * <p>By design, and unlike anything in the pipeline, it loads up to {@code maxRows} rows of the
 * split into the driver as minibatches before timing, so the figure is the trainer's alone, with no
 * input cost. Samples/s is taken over the epochs after the first (the first pays for JIT and
 * workspace warm-up).
 */
public final class SingleJvmDl4jReference {
  private SingleJvmDl4jReference() {}

  /**
   * @param rows rows trained per epoch
   * @param params the network's parameter count
   * @param epochSamplesPerS each epoch's samples/s
   * @param samplesPerS the median over the epochs after the first (the only one when one epoch ran)
   */
  public record Result(long rows, long params, List<Double> epochSamplesPerS, double samplesPerS) {}

  public static Result run(
      Dataset<Row> split,
      long maxRows,
      int featureCount,
      TrainConfig train,
      OutputHead codec,
      int epochs) {
    int batch = train.master().batchSizePerWorker();
    List<DataSet> batches =
        SingleJvmReference.minibatches(
            split.limit((int) Math.min(Integer.MAX_VALUE, maxRows)).toLocalIterator(),
            maxRows,
            featureCount,
            batch,
            codec);
    long rows = batches.stream().mapToLong(DataSet::numExamples).sum();
    Network net = Network.create(train, featureCount, codec);
    List<Double> rates = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      long start = System.nanoTime();
      for (DataSet ds : batches) {
        net.fit(ds);
      }
      Nd4j.getExecutioner().commit();
      rates.add(rows / Timing.since(start));
    }
    for (DataSet ds : batches) {
      ds.getFeatures().close();
      ds.getLabels().close();
    }
    List<Double> steady = rates.size() > 1 ? rates.subList(1, rates.size()) : rates;
    return new Result(rows, net.numParams(), rates, Timing.median(steady));
  }
}
