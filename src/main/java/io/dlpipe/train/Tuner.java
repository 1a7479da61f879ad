package io.dlpipe.train;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TuneConfig;
import io.dlpipe.spark.Columns;
import io.dlpipe.task.EvalMetrics;
import io.dlpipe.task.OutputHead;
import io.dlpipe.task.OutputHeads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random search over {@code tune.space} on validation: each trial trains a fresh network on the
 * train split with the same spec, head, schedule and epoch loop as the real training, stops early
 * as configured, and is scored by its best validation main metric. Trials run one after another
 * on the whole cluster, so data of any size works; the result is every trial (tuning.csv) and the
 * settings of the best one.
 */
public final class Tuner {
  private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);

  private Tuner() {}

  /**
   * One finished trial.
   *
   * @param number 1-based
   * @param values the drawn value of each space key
   * @param epochs epochs trained
   * @param bestEpoch the epoch with the best watched value
   * @param validation validation metrics of that epoch
   * @param main its main metric
   * @param seconds wall-clock seconds of the trial
   */
  public record Trial(int number, Map<String, Object> values, int epochs, int bestEpoch, EvalMetrics validation, double main, double seconds) {}

  /** The values of trial {@code number}: one draw per key, seeded by the trial, so a trial can be redone alone. */
  public static Map<String, Object> draw(TuneConfig tune, int number) {
    Random random = new Random(tune.seed() * 1_000_003L + number);
    Map<String, Object> values = new LinkedHashMap<>();
    tune.space().forEach((k, candidates) -> values.put(k, candidates.get(random.nextInt(candidates.size()))));
    return values;
  }

  /** Runs every trial; returns them in order. */
  public static List<Trial> run(DlpipeConfig cfg, PreparedInput in, Dataset<Row> train, Dataset<Row> validation) {
    List<Trial> trials = new ArrayList<>();
    for (int t = 1; t <= cfg.tune().trials(); t++) {
      Map<String, Object> values = draw(cfg.tune(), t);
      DlpipeConfig trialCfg = ConfigLoader.withValues(cfg, values);
      long start = System.nanoTime();
      Trial trial = train(t, values, trialCfg.train(), in, train, validation, start);
      trials.add(trial);
      LOG.info(String.format(Locale.ROOT, "tune trial %d/%d %s: validation main metric %.4f at epoch %d of %d, %.1f s", t, cfg.tune().trials(), values,
          trial.main(), trial.bestEpoch(), trial.epochs(), trial.seconds()));
    }
    return trials;
  }

  private static Trial train(int number, Map<String, Object> values, TrainConfig train, PreparedInput in, Dataset<Row> rows, Dataset<Row> validation, long start) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
    int featureCount = in.transform().featureCount();
    OutputHead head = OutputHeads.forTraining(in.transform(), train, rows, in.layout().transform());
    MultiLayerNetwork net = NetworkSpec.of(train).create(train, featureCount, head);
    int workers = train.master().workers() > 0 ? train.master().workers() : jsc.defaultParallelism();
    train = TrainingMasters.resolveBatchSize(train, workers, in.rows(Columns.TRAIN));
    TrainingMaster<?, ?> master = TrainingMasters.create(train, workers, TrainConfig.Approach.DIRECT, "");
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
    sparkNet.setListeners(List.of());
    JavaRDD<DataSet> minibatches = TrainJob.minibatches(rows, featureCount, train.master().batchSizePerWorker(), head, null, null);
    TrainState state = TrainState.initial("tune");
    try {
      EpochRunner runner = new EpochRunner(sparkNet, minibatches, train);
      while (!state.stoppedEarly() && state.epoch() < train.epochs()) {
        int epoch = state.epoch() + 1;
        double lr = runner.run(epoch);
        EvalMetrics val = Evaluator.evaluate(validation, runner.network(), head, featureCount, train.evalBatchSize());
        if (!Double.isFinite(val.loss())) {
          break; // a diverging trial is a bad trial, not a failed search
        }
        EpochRecord r = new EpochRecord(epoch, Double.NaN, val.loss(), head.mainMetric(), val.value(head.mainMetric()), 0, 0, lr, 0, 0, val);
        state = state.after(r, train.earlyStopping().minDelta(), train.earlyStopping().patience(), train.earlyStopping().metric());
      }
    } finally {
      master.deleteTempFiles(jsc);
      minibatches.unpersist(false);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state.epoch() == 0 || state.bestEpoch() == 0) {
      return new Trial(number, values, state.epoch(), 0, null, Double.NaN, seconds);
    }
    EpochRecord best = state.best();
    return new Trial(number, values, state.epoch(), best.epoch(), best.validation(), best.metric(), seconds);
  }

  /** The trial with the highest validation main metric; the earliest among equals. Null when none finished. */
  public static Trial best(List<Trial> trials) {
    Trial best = null;
    for (Trial t : trials) {
      if (Double.isFinite(t.main()) && (best == null || t.main() > best.main())) {
        best = t;
      }
    }
    return best;
  }

  /** tuning.csv: one row per trial, one column per space key. */
  public static String csv(TuneConfig tune, List<Trial> trials, String mainMetric) {
    StringBuilder out = new StringBuilder("trial");
    tune.space().keySet().forEach(k -> out.append(',').append(k));
    out.append(",epochs,best_epoch,val_loss,val_").append(mainMetric).append(",seconds\n");
    for (Trial t : trials) {
      out.append(t.number());
      tune.space().keySet().forEach(k -> out.append(',').append(String.valueOf(t.values().get(k)).replace(',', ';')));
      out.append(String.format(Locale.ROOT, ",%d,%d,%.6g,%.6g,%.3f%n", t.epochs(), t.bestEpoch(),
          t.validation() == null ? Double.NaN : t.validation().loss(), t.main(), t.seconds()));
    }
    return out.toString();
  }
}
