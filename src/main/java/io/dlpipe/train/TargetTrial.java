package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the regression target of {@code train.target-transform = auto} and {@code train.loss =
 * auto} by what it scores: each candidate head (standardize, log1p, poisson) trains a short trial,
 * all at once as one Spark task each ({@link Tuner#runTasks}), on a seeded sample of at most {@code
 * train.target-trial.rows} train and validation rows, with the real training's seed, network and
 * early stopping; the candidate with the best validation R² in the target's own units is the one
 * trained. A rule on the target's skewness cannot know this: log1p's back-transform estimates
 * something near a geometric mean, which on a heavy-tailed count is far below the mean that R² (and
 * MSE in the target's units) rewards, while on other skewed targets it is the better fit.
 */
final class TargetTrial {
  private static final Logger LOG = LoggerFactory.getLogger(TargetTrial.class);

  /**
   * How much validation R² another candidate must gain over the first (standardize) to replace it.
   * A short trial on a sample is noisy: on Ames (skewness 1.7) a 4-epoch trial put log1p 0.0045
   * above standardize, and the full log1p model then scored 0.8655 on test where standardized
   * models reach 0.88-0.90. On randhie the gap the issue reported is 0.08.
   */
  static final double MARGIN = 0.01;

  private TargetTrial() {}

  /**
   * Runs the trials and returns the choice ({@link #choice}).
   *
   * @param candidates by name, the default (standardize) first
   * @param target what train showed of the target, for the log and model.json
   */
  static TargetChoice choose(
      TrainConfig train,
      PreparedInput in,
      Dataset<Row> trainRows,
      Dataset<Row> validationRows,
      Map<String, OutputHead> candidates,
      String target) {
    TrainConfig.TargetTrial trial = train.targetTrial();
    long rows = Math.min(trial.rows(), in.rows(Columns.TRAIN));
    Dataset<Row> t = sample(trainRows, in.rows(Columns.TRAIN), trial.rows(), train.seed());
    Dataset<Row> v =
        sample(validationRows, in.rows(Columns.VALIDATION), trial.rows(), train.seed());
    TrainPlan short_ =
        TrainPlan.resolve(train.withEpochs(Math.min(train.epochs(), trial.epochs())), 1, rows);
    List<TrialTask> plans = new ArrayList<>();
    List<String> names = new ArrayList<>(candidates.keySet());
    for (int i = 0; i < names.size(); i++) {
      plans.add(
          TrialTask.of(
                  i + 1, short_, in.transform().featureCount(), candidates.get(names.get(i)), t)
              .withRowErrors());
    }
    List<TrialTask.Result> results =
        Tuner.runTasks(
            plans, t, v, "train.target-transform = auto: " + names + ", one short trial each");
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, double[]> errors = new LinkedHashMap<>();
    for (TrialTask.Result r : results) {
      String name = names.get(r.number() - 1);
      scores.put(name, Double.isFinite(r.main()) ? r.main() : null);
      errors.put(name, r.rowErrors());
    }
    Choice made = choice(scores, errors);
    String chosen = made.chosen();
    List<String> figures = new ArrayList<>();
    scores.forEach(
        (k, s) ->
            figures.add(
                k + " " + (s == null ? "diverged" : String.format(Locale.ROOT, "%.4f", s))));
    LOG.info(
        "train.target-transform = auto: {} ({}; validation R² in the target's units after a trial of at most {} epochs on at most {} train rows: {}; {})",
        chosen,
        target,
        short_.epochs(),
        rows,
        String.join(", ", figures),
        made.why());
    return new TargetChoice(chosen, scores, short_.epochs(), rows, target, made.why());
  }

  /**
   * A choice and why it was made.
   *
   * @param why the paired comparison that decided, for the log
   */
  record Choice(String chosen, String why) {}

  /**
   * The candidate to train. The first (standardize, the default) stays unless another beats it on
   * the same validation rows by more than {@link #STANDARD_ERRORS} standard errors of the per-row
   * difference in squared error, in the target's units; among those that do, the best R² wins. A
   * trial's validation R² on a few hundred rows of a heavy-tailed count moves by more than the
   * candidates differ: on doctorvisits (508 validation rows) log1p's trial scored 0.1544 against
   * standardize's 0.1324, and the log1p model then scored 0.1704 on test where the standardized
   * linear model scored 0.1976. Where per-row errors are missing, the fixed {@link #MARGIN} in R²
   * decides ({@link #choice(Map)}).
   */
  static Choice choice(Map<String, Double> scores, Map<String, double[]> errors) {
    String first = scores.keySet().iterator().next();
    double[] base = errors.get(first);
    if (scores.get(first) == null || base == null) {
      String c = choice(scores);
      return new Choice(c, "standardize diverged");
    }
    String best = first;
    double top = scores.get(first);
    List<String> why = new ArrayList<>();
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      double[] other = errors.get(e.getKey());
      if (e.getKey().equals(first) || e.getValue() == null) {
        continue;
      }
      if (other == null || other.length != base.length) {
        String c = choice(scores);
        return new Choice(c, "no paired errors for " + e.getKey());
      }
      double[] d = pairedDifference(base, other);
      boolean beats = d[0] < -STANDARD_ERRORS * d[1];
      why.add(
          String.format(
              Locale.ROOT,
              "%s against %s: squared error %+.4g per row (standard error %.4g)%s",
              e.getKey(),
              first,
              d[0],
              d[1],
              beats ? "" : ", within the noise"));
      if (beats && e.getValue() > top) {
        top = e.getValue();
        best = e.getKey();
      }
    }
    return new Choice(best, String.join("; ", why));
  }

  /**
   * Standard errors by which another candidate must beat standardize: the one-standard-error rule.
   * One, not {@code train.model.linear-start-margin}'s two: each trial's best epoch is chosen on
   * these rows, so both sides of this comparison carry the same optimism.
   */
  static final double STANDARD_ERRORS = 1.0;

  /** Mean of {@code b - a} per row and its standard error. */
  static double[] pairedDifference(double[] a, double[] b) {
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < a.length; i++) {
      double d = b[i] - a[i];
      sum += d;
      sumSq += d * d;
    }
    return Evaluator.meanAndStandardError(a.length, sum, sumSq);
  }

  /**
   * The candidate to train by validation R² alone: the one with the best validation R², unless that
   * is less than {@link #MARGIN} above the first candidate's (the default), which then stays; the
   * first also stays when it is the only one that did not diverge, or when every trial diverged.
   */
  static String choice(Map<String, Double> scores) {
    String first = scores.keySet().iterator().next();
    Double base = scores.get(first);
    String best = first;
    double top = base == null ? Double.NEGATIVE_INFINITY : base;
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      if (e.getValue() != null && e.getValue() > top) {
        top = e.getValue();
        best = e.getKey();
      }
    }
    return base == null || top >= base + MARGIN ? best : first;
  }

  /**
   * A seeded sample of about {@code max} of a split's {@code rows} rows; the split itself when it
   * is no larger.
   */
  static Dataset<Row> sample(Dataset<Row> split, long rows, long max, long seed) {
    return rows <= max ? split : split.sample(false, (double) max / rows, seed);
  }
}
