package io.dlpipe.train;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TuneConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Random search over {@code tune.space} on validation: each trial trains a fresh network on the
 * train split with the same spec, head, schedule and early stopping as the real training, and is
 * scored by its best validation main metric. When the train and validation splits are small enough
 * for one executor ({@code tune.parallel-max-values}), the trials run at once, each as one Spark
 * task training on a single JVM ({@link TrialTask}): a search of N trials then takes about N /
 * cores trainings instead of N. Larger data trains trial after trial on the whole cluster. Either
 * way a trial runs the real training's loop ({@link TrainingLoop}). The result is every trial
 * (tuning.csv) and the settings of the best one.
 */
public final class Tuner {
  private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);

  /** Marks each row's split (0 train, 1 validation) where a trial task receives both. */
  private static final String SPLIT = "_dlpipe_split";

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
  public record Trial(
      int number,
      Map<String, Object> values,
      int epochs,
      int bestEpoch,
      EvalMetrics validation,
      double main,
      double seconds) {}

  /**
   * The values of trial {@code number}: one draw per key, seeded by the trial, so a trial can be
   * redone alone.
   */
  public static Map<String, Object> draw(TuneConfig tune, int number) {
    Random random = new Random(tune.seed() * 1_000_003L + number);
    Map<String, Object> values = new LinkedHashMap<>();
    tune.space()
        .forEach(
            (k, candidates) -> values.put(k, candidates.get(random.nextInt(candidates.size()))));
    return values;
  }

  /**
   * Whether the trials run in parallel as Spark tasks: more than one, on splits of at most {@code
   * tune.parallel-max-values} values.
   */
  static boolean parallel(TuneConfig tune, long trainRows, long validationRows, int featureCount) {
    return tune.trials() > 1
        && (double) (trainRows + validationRows) * featureCount <= tune.parallelMaxValues();
  }

  /** Runs every trial; returns them in order. */
  public static List<Trial> run(
      DlpipeConfig cfg, PreparedInput in, Dataset<Row> train, Dataset<Row> validation) {
    if (parallel(
        cfg.tune(),
        in.rows(Columns.TRAIN),
        in.rows(Columns.VALIDATION),
        in.transform().featureCount())) {
      return runParallel(cfg, in, train, validation);
    }
    List<Trial> trials = new ArrayList<>();
    LinearFits fits = LinearFits.of(train);
    for (int t = 1; t <= cfg.tune().trials(); t++) {
      Map<String, Object> values = draw(cfg.tune(), t);
      DlpipeConfig trialCfg = ConfigLoader.withValues(cfg, values);
      long start = System.nanoTime();
      Trial trial = train(t, values, trialCfg.train(), in, fits, validation, start);
      trials.add(trial);
      LOG.info(
          String.format(
              Locale.ROOT,
              "tune trial %d/%d %s: validation main metric %.4f at epoch %d of %d, %.1f s",
              t,
              cfg.tune().trials(),
              values,
              trial.main(),
              trial.bestEpoch(),
              trial.epochs(),
              trial.seconds()));
    }
    return trials;
  }

  /**
   * Every trial at once, one Spark task each: the plans are made on the driver, and each task
   * receives the whole of both splits by pairing its plan with their single partition.
   */
  static List<Trial> runParallel(
      DlpipeConfig cfg, PreparedInput in, Dataset<Row> train, Dataset<Row> validation) {
    int featureCount = in.transform().featureCount();
    List<TrialTask> plans = new ArrayList<>();
    List<Map<String, Object>> drawn = new ArrayList<>();
    LinearFits fits = LinearFits.of(train);
    for (int t = 1; t <= cfg.tune().trials(); t++) {
      Map<String, Object> values = draw(cfg.tune(), t);
      TrainConfig trial = ConfigLoader.withValues(cfg, values).train();
      OutputHead head =
          OutputHeads.forTraining(in.transform(), trial, train, in.layout().transform());
      plans.add(
          TrialTask.of(
              t, TrainPlan.resolve(trial, 1, in.rows(Columns.TRAIN)), featureCount, head, fits));
      drawn.add(values);
    }
    List<TrialTask.Result> results =
        runTasks(
            plans,
            train,
            validation,
            "tune: " + plans.size() + " trials in parallel, one task each");
    List<Trial> trials = new ArrayList<>();
    for (TrialTask.Result r : results) {
      Trial trial =
          new Trial(
              r.number(),
              drawn.get(r.number() - 1),
              r.epochs(),
              r.bestEpoch(),
              r.validation(),
              r.main(),
              r.seconds());
      trials.add(trial);
      LOG.info(
          String.format(
              Locale.ROOT,
              "tune trial %d/%d %s (parallel task): validation main metric %.4f at epoch %d of %d, %.1f s",
              r.number(),
              plans.size(),
              trial.values(),
              trial.main(),
              trial.bestEpoch(),
              trial.epochs(),
              trial.seconds()));
    }
    return trials;
  }

  /**
   * Trains every plan at once, one Spark task each, and returns their results in plan order: each
   * task receives the whole of both splits by pairing its plan with their single partition, so the
   * splits must be small enough for one executor.
   */
  static List<TrialTask.Result> runTasks(
      List<TrialTask> plans, Dataset<Row> train, Dataset<Row> validation, String description) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
    jsc.setJobDescription(description);
    Dataset<Row> both =
        train
            .withColumn(SPLIT, functions.lit(0))
            .union(validation.withColumn(SPLIT, functions.lit(1)))
            .coalesce(1);
    JavaRDD<InternalRow> rows = both.queryExecution().toRdd().toJavaRDD();
    // The plans travel in the closure (Java serialization) and the results as Java-serialized
    // bytes:
    // Spark's Kryo, which carries RDD elements and task results, cannot serialize records.
    List<TrialTask> shipped = List.copyOf(plans);
    FlatMapFunction<Iterator<Tuple2<Integer, InternalRow>>, byte[]> perTask =
        it -> {
          List<byte[]> out = new ArrayList<>();
          int number = 0;
          List<InternalRow> trainRows = new ArrayList<>();
          List<InternalRow> validationRows = new ArrayList<>();
          while (it.hasNext()) {
            Tuple2<Integer, InternalRow> pair = it.next();
            if (number != 0 && number != pair._1()) {
              out.add(TrialTask.bytes(shipped.get(number - 1).run(trainRows, validationRows)));
              trainRows = new ArrayList<>();
              validationRows = new ArrayList<>();
            }
            number = pair._1();
            InternalRow row = pair._2().copy(); // the reader reuses its row object
            (row.getInt(2) == 0 ? trainRows : validationRows).add(row);
          }
          if (number != 0) {
            out.add(TrialTask.bytes(shipped.get(number - 1).run(trainRows, validationRows)));
          }
          return out.iterator();
        };
    List<Integer> numbers = new ArrayList<>();
    plans.forEach(p -> numbers.add(p.number()));
    List<TrialTask.Result> results = new ArrayList<>();
    try {
      for (byte[] bytes :
          jsc.parallelize(numbers, numbers.size())
              .cartesian(rows)
              .mapPartitions(perTask)
              .collect()) {
        results.add(TrialTask.result(bytes));
      }
    } finally {
      jsc.setJobDescription(null);
    }
    results.sort(java.util.Comparator.comparingInt(TrialTask.Result::number));
    return results;
  }

  private static Trial train(
      int number,
      Map<String, Object> values,
      TrainConfig train,
      PreparedInput in,
      LinearFits fits,
      Dataset<Row> validation,
      long start) {
    Dataset<Row> rows = fits.rows();
    int featureCount = in.transform().featureCount();
    OutputHead head = OutputHeads.forTraining(in.transform(), train, rows, in.layout().transform());
    TrainPlan plan =
        TrainPlan.resolve(
            train, rows.sparkSession().sparkContext().defaultParallelism(), in.rows(Columns.TRAIN));
    Network net = LinearStart.network(plan.train(), featureCount, head, fits);
    TrainState state;
    try (EpochRunner runner = EpochRunner.direct(net, plan, rows, featureCount, head)) {
      state =
          TrainingLoop.of(plan.train(), TrainingLoop.OnDivergence.STOP)
              .run(
                  TrainState.initial("tune"),
                  epoch -> {
                    double lr = runner.run(epoch);
                    EvalMetrics val =
                        Evaluator.evaluate(
                            validation,
                            runner.network(),
                            head,
                            featureCount,
                            plan.train().evalBatchSize());
                    return EpochRecord.validated(epoch, head.mainMetric(), val)
                        .withLearningRate(lr);
                  });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return state.bestEpoch() == 0
        ? new Trial(number, values, state.epoch(), 0, null, Double.NaN, seconds)
        : new Trial(
            number,
            values,
            state.epoch(),
            state.bestEpoch(),
            state.best().validation(),
            state.best().metric(),
            seconds);
  }

  /**
   * The trial with the highest validation main metric; the earliest among equals. Null when none
   * finished.
   */
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
      tune.space()
          .keySet()
          .forEach(
              k -> out.append(',').append(String.valueOf(t.values().get(k)).replace(',', ';')));
      out.append(
          String.format(
              Locale.ROOT,
              ",%d,%d,%.6g,%.6g,%.3f%n",
              t.epochs(),
              t.bestEpoch(),
              t.validation() == null ? Double.NaN : t.validation().loss(),
              t.main(),
              t.seconds()));
    }
    return out.toString();
  }
}
