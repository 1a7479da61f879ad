package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;
import io.dlpipe.net.SparkNetwork;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Trains a fresh network for a fixed number of epochs on any frame of prepared rows, with the
 * same network spec, head, schedule, training master and epoch loop ({@link EpochRunner}) as
 * {@link TrainJob}, but without validation, checkpoints or a bundle. k-fold cross-validation
 * retrains with it once per fold.
 */
public final class FoldTrainer {
  private FoldTrainer() {}

  /**
   * @param rows prepared rows (features, label) to train on
   * @param epochs passes over {@code rows}; cross-validation uses the main training's best epoch,
   *     so that no held-out fold picks its own stopping point
   */
  public static Network fit(Dataset<Row> rows, TrainConfig train, OutputHead head, int featureCount, int epochs) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
    Network net = Network.create(train, featureCount, head);
    train = TrainingMasters.resolveAuto(train, jsc.defaultParallelism(), rows.count());
    int workers = train.master().workers();
    // Direct: the folds are small next to the data, and nothing has to be exported per fold.
    TrainingMaster<?, ?> master = TrainingMasters.create(train, workers, TrainConfig.Approach.DIRECT, "");
    SparkNetwork sparkNet = net.distributed(jsc, master);
    sparkNet.setListeners(List.of());
    EpochRunner runner = EpochRunner.direct(sparkNet, TrainJob.minibatches(rows, featureCount, train.master().batchSizePerWorker(), head, null, null), train);
    try {
      for (int epoch = 1; epoch <= epochs; epoch++) {
        runner.run(epoch);
      }
      return runner.network();
    } finally {
      master.deleteTempFiles(jsc);
      runner.close();
    }
  }
}
