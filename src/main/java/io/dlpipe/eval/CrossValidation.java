package io.dlpipe.eval;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import io.dlpipe.train.FoldTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * k-fold cross-validation on Spark over the prepared train and validation rows (the test split
 * stays untouched): each fold is held out once while a fresh network and the linear baseline are
 * trained on the others, and every metric is reported as mean and standard deviation over the
 * folds. Folds are a seeded hash of the feature vector alone ({@link #fold}), so they do not depend
 * on partitioning or on the label.
 */
public final class CrossValidation {
  private static final Logger LOG = LoggerFactory.getLogger(CrossValidation.class);
  private static final String FOLD = "_dlp_fold";

  private CrossValidation() {}

  /**
   * The fold of a prepared row, in [0, folds): a seeded hash of its feature vector, never its
   * label. Rows with the same features share a fold, so a feature row is never trained on and held
   * out at once; hashing the label too sent the two labels of a repeated feature row to different
   * folds, which made every held-out fold adversarial.
   */
  public static Column fold(long seed, int folds) {
    return functions.pmod(
        functions.xxhash64(functions.lit(seed), functions.col(Columns.FEATURES)),
        functions.lit(folds));
  }

  /**
   * @param rows prepared train and validation rows (features, label)
   * @param epochs the epochs each fold trains, normally the main training's best epoch
   * @return {@code folds}, {@code epochs} and, per metric, {@code {mean, std, values}}
   */
  public static Map<String, Object> run(
      Dataset<Row> rows,
      DlpipeConfig cfg,
      OutputHead codec,
      int featureCount,
      int folds,
      int epochs,
      long seed) {
    Dataset<Row> assigned =
        rows.withColumn(FOLD, fold(seed, folds)).persist(StorageLevel.MEMORY_AND_DISK());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
    Map<String, List<Double>> values = new LinkedHashMap<>();
    try {
      for (int f = 0; f < folds; f++) {
        Dataset<Row> train = assigned.where(functions.col(FOLD).notEqual(f)).drop(FOLD);
        Dataset<Row> heldOut = assigned.where(functions.col(FOLD).equalTo(f)).drop(FOLD);
        Network net = FoldTrainer.fit(train, cfg.train(), codec, featureCount, epochs);
        Broadcast<byte[]> network = jsc.broadcast(net.bytes(false));
        Dataset<Row> scored = Scoring.score(heldOut, network, codec, cfg.evaluate().batchSize());
        Metrics.Result model = Metrics.of(scored, codec);
        network.destroy();
        model
            .values()
            .forEach((k, v) -> values.computeIfAbsent("model." + k, x -> new ArrayList<>()).add(v));
        if (cfg.evaluate().rungs().contains(EvaluateConfig.Rung.LINEAR)) {
          Dataset<Row> base = Baseline.fitAndScore(train, heldOut, codec);
          Metrics.Result b = Metrics.of(base, codec);
          b.values()
              .forEach(
                  (k, v) -> values.computeIfAbsent("baseline." + k, x -> new ArrayList<>()).add(v));
        }
        LOG.info("cross-validation fold {}/{} done", f + 1, folds);
      }
    } finally {
      assigned.unpersist();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("folds", folds);
    out.put("epochs", epochs);
    values.forEach(
        (k, v) -> {
          double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
          double var =
              v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum()
                  / Math.max(1, v.size() - 1);
          Map<String, Object> stat = new LinkedHashMap<>();
          stat.put("mean", mean);
          stat.put("std", Math.sqrt(var));
          stat.put("values", v);
          out.put(k, stat);
        });
    return out;
  }
}
