package io.dlpipe.eval;

import io.dlpipe.etl.FittedTransform;
import io.dlpipe.head.HeadStats;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.BatchedOutput;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Permutation feature importance per original input column: how much the main metric (R², AUC or
 * accuracy) drops when that column's feature dimensions (one for a number, all one-hot dimensions
 * for a category) are shuffled across rows, breaking their link to the target. Computed on a
 * bounded sample of the test split, on the executors: one task per group of columns, each restoring
 * the broadcast network once.
 */
public final class PermutationImportance {
  private PermutationImportance() {}

  /**
   * One input column's importance.
   *
   * @param column the input column
   * @param drop the mean loss of the main metric over the repeats (higher: more important)
   * @param std the standard deviation of that loss over the repeats
   */
  public record Importance(String column, double drop, double std) {}

  /** The feature dimensions of each input column, in the vector order of the transform. */
  static List<int[]> groups(FittedTransform t, List<String> columns) {
    List<int[]> out = new ArrayList<>();
    for (java.util.Map.Entry<String, int[]> e : t.dimensionsByColumn().entrySet()) {
      columns.add(e.getKey());
      out.add(e.getValue());
    }
    return out;
  }

  /**
   * Importance of every input column, most important first.
   *
   * @param test the prepared test split (features, label)
   * @param sampleRows the most rows to permute (the sample reaches the driver once, to be
   *     broadcast)
   * @param batchSize rows per forward pass (evaluate.batch-size)
   */
  public static List<Importance> compute(
      Dataset<Row> test,
      long testRows,
      byte[] network,
      OutputHead codec,
      FittedTransform transform,
      int sampleRows,
      int repeats,
      long seed,
      int batchSize) {
    double fraction = Math.min(1.0, 1.2 * sampleRows / Math.max(1, testRows));
    List<Row> rows =
        test.sample(false, fraction, seed)
            .select(Columns.FEATURES, Columns.LABEL)
            .limit(sampleRows)
            .collectAsList();
    float[][] x = new float[rows.size()][];
    double[] y = new double[rows.size()];
    for (int i = 0; i < x.length; i++) {
      List<Float> v = rows.get(i).getList(0);
      x[i] = new float[v.size()];
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] = v.get(j);
      }
      y[i] = rows.get(i).getDouble(1);
    }
    List<String> names = new ArrayList<>();
    List<int[]> groups = groups(transform, names);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(test.sparkSession().sparkContext());
    Broadcast<float[][]> features = jsc.broadcast(x);
    Broadcast<byte[]> model = jsc.broadcast(network);
    try {
      List<Integer> ids = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        ids.add(g);
      }
      int slices = Math.max(1, Math.min(groups.size(), jsc.defaultParallelism()));
      // Plain arrays cross back to the driver: Kryo cannot build Java records.
      List<double[]> results =
          jsc.parallelize(ids, slices)
              .mapPartitions(
                  (Iterator<Integer> it) -> {
                    Network net = Network.fromBytes(model.value(), false);
                    float[][] base = features.value();
                    double reference = metric(net, base, y, codec, batchSize);
                    List<double[]> part = new ArrayList<>();
                    while (it.hasNext()) {
                      int g = it.next();
                      double[] drops = new double[repeats];
                      for (int r = 0; r < repeats; r++) {
                        drops[r] =
                            reference
                                - metric(
                                    net,
                                    permuted(
                                        base, groups.get(g), new Random(seed + 1_000_003L * g + r)),
                                    y,
                                    codec,
                                    batchSize);
                      }
                      double mean = Arrays.stream(drops).average().orElse(0);
                      double var =
                          Arrays.stream(drops).map(d -> (d - mean) * (d - mean)).sum()
                              / Math.max(1, repeats - 1);
                      part.add(new double[] {g, mean, Math.sqrt(var)});
                    }
                    return part.iterator();
                  })
              .collect();
      List<Importance> out = new ArrayList<>();
      for (double[] r : results) {
        out.add(new Importance(names.get((int) r[0]), r[1], r[2]));
      }
      out.sort((a, b) -> Double.compare(b.drop(), a.drop()));
      return out;
    } finally {
      features.destroy();
      model.destroy();
    }
  }

  /** A copy of {@code x} whose {@code dims} are moved together to a shuffled row order. */
  static float[][] permuted(float[][] x, int[] dims, Random random) {
    int n = x.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = x[i].clone();
      for (int d : dims) {
        out[i][d] = x[order[i]][d];
      }
    }
    return out;
  }

  /**
   * The head's main metric on an in-memory sample, through the same statistics as every other
   * evaluation.
   */
  static double metric(Network net, float[][] x, double[] y, OutputHead head, int batchSize) {
    float[][] out = BatchedOutput.outputs(net, x, batchSize);
    HeadStats s = head.newStats();
    for (int i = 0; i < y.length; i++) {
      head.addOutput(s, out[i], y[i]);
    }
    return head.summary(s).value(head.mainMetric());
  }
}
