package io.dlpipe.task;

import io.dlpipe.DataException;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.config.TrainConfig.TargetTransform;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.spark.Columns;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the output head for training, and restores it from {@code model.json}, old ones included. */
public final class OutputHeads {
  private static final Logger LOG = LoggerFactory.getLogger(OutputHeads.class);
  /**
   * target-transform = auto takes log1p above this skewness of a non-negative target. Metrics are in
   * the target's units, where MSE training matches R²; log1p pays only on heavy tails. Ames sale
   * prices (skewness 1.7 on train) reached test R² 0.856 with log1p against 0.88 standardized
   * (TrainQualityTest), so moderate skew stays standardized.
   */
  public static final double LOG_SKEWNESS = 2.0;

  private OutputHeads() {}

  /**
   * The head for training: the task from the transform, the target transform and class weights
   * from the config, resolved with one small aggregation over the train split where they need
   * data (skewness and log moments of the target; class counts). The binary threshold starts at
   * 0.5; training chooses it on validation.
   *
   * @param train the prepared train split (features, label)
   * @param where the transform's path, for messages
   */
  public static OutputHead forTraining(FittedTransform transform, TrainConfig cfg, Dataset<Row> train, String where) {
    if (transform.task() == Task.REGRESSION) {
      return regression(transform, cfg.targetTransform(), train, where);
    }
    List<String> classes = transform.classes();
    if (classes.size() < 2) {
      throw new DataException("Transform " + where + " lists " + classes.size() + " class(es); a classifier needs at least 2. Check target.column and rerun etl");
    }
    double[] weights = classWeights(cfg.classWeights(), classes, cfg.classWeights().mode() == TrainConfig.ClassWeightMode.AUTO ? classCounts(train, classes.size()) : null);
    if (cfg.model().classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      if (classes.size() != 2) {
        throw new DataException("train.model.classification-output = sigmoid needs exactly 2 classes, but the prepared data has "
            + classes.size() + " " + classes + " (" + where + "); use softmax");
      }
      return new BinaryHead(classes, weights, true, 0.5, null);
    }
    return classes.size() == 2 ? new BinaryHead(classes, weights, false, 0.5, null) : new MulticlassHead(classes, weights);
  }

  private static OutputHead regression(FittedTransform transform, TargetTransform choice, Dataset<Row> train, String where) {
    FittedTransform.LabelStats stats = transform.labelStats();
    if (stats == null) {
      throw new DataException("Transform " + where + " has no label_stats for its regression target; rerun etl with this version");
    }
    TargetTransform t = choice;
    if (t == TargetTransform.AUTO || t == TargetTransform.LOG1P) {
      Column y = functions.col(Columns.LABEL);
      Row r = train.agg(functions.skewness(y), functions.avg(functions.log1p(y)), functions.stddev_pop(functions.log1p(y))).first();
      double skew = r.isNullAt(0) ? 0 : r.getDouble(0);
      if (t == TargetTransform.LOG1P && stats.min() <= -1) {
        throw new DataException("train.target-transform = log1p needs a target above -1, but its train minimum is " + stats.min() + " (" + where + "); use standardize");
      }
      if (t == TargetTransform.AUTO) {
        t = stats.min() >= 0 && skew > LOG_SKEWNESS ? TargetTransform.LOG1P : TargetTransform.STANDARDIZE;
        LOG.info("train.target-transform = auto: {} (train minimum {}, skewness {})", t.name().toLowerCase(java.util.Locale.ROOT), stats.min(), String.format(java.util.Locale.ROOT, "%.3f", skew));
      }
      if (t == TargetTransform.LOG1P) {
        return new RegressionHead(t, r.getDouble(1), r.getDouble(2));
      }
    }
    return new RegressionHead(t, stats.mean(), stats.std());
  }

  /** Rows of each class index in a prepared split: one small aggregation. */
  static long[] classCounts(Dataset<Row> train, int classes) {
    long[] counts = new long[classes];
    for (Row r : train.groupBy(functions.col(Columns.LABEL)).count().collectAsList()) {
      int k = (int) r.getDouble(0);
      if (k >= 0 && k < classes) {
        counts[k] = r.getLong(1);
      }
    }
    return counts;
  }

  /**
   * Class weights in index order. auto: {@code n / (k * n_c)}, so a balanced split weighs 1
   * everywhere, capped at the configured cap (a class seen once must not dominate the loss); a
   * class absent from train weighs the cap.
   */
  public static double[] classWeights(TrainConfig.ClassWeights cfg, List<String> classes, long[] counts) {
    double[] w = new double[classes.size()];
    Arrays.fill(w, 1.0);
    switch (cfg.mode()) {
      case NONE -> { }
      case EXPLICIT -> {
        for (Map.Entry<String, Double> e : cfg.explicit().entrySet()) {
          int k = classes.indexOf(e.getKey());
          if (k < 0) {
            throw new DataException("train.class-weights names class '" + e.getKey() + "', but the prepared data has classes " + classes + "; fix train.class-weights");
          }
          w[k] = e.getValue();
        }
      }
      case AUTO -> {
        long n = Arrays.stream(counts).sum();
        for (int k = 0; k < w.length; k++) {
          w[k] = counts[k] == 0 ? cfg.cap() : Math.min(cfg.cap(), (double) n / (w.length * counts[k]));
        }
      }
    }
    return w;
  }

  /** A head as model.json stores it. */
  public static OutputHead fromSpec(HeadSpec s, String where) {
    if (s.kind() == null || s.output() == null) {
      throw new DataException("Model " + where + " has a head without kind or output; retrain");
    }
    return switch (s.kind()) {
      case REGRESSION -> new RegressionHead(s.targetTransform(), s.targetCenter(), s.targetScale());
      case BINARY -> binary(s, where);
      case MULTICLASS -> new MulticlassHead(s.classes(), weights(s));
    };
  }

  /** A binary head of model.json; one that names a positive class other than its second class was edited by hand. */
  private static OutputHead binary(HeadSpec s, String where) {
    BinaryHead head = new BinaryHead(s.classes(), weights(s), s.output() == OutputKind.SIGMOID_XENT, s.threshold() == null ? 0.5 : s.threshold(), s.thresholdRule());
    if (s.positiveClass() != null && !s.positiveClass().equals(head.positiveClass())) {
      throw new DataException("Model " + where + " names positive class '" + s.positiveClass() + "', but its class order " + s.classes()
          + " makes '" + head.positiveClass() + "' positive; the model bundle is inconsistent, retrain");
    }
    return head;
  }

  private static double[] weights(HeadSpec s) {
    double[] w = new double[s.classes().size()];
    for (int k = 0; k < w.length; k++) {
      w[k] = s.classWeights() == null ? 1.0 : s.classWeights().getOrDefault(s.classes().get(k), 1.0);
    }
    return w;
  }

  /**
   * The head of a model bundle written before heads existed (model.json format 1 without
   * {@code head}): regression standardized with the transform's label statistics, two classes
   * binary at 0.5, the output width telling sigmoid from softmax.
   */
  public static OutputHead legacy(FittedTransform transform, long outputs) {
    if (transform.task() == Task.REGRESSION) {
      FittedTransform.LabelStats s = transform.labelStats();
      return new RegressionHead(TargetTransform.STANDARDIZE, s.mean(), s.std());
    }
    double[] ones = new double[transform.classes().size()];
    Arrays.fill(ones, 1.0);
    if (transform.classes().size() == 2) {
      return new BinaryHead(transform.classes(), ones, outputs == 1, 0.5, HeadSpec.ThresholdRule.FIXED);
    }
    return new MulticlassHead(transform.classes(), ones);
  }
}
