package io.dlpipe.head;

import io.dlpipe.DataException;
import io.dlpipe.config.EnumNames;
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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the output head for training, and restores it from {@code model.json}, old ones included.
 */
public final class OutputHeads {
  private static final Logger LOG = LoggerFactory.getLogger(OutputHeads.class);

  /**
   * target-transform = auto tries log1p only above this skewness of a non-negative target: below it
   * a long tail is too short for log1p to pay in the target's units. Ames sale prices (skewness 1.7
   * on train) reached test R² 0.856 with log1p against 0.88 standardized (TrainQualityTest).
   */
  public static final double LOG_SKEWNESS = 1.0;

  /**
   * loss = auto tries poisson on a non-negative integer target with at least this share of zeros on
   * train: a count.
   */
  public static final double COUNT_ZERO_SHARE = 0.1;

  private OutputHeads() {}

  /**
   * The type of a decoded prediction for a task, known before training (a Spark ML stage's {@code
   * transformSchema}): a double for regression, the class label for classification.
   */
  public static DataType predictionType(Task task) {
    return task == Task.REGRESSION ? DataTypes.DoubleType : DataTypes.StringType;
  }

  /**
   * As {@link #predictionType(Task)}, for the task as target.task spells it ({@code regression},
   * {@code classification}).
   */
  public static DataType predictionType(String task) {
    for (Task t : Task.values()) {
      if (EnumNames.kebab(t).equals(task)) {
        return predictionType(t);
      }
    }
    throw new IllegalArgumentException(
        "target.task must be one of "
            + Arrays.stream(Task.values()).map(EnumNames::kebab).toList()
            + ", was '"
            + task
            + "'");
  }

  /** The main metric of the task the prepared data holds, known before the head is built. */
  public static MainMetric mainMetric(FittedTransform transform) {
    return MainMetric.of(transform.task(), transform.classes().size());
  }

  /**
   * The head for training: the task from the transform, the target transform and class weights from
   * the config, resolved with one small aggregation over the train split where they need data
   * (skewness and log moments of the target; class counts). The binary threshold starts at 0.5;
   * training chooses it on validation.
   *
   * @param train the prepared train split (features, label)
   * @param where the transform's path, for messages
   */
  public static OutputHead forTraining(
      FittedTransform transform, TrainConfig cfg, Dataset<Row> train, String where) {
    if (transform.task() == Task.REGRESSION) {
      return regression(transform, cfg, train, where);
    }
    List<String> classes = transform.classes();
    if (classes.size() < 2) {
      throw new DataException(
          "Transform "
              + where
              + " lists "
              + classes.size()
              + " class(es); a classifier needs at least 2. Check target.column and rerun etl");
    }
    double[] weights =
        classWeights(
            cfg.classWeights(),
            classes,
            cfg.classWeights().mode() == TrainConfig.ClassWeightMode.AUTO
                ? classCounts(train, classes.size())
                : null);
    if (cfg.model().classificationOutput() == TrainConfig.ClassificationOutput.SIGMOID) {
      if (classes.size() != 2) {
        throw new DataException(
            "train.model.classification-output = sigmoid needs exactly 2 classes, but the prepared data has "
                + classes.size()
                + " "
                + classes
                + " ("
                + where
                + "); use softmax");
      }
      return new BinaryHead(classes, weights, true, 0.5, null);
    }
    return classes.size() == 2
        ? new BinaryHead(classes, weights, false, 0.5, null)
        : new MulticlassHead(classes, weights);
  }

  /**
   * The regression head of explicit settings; {@code auto} resolves to mse on the standardized
   * target here (the trial of {@link #targetCandidates} decides between candidates before
   * training).
   */
  private static OutputHead regression(
      FittedTransform transform, TrainConfig cfg, Dataset<Row> train, String where) {
    FittedTransform.LabelStats stats = labelStats(transform, where);
    if (cfg.loss() == TrainConfig.Loss.POISSON) {
      if (stats.min() < 0) {
        throw new DataException(
            "train.loss = poisson needs a non-negative target, but its train minimum is "
                + stats.min()
                + " ("
                + where
                + "); use mse");
      }
      return RegressionHead.poisson(stats.mean());
    }
    if (cfg.targetTransform() == TargetTransform.LOG1P) {
      if (stats.min() <= -1) {
        throw new DataException(
            "train.target-transform = log1p needs a target above -1, but its train minimum is "
                + stats.min()
                + " ("
                + where
                + "); use standardize");
      }
      return log1p(target(train));
    }
    TargetTransform t =
        cfg.targetTransform() == TargetTransform.AUTO
            ? TargetTransform.STANDARDIZE
            : cfg.targetTransform();
    return new RegressionHead(t, stats.mean(), stats.std());
  }

  private static FittedTransform.LabelStats labelStats(FittedTransform transform, String where) {
    FittedTransform.LabelStats stats = transform.labelStats();
    if (stats == null) {
      throw new DataException(
          "Transform "
              + where
              + " has no label_stats for its regression target; rerun etl with this version");
    }
    return stats;
  }

  /**
   * What the train split's target looks like, in one small aggregation: skewness, the moments of
   * log1p(y) (where y > -1), the rows that are not whole numbers and the zeros.
   */
  record Target(
      double skewness, double logMean, double logStd, long nonIntegers, long zeros, long rows) {}

  private static Target target(Dataset<Row> train) {
    Column y = functions.col(Columns.LABEL);
    Row r =
        train
            .agg(
                functions.skewness(y),
                functions.avg(functions.log1p(y)),
                functions.stddev_pop(functions.log1p(y)),
                functions.sum(functions.when(y.notEqual(functions.floor(y)), 1).otherwise(0)),
                functions.sum(functions.when(y.equalTo(0), 1).otherwise(0)),
                functions.count(functions.lit(1)))
            .first();
    return new Target(
        r.isNullAt(0) ? 0 : r.getDouble(0),
        r.isNullAt(1) ? 0 : r.getDouble(1),
        r.isNullAt(2) ? 1 : r.getDouble(2),
        r.isNullAt(3) ? 0 : r.getLong(3),
        r.isNullAt(4) ? 0 : r.getLong(4),
        r.getLong(5));
  }

  private static RegressionHead log1p(Target t) {
    return new RegressionHead(TargetTransform.LOG1P, t.logMean(), t.logStd());
  }

  /**
   * The heads {@code target-transform = auto} and {@code loss = auto} choose between, by name
   * (standardize, log1p, poisson), standardize first: log1p for a target >= 0 whose skewness on
   * train is above {@link #LOG_SKEWNESS}; poisson (loss auto with target-transform auto only) for a
   * count, non-negative integers with at least {@link #COUNT_ZERO_SHARE} zeros. One candidate:
   * nothing to try. Empty for settings with nothing to choose.
   *
   * @param why filled with what was seen on train, for the log
   */
  public static Map<String, OutputHead> targetCandidates(
      FittedTransform transform,
      TrainConfig cfg,
      Dataset<Row> train,
      String where,
      StringBuilder why) {
    Map<String, OutputHead> out = new java.util.LinkedHashMap<>();
    if (transform.task() != Task.REGRESSION
        || cfg.targetTransform() != TargetTransform.AUTO
        || cfg.loss() == TrainConfig.Loss.POISSON) {
      return out;
    }
    FittedTransform.LabelStats stats = labelStats(transform, where);
    out.put(
        "standardize", new RegressionHead(TargetTransform.STANDARDIZE, stats.mean(), stats.std()));
    if (stats.min() < 0) {
      why.append(String.format(java.util.Locale.ROOT, "train minimum %s", stats.min()));
      return out;
    }
    Target t = target(train);
    boolean count =
        t.nonIntegers() == 0 && t.rows() > 0 && t.zeros() >= COUNT_ZERO_SHARE * t.rows();
    why.append(
        String.format(
            java.util.Locale.ROOT,
            "train minimum %s, skewness %.3f, %s",
            stats.min(),
            t.skewness(),
            count
                ? String.format(
                    java.util.Locale.ROOT,
                    "a count with %.1f%% zeros",
                    100.0 * t.zeros() / t.rows())
                : "not a count"));
    if (t.skewness() > LOG_SKEWNESS) {
      out.put("log1p", log1p(t));
    }
    if (count && cfg.loss() == TrainConfig.Loss.AUTO) {
      out.put("poisson", RegressionHead.poisson(stats.mean()));
    }
    return out;
  }

  /**
   * The config values that make {@link #forTraining} build the candidate {@code name} of {@link
   * #targetCandidates}.
   */
  public static Map<String, Object> targetSettings(String name) {
    return switch (name) {
      case "standardize" -> Map.of("train.target-transform", "standardize", "train.loss", "mse");
      case "log1p" -> Map.of("train.target-transform", "log1p", "train.loss", "mse");
      case "poisson" -> Map.of("train.target-transform", "auto", "train.loss", "poisson");
      default -> throw new IllegalArgumentException("no target candidate " + name);
    };
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
  public static double[] classWeights(
      TrainConfig.ClassWeights cfg, List<String> classes, long[] counts) {
    double[] w = new double[classes.size()];
    Arrays.fill(w, 1.0);
    switch (cfg.mode()) {
      case NONE -> {}
      case EXPLICIT -> {
        for (Map.Entry<String, Double> e : cfg.explicit().entrySet()) {
          int k = classes.indexOf(e.getKey());
          if (k < 0) {
            throw new DataException(
                "train.class-weights names class '"
                    + e.getKey()
                    + "', but the prepared data has classes "
                    + classes
                    + "; fix train.class-weights");
          }
          w[k] = e.getValue();
        }
      }
      case AUTO -> {
        long n = Arrays.stream(counts).sum();
        for (int k = 0; k < w.length; k++) {
          w[k] =
              counts[k] == 0 ? cfg.cap() : Math.min(cfg.cap(), (double) n / (w.length * counts[k]));
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
      case HeadSpec.REGRESSION ->
          new RegressionHead(
              s.targetTransform(),
              s.targetCenter(),
              s.targetScale(),
              s.output(),
              s.targetSmearing() == null ? 1.0 : s.targetSmearing());
      case HeadSpec.BINARY -> binary(s, where);
      case HeadSpec.MULTICLASS -> new MulticlassHead(s.classes(), weights(s));
      default ->
          throw new DataException(
              "Model "
                  + where
                  + " has a head of kind '"
                  + s.kind()
                  + "'; this version knows "
                  + List.of(HeadSpec.REGRESSION, HeadSpec.BINARY, HeadSpec.MULTICLASS)
                  + ". Retrain, or score it with the version that trained it");
    };
  }

  /**
   * A binary head of model.json; one that names a positive class other than its second class was
   * edited by hand.
   */
  private static OutputHead binary(HeadSpec s, String where) {
    BinaryHead head =
        new BinaryHead(
            s.classes(),
            weights(s),
            s.output() == OutputLoss.SIGMOID_XENT,
            s.threshold() == null ? 0.5 : s.threshold(),
            s.thresholdRule());
    if (s.positiveClass() != null && !s.positiveClass().equals(head.positive())) {
      throw new DataException(
          "Model "
              + where
              + " names positive class '"
              + s.positiveClass()
              + "', but its class order "
              + s.classes()
              + " makes '"
              + head.positive()
              + "' positive; the model bundle is inconsistent, retrain");
    }
    return head;
  }

  private static double[] weights(HeadSpec s) {
    double[] w = new double[s.classes().size()];
    for (int k = 0; k < w.length; k++) {
      w[k] =
          s.classWeights() == null ? 1.0 : s.classWeights().getOrDefault(s.classes().get(k), 1.0);
    }
    return w;
  }

  /**
   * The head of a model bundle written before heads existed (model.json format 1 without {@code
   * head}): regression standardized with the transform's label statistics, two classes binary at
   * 0.5, the output width telling sigmoid from softmax.
   */
  public static OutputHead legacy(FittedTransform transform, long outputs) {
    if (transform.task() == Task.REGRESSION) {
      FittedTransform.LabelStats s = transform.labelStats();
      return new RegressionHead(TargetTransform.STANDARDIZE, s.mean(), s.std());
    }
    double[] ones = new double[transform.classes().size()];
    Arrays.fill(ones, 1.0);
    if (transform.classes().size() == 2) {
      return new BinaryHead(
          transform.classes(), ones, outputs == 1, 0.5, HeadSpec.ThresholdRule.FIXED);
    }
    return new MulticlassHead(transform.classes(), ones);
  }
}
