package io.dlpipe.run;

import io.dlpipe.DataException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.Deduplicator;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Privacy;
import io.dlpipe.etl.RowValidator;
import io.dlpipe.etl.Splitter;
import io.dlpipe.eval.BundleScorer;
import io.dlpipe.eval.Metrics;
import io.dlpipe.eval.ModelBundle;
import io.dlpipe.eval.Scoring;
import io.dlpipe.head.MainMetric;
import io.dlpipe.head.OutputHead;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.Columns;
import io.dlpipe.spark.StageTimer;
import io.dlpipe.workspace.EvaluationLayout;
import io.dlpipe.workspace.ModelLayout;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.StagedOutput;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The promotion gate of a scheduled retrain: a model retrained on a day's input replaces the
 * current one only when its metrics are finite and it scores at least as well, within {@code
 * schedule.promotion.max-regression}, on the same validation rows. Both models score the day's
 * validation split, each through its own transform: the rows are the candidate's etl rebuilt from
 * the raw input (the same read, privacy rules, validation, seeded split and deduplication, so the
 * same rows as its {@code prepared/validation}), keeping those the current model can read too. A
 * day whose labels are all one class, or shuffled, cannot replace a good model this way.
 */
final class PromotionGate {
  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final HadoopFiles files;

  PromotionGate(SparkSession spark, DlpipeConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
    this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
  }

  /**
   * Scores both models on the candidate's validation rows and decides.
   *
   * @param candidateTest the candidate's main metric on its test split (its evaluation), NaN when
   *     missing
   */
  Promotion judge(ModelBundle current, ModelBundle candidate, double candidateTest) {
    double margin = cfg.schedule().promotion().maxRegression();
    OutputHead head = candidate.head();
    MainMetric main = head.mainMetric();
    FittedTransform now = current.transform();
    FittedTransform next = candidate.transform();
    if (current.head().task() != head.task()
        || !now.targetColumn().equals(next.targetColumn())
        || !new HashSet<>(now.classes()).equals(new HashSet<>(next.classes()))) {
      String why =
          String.format(
              Locale.ROOT,
              "the candidate (%s of target %s%s) and the current model (%s of target %s%s) answer different questions and cannot be compared",
              head.spec().kind(),
              next.targetColumn(),
              next.classes().isEmpty() ? "" : ", classes " + next.classes(),
              current.head().spec().kind(),
              now.targetColumn(),
              now.classes().isEmpty() ? "" : ", classes " + now.classes());
      // The operator's way to accept a changed task: the largest margin promotes any candidate
      // whose test metric is finite.
      boolean accept = margin >= 1 && Double.isFinite(candidateTest);
      return Promotion.without(
          accept,
          why
              + (accept
                  ? "; schedule.promotion.max-regression = 1 promotes any candidate with a finite test "
                      + main.key()
                  : "; the current model stays (schedule.promotion.max-regression = 1 promotes any candidate with finite metrics)"),
          margin);
    }
    StageTimer timer = new StageTimer(spark, "promotion", 1);
    try (StageTimer.Stage s =
        timer.start(
            "compare", "score the current model and the candidate on the day's validation split")) {
      Dataset<Row> validation = validationRows(next);
      Dataset<Row> both;
      try {
        BundleScorer.checkSchema(validation.schema(), now, cfg.input().describe());
        // Only columns the day still has: a feature the current model lacks failed checkSchema; an
        // ignored one does not matter.
        List<String> present = List.of(validation.columns());
        both =
            RowValidator.validate(
                    validation.drop(Columns.REASON, Columns.DETAIL, Columns.TARGET, Columns.SPLIT),
                    now.columns().stream().filter(c -> present.contains(c.name())).toList(),
                    now.task(),
                    List.of(),
                    true,
                    now.nullValues())
                .where(functions.col(Columns.REASON).isNull())
                .persist(StorageLevel.MEMORY_AND_DISK());
      } catch (DataException e) {
        double c = score(candidate, validation.drop(Columns.SPLIT), main);
        s.rows(0);
        return decide(
            main,
            c,
            Double.NaN,
            candidateTest,
            margin,
            0,
            "the current model cannot read the day's input (" + e.getMessage() + ")");
      }
      long rows = both.count();
      double c = rows == 0 ? Double.NaN : score(candidate, both, main);
      double k = rows == 0 ? Double.NaN : score(current, both, main);
      both.unpersist();
      s.rows(rows);
      return decide(main, c, k, candidateTest, margin, rows, null);
    }
  }

  /**
   * The decision from the numbers: promoted when the candidate's validation and test metrics are
   * finite and its validation metric is at least the current one's minus the margin (any finite
   * value beats a current metric that is not finite).
   *
   * @param note why the current model was not scored, or null
   */
  static Promotion decide(
      MainMetric main,
      double candidate,
      double current,
      double candidateTest,
      double margin,
      long rows,
      String note) {
    String m = main.key();
    Double c = Double.isFinite(candidate) ? candidate : null;
    Double k = Double.isFinite(current) ? current : null;
    String compared =
        String.format(
            Locale.ROOT,
            "candidate validation %s %s, current %s on the same %d rows, schedule.promotion.max-regression %s",
            m,
            fmt(candidate),
            fmt(current),
            rows,
            fmt(margin));
    if (c == null) {
      return new Promotion(
          false,
          "the candidate's validation "
              + m
              + " is "
              + fmt(candidate)
              + ", not a finite number: the current model stays ("
              + compared
              + ")",
          m,
          c,
          k,
          margin,
          rows);
    }
    if (!Double.isFinite(candidateTest)) {
      return new Promotion(
          false,
          "the candidate's test "
              + m
              + " is "
              + fmt(candidateTest)
              + ", not a finite number: the current model stays ("
              + compared
              + ")",
          m,
          c,
          k,
          margin,
          rows);
    }
    if (k == null) {
      String why =
          note != null ? note : "the current model's validation " + m + " is " + fmt(current);
      return new Promotion(
          true,
          why + ", and the candidate's is finite: promoted (" + compared + ")",
          m,
          c,
          k,
          margin,
          rows);
    }
    if (candidate >= current - margin) {
      return new Promotion(
          true,
          String.format(
              Locale.ROOT,
              "the candidate is not worse: validation %s %s >= %s - %s: promoted (%s)",
              m,
              fmt(candidate),
              fmt(current),
              fmt(margin),
              compared),
          m,
          c,
          k,
          margin,
          rows);
    }
    return new Promotion(
        false,
        String.format(
            Locale.ROOT,
            "the candidate is worse: validation %s %s < %s - %s: the current model stays (%s)",
            m,
            fmt(candidate),
            fmt(current),
            fmt(margin),
            compared),
        m,
        c,
        k,
        margin,
        rows);
  }

  /**
   * The candidate's validation rows, rebuilt as its etl made them: the day's raw input with the
   * privacy rules, validated against the candidate's columns, split by the seeded hash, cleaned and
   * deduplicated like etl. Lazy; the text cells stay, so any transform can apply to them.
   */
  private Dataset<Row> validationRows(FittedTransform next) {
    Dataset<Row> raw =
        Privacy.apply(InputReader.read(spark, cfg.input()), cfg.privacy(), cfg.input(), true);
    List<String> inputColumns = InputReader.columnNames(raw);
    Dataset<Row> checked =
        Splitter.split(
            RowValidator.validate(
                raw, next.columns(), next.task(), cfg.target().classes(), true, next.nullValues()),
            cfg.etl().split(),
            next.columns(),
            next.nullValues());
    Dataset<Row> good =
        Deduplicator.remove(
            checked.where(functions.col(Columns.REASON).isNull()), cfg.etl().dedup(), inputColumns);
    return good.where(functions.col(Columns.SPLIT).equalTo(Columns.VALIDATION));
  }

  /** One model's main metric on validated rows, through its own transform and head. */
  private double score(ModelBundle model, Dataset<Row> rows, MainMetric main) {
    Broadcast<byte[]> network =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model.network());
    try {
      Dataset<Row> prepared = model.transform().apply(rows).select(Columns.FEATURES, Columns.LABEL);
      Dataset<Row> scored =
          Scoring.score(prepared, network, model.head(), cfg.evaluate().batchSize());
      Double v = model.head().metrics(Metrics.stats(scored, model.head())).get(main.key());
      return v == null ? Double.NaN : v;
    } finally {
      network.destroy();
    }
  }

  /**
   * Makes a promoted candidate the workspace's: its prepared/, checkpoints/, model/ and evaluation/
   * each replace the workspace's by two renames ({@link StagedOutput#adopt}), model/ before
   * evaluation/. A run killed between two of them leaves a workspace whose later stages are older
   * than its earlier ones, which the next run redoes (their inputs are newer).
   */
  void publish(String candidateDir) {
    ModelLayout from = new ModelLayout(candidateDir);
    ModelLayout to = new ModelLayout(cfg.output().dir());
    adopt(
        HadoopFiles.join(candidateDir, "prepared"),
        cfg.output().preparedDir(),
        OutputKind.PREPARED,
        "the etl output folder");
    adopt(from.checkpoints(), to.checkpoints(), OutputKind.CHECKPOINTS, "the checkpoint folder");
    adopt(from.root(), to.root(), OutputKind.MODEL, "the model folder");
    adopt(
        new EvaluationLayout(candidateDir).root(),
        new EvaluationLayout(cfg.output().dir()).root(),
        OutputKind.EVALUATION,
        "the evaluation folder");
  }

  private void adopt(String folder, String target, OutputKind kind, String role) {
    if (files.exists(folder)) {
      StagedOutput.adopt(files, folder, target, kind, role).commit();
    }
  }

  private static String fmt(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(d);
  }
}
