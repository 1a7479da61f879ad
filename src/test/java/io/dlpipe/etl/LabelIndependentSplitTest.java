package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.eval.CrossValidation;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: the split must not depend on the label. The fixture, generated here from a seed, has
 * 2,000 feature rows (x1: 40 levels, x2: 50 values) repeated 4 to 16 times each, every one with
 * both labels: its true positive rate p = sigmoid(a[x1] + 2 (x2 / 49 - 0.5)) sets the number of
 * "yes" rows exactly. The rule before the fix (a hash of the whole row, label included) is rebuilt
 * here to show that each assertion catches it.
 */
class LabelIndependentSplitTest {
  private static final long SEED = 20261207L;
  private static final int LEVELS = 40;
  private static final int VALUES = 50;
  private static final List<String> NULLS = List.of("", "NaN");
  private static final List<ColumnSpec> SPECS =
      List.of(
          new ColumnSpec("id", "ignore", "inferred", "id-like"),
          new ColumnSpec("x1", "categorical", "inferred", "test"),
          new ColumnSpec("x2", "numeric", "inferred", "test"),
          new ColumnSpec("y", ColumnSpec.TARGET, "declared", "target"));
  private static final EtlConfig.Split SPLIT = new EtlConfig.Split(0.8, 0.1, 0.1, 42, "");

  /** One group of identical feature rows: its features, its rows and its "yes" rows. */
  private record Group(String x1, int x2, double p, int n, int yes) {}

  @TempDir static Path tmp;
  private static List<Group> groups;
  private static long rowCount;
  private static EtlResult etl;
  private final SparkSession spark = TestSpark.get();

  @BeforeAll
  static void generateAndPrepare() throws IOException {
    SplittableRandom rnd = new SplittableRandom(SEED);
    double[] a = new double[LEVELS];
    for (int i = 0; i < LEVELS; i++) {
      a[i] = rnd.nextDouble(-1.5, 1.5);
    }
    groups = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < LEVELS; i++) {
      for (int j = 0; j < VALUES; j++) {
        double p = 1 / (1 + Math.exp(-(a[i] + 2 * (j / (VALUES - 1.0) - 0.5))));
        int n = rnd.nextInt(4, 17);
        int yes = (int) Math.max(1, Math.min(n - 1, Math.round(p * n)));
        Group g = new Group(String.format(Locale.ROOT, "c%02d", i), j, p, n, yes);
        groups.add(g);
        for (int k = 0; k < n; k++) {
          lines.add(g.x1 + "," + g.x2 + "," + (k < yes ? "yes" : "no"));
        }
      }
    }
    Collections.shuffle(lines, new java.util.Random(SEED));
    StringBuilder csv = new StringBuilder("id,x1,x2,y\n");
    for (int r = 0; r < lines.size(); r++) {
      csv.append(r).append(',').append(lines.get(r)).append('\n');
    }
    rowCount = lines.size();
    Path input = tmp.resolve("repeated.csv");
    Files.writeString(input, csv);
    DlpipeConfig cfg =
        TestData.config(input.toString(), "csv", "y", "classification", tmp.resolve("ws"));
    etl = new EtlJob(TestSpark.get(), cfg).run();
  }

  private Dataset<Row> raw() {
    return spark.read().option("header", true).csv(tmp.resolve("repeated.csv").toString());
  }

  /** Label rate of each group in one split: x1, x2, rate. */
  private static Dataset<Row> rates(Dataset<Row> assigned, String split) {
    return assigned
        .where(functions.col(Columns.SPLIT).equalTo(split))
        .groupBy("x1", "x2")
        .agg(
            functions
                .avg(functions.when(functions.col("y").equalTo("yes"), 1.0).otherwise(0.0))
                .as(split));
  }

  /**
   * Pearson correlation, across the groups present in both, of a group's label rate in train and in
   * test.
   */
  private static double trainTestCorrelation(Dataset<Row> assigned) {
    return rates(assigned, Columns.TRAIN)
        .join(rates(assigned, Columns.TEST), new String[] {"x1", "x2"})
        .agg(functions.corr(Columns.TRAIN, Columns.TEST))
        .first()
        .getDouble(0);
  }

  /** Groups present in more than one split. */
  private static long straddling(Dataset<Row> assigned, String... key) {
    Column[] k = java.util.Arrays.stream(key).map(functions::col).toArray(Column[]::new);
    return assigned
        .groupBy(k)
        .agg(functions.countDistinct(Columns.SPLIT).as("splits"))
        .where("splits > 1")
        .count();
  }

  /** The split before issue 21: a seeded hash of every raw column, the label included. */
  private static Dataset<Row> oldRule(Dataset<Row> raw) {
    // Over the columns of data without a row id, like the census extract: the features and
    // the label.
    Column u = Splitter.unitHash(SPLIT.seed(), List.of("x1", "x2", "y"));
    return raw.withColumn(
        Columns.SPLIT,
        functions
            .when(u.lt(0.8), Columns.TRAIN)
            .when(u.lt(0.9), Columns.VALIDATION)
            .otherwise(Columns.TEST));
  }

  /** A random row split: a seeded hash of the row id, so every row goes its own way. */
  private static Dataset<Row> randomRows(Dataset<Row> raw) {
    return Splitter.split(
        FeatureRows.fingerprint(raw, SPECS, NULLS), new EtlConfig.Split(0.8, 0.1, 0.1, 42, "id"));
  }

  /** Test AUC of logistic regression on one-hot x1 and numeric x2, fitted on train. */
  private static double testAuc(Dataset<Row> assigned) {
    Dataset<Row> rows =
        assigned
            .withColumn(
                "label", functions.when(functions.col("y").equalTo("yes"), 1.0).otherwise(0.0))
            .withColumn("x2n", functions.col("x2").cast("double"));
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new StringIndexer()
                      .setInputCol("x1")
                      .setOutputCol("x1i")
                      .setHandleInvalid("keep"),
                  new OneHotEncoder().setInputCol("x1i").setOutputCol("x1v"),
                  new VectorAssembler()
                      .setInputCols(new String[] {"x1v", "x2n"})
                      .setOutputCol("features"),
                  new LogisticRegression().setMaxIter(50)
                });
    Dataset<Row> train = rows.where(functions.col(Columns.SPLIT).equalTo(Columns.TRAIN));
    Dataset<Row> test = rows.where(functions.col(Columns.SPLIT).equalTo(Columns.TEST));
    return new BinaryClassificationEvaluator()
        .setMetricName("areaUnderROC")
        .evaluate(pipeline.fit(train).transform(test));
  }

  @Test
  void etlSplitsNoFeatureRowAcrossSplitsAndReportsTheLabelNoise() throws IOException {
    EtlSummary s = etl.summary();
    assertEquals(rowCount, s.rowsRead());
    assertEquals(0, s.rowsQuarantined());
    FeatureRowStats f = s.featureRows();
    assertEquals(Splitter.FEATURES_RULE, f.splitRule());
    assertEquals(0, f.inSeveralSplits());
    FeatureRowStats.Part all = f.bySplit().get(FeatureRows.ALL);
    // Every feature row carries both labels, by construction.
    assertEquals(rowCount, all.rows());
    assertEquals(2000, all.distinct());
    assertEquals(2000, all.withSeveralLabels());
    assertEquals(rowCount, all.rowsWithSeveralLabels());
    assertEquals(round(maxAccuracy(groups)), all.maxAccuracy());
    // Summed in another order on Spark: equal to the last rounded digit.
    assertEquals(maxAuc(groups), all.maxAuc(), 1.5e-6);
    assertEquals(null, all.maxR2());
    long distinct = 0;
    for (String split : List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST)) {
      assertEquals(s.rowsWritten().get(split), f.bySplit().get(split).rows(), split);
      distinct += f.bySplit().get(split).distinct();
    }
    assertEquals(2000, distinct, "the splits partition the feature rows");
    assertEquals(List.of("train", "validation", "test", "all"), List.copyOf(f.bySplit().keySet()));
    // About 200 distinct feature rows in about 2,000 test rows: the metrics rest on 200 points.
    FeatureRowStats.Part test = f.bySplit().get(Columns.TEST);
    assertTrue(test.distinct() > 150 && test.distinct() < 250, test.toString());
    assertEquals(
        List.of(
            String.format(
                Locale.ROOT,
                "The test split holds %,d rows but only %,d distinct feature rows: its metrics rest on %,d independent points and vary more than its row count suggests",
                test.rows(),
                test.distinct(),
                test.distinct())),
        f.warnings());

    // The prepared splits share no feature vector.
    Path prepared = tmp.resolve("ws/prepared");
    Dataset<Row> train =
        spark
            .read()
            .parquet(prepared.resolve("train").toString())
            .select(Columns.FEATURES)
            .distinct();
    for (String held : List.of("validation", "test")) {
      assertEquals(
          0,
          train
              .intersect(
                  spark
                      .read()
                      .parquet(prepared.resolve(held).toString())
                      .select(Columns.FEATURES)
                      .distinct())
              .count(),
          held);
    }
    var transform = Json.MAPPER.readTree(Files.readString(prepared.resolve("transform.json")));
    assertEquals("features-v2", transform.path("split_rule").path("rule").asText());
    assertEquals("[\"x1\",\"x2\"]", transform.path("split_rule").path("columns").toString());
    var summary = Json.MAPPER.readTree(Files.readString(prepared.resolve("etl-summary.json")));
    assertEquals(
        2000,
        summary
            .path("feature_rows")
            .path("by_split")
            .path("all")
            .path("with_several_labels")
            .asLong());
    assertEquals(
        all.maxAuc(),
        summary.path("feature_rows").path("by_split").path("all").path("max_auc").asDouble());
  }

  @Test
  void groupLabelRatesDoNotDependOnTheSplit() {
    Dataset<Row> raw = raw().cache();
    Dataset<Row> features = Splitter.split(raw, SPLIT, SPECS, NULLS);
    assertEquals(0, straddling(features, "x1", "x2"), "no feature row in two splits");
    Dataset<Row> old = oldRule(raw);
    // The two label halves of a group share a split with probability 0.8² + 0.1² + 0.1² = 0.66:
    // about 680 of 2,000 groups straddle.
    long oldStraddling = straddling(old, "x1", "x2");
    assertTrue(
        oldStraddling > 500, "the old rule splits feature rows by their label: " + oldStraddling);
    // The old rule: a group's "yes" rows in one split and its "no" rows in another.
    double oldCorrelation = trainTestCorrelation(old);
    assertTrue(oldCorrelation < -0.9, "old rule: " + oldCorrelation);
    // A random row split (a hash of the row id, as etl.split.id-column does) keeps every group in
    // every split with rates that estimate the same p: positively correlated. Measured 0.24
    // here (far from 1: a test group has 1 or 2 rows), with a standard error near 0.03 over the
    // ~1,300 groups in both: 0.1 is 4 of them below, and the old rule gives -1.
    double randomCorrelation = trainTestCorrelation(randomRows(raw));
    assertTrue(randomCorrelation > 0.1, "random rows: " + randomCorrelation);

    // The share of "yes" in test is that of train, within noise: 3 binomial standard errors of
    // the test share, doubled for the groups of ~10 rows that move together.
    Map<String, Double> share = new TreeMap<>();
    for (Row r :
        features
            .groupBy(Columns.SPLIT)
            .agg(
                functions.avg(
                    functions.when(functions.col("y").equalTo("yes"), 1.0).otherwise(0.0)))
            .collectAsList()) {
      share.put(r.getString(0), r.getDouble(1));
    }
    long testRows = features.where(functions.col(Columns.SPLIT).equalTo(Columns.TEST)).count();
    double margin = 2 * 3 * Math.sqrt(0.25 / testRows);
    assertTrue(
        Math.abs(share.get(Columns.TEST) - share.get(Columns.TRAIN)) < margin,
        share + " margin " + margin);

    // A simple model scores on etl's test split as on a random split. The AUC of ~2,000 test rows
    // in ~200 groups has a standard error near 0.015 (Hanley-McNeil, inflated for the groups);
    // 0.05 is over 3 of them.
    double byFeatures = testAuc(features);
    double byRows = testAuc(randomRows(raw));
    assertTrue(
        Math.abs(byFeatures - byRows) < 0.05,
        "features " + byFeatures + " vs random rows " + byRows);
    assertTrue(byFeatures > 0.65, "features " + byFeatures);
    // The old rule's test split is adversarial: a group-mean predictor, which scores a random row
    // split well, falls far below a coin flip on it.
    Column yes = functions.when(functions.col("y").equalTo("yes"), 1.0).otherwise(0.0);
    Column isTrain = functions.col(Columns.SPLIT).equalTo(Columns.TRAIN);
    Column isTest = functions.col(Columns.SPLIT).equalTo(Columns.TEST);
    double meanByRows = groupMeanAuc(randomRows(raw), yes, isTrain, isTest, "x1", "x2");
    double meanByOldRule = groupMeanAuc(old, yes, isTrain, isTest, "x1", "x2");
    System.out.printf(
        Locale.ROOT,
        "split: correlation old %.4f, random rows %.4f; LR AUC features %.4f, random rows %.4f; group-mean AUC random rows %.4f, old %.4f%n",
        oldCorrelation,
        randomCorrelation,
        byFeatures,
        byRows,
        meanByRows,
        meanByOldRule);
    // 0.64 measured; the bound on these rows is 0.76 and group means of ~8 rows are noisy.
    assertTrue(meanByRows > 0.6, "group means, random rows " + meanByRows);
    assertTrue(meanByOldRule < 0.4, "group means, old rule " + meanByOldRule);
    raw.unpersist();
  }

  @Test
  void kFoldFoldsDoNotDependOnTheLabel() {
    Path prepared = tmp.resolve("ws/prepared");
    Dataset<Row> pool =
        spark
            .read()
            .parquet(prepared.resolve("train").toString())
            .unionByName(spark.read().parquet(prepared.resolve("validation").toString()));
    int folds = 5;
    Dataset<Row> assigned = pool.withColumn(Columns.SPLIT, CrossValidation.fold(42, folds)).cache();
    long vectors = pool.select(Columns.FEATURES).distinct().count();
    assertEquals(
        vectors,
        assigned.select(Columns.FEATURES, Columns.SPLIT).distinct().count(),
        "no feature vector in two folds");
    // Every prepared feature vector carries both labels: the pool holds them whole.
    assertEquals(
        vectors,
        assigned
            .groupBy(Columns.FEATURES)
            .agg(functions.countDistinct(Columns.LABEL).as("labels"))
            .where("labels = 2")
            .count());

    // The fold rule before issue 21 hashed the label too: a vector's labels went to different
    // folds.
    Column oldFold =
        functions.pmod(
            functions.xxhash64(
                functions.lit(42L), functions.col(Columns.FEATURES), functions.col(Columns.LABEL)),
            functions.lit(folds));
    Dataset<Row> old = pool.withColumn(Columns.SPLIT, oldFold);
    assertTrue(
        old.groupBy(Columns.FEATURES)
                .agg(functions.countDistinct(Columns.SPLIT).as("f"))
                .where("f > 1")
                .count()
            > vectors * 3 / 4);

    // Held-out fold 0 against the others: a logistic regression on the prepared features scores
    // as on a random fold of rows (within the 0.05 of the split test), the old folds below 0.5.
    Dataset<Row> randomFolds =
        pool.withColumn(
            Columns.SPLIT,
            functions.pmod(
                functions.xxhash64(functions.lit(42L), functions.monotonically_increasing_id()),
                functions.lit(folds)));
    double byFeatures = heldOutAuc(assigned);
    double byRows = heldOutAuc(randomFolds);
    assertTrue(
        Math.abs(byFeatures - byRows) < 0.05,
        "features " + byFeatures + " vs random rows " + byRows);
    Column label = functions.col(Columns.LABEL);
    Column others = functions.col(Columns.SPLIT).notEqual(0);
    Column held = functions.col(Columns.SPLIT).equalTo(0);
    double meanByRows = groupMeanAuc(randomFolds, label, others, held, Columns.FEATURES);
    double meanByOldRule = groupMeanAuc(old, label, others, held, Columns.FEATURES);
    System.out.printf(
        Locale.ROOT,
        "folds: LR AUC features %.4f, random rows %.4f; group-mean AUC random rows %.4f, old %.4f%n",
        byFeatures,
        byRows,
        meanByRows,
        meanByOldRule);
    assertTrue(meanByRows > 0.6, "group means, random folds " + meanByRows);
    assertTrue(meanByOldRule < 0.4, "group means, old folds " + meanByOldRule);
    assigned.unpersist();
  }

  private static double heldOutAuc(Dataset<Row> folded) {
    Dataset<Row> rows =
        folded.withColumn(
            "fv", org.apache.spark.ml.functions.array_to_vector(functions.col(Columns.FEATURES)));
    LogisticRegression lr =
        new LogisticRegression().setFeaturesCol("fv").setLabelCol(Columns.LABEL).setMaxIter(50);
    Dataset<Row> heldOut = rows.where(functions.col(Columns.SPLIT).equalTo(0));
    return new BinaryClassificationEvaluator()
        .setLabelCol(Columns.LABEL)
        .setMetricName("areaUnderROC")
        .evaluate(lr.fit(rows.where(functions.col(Columns.SPLIT).notEqual(0))).transform(heldOut));
  }

  /**
   * AUC on the held-out rows of scoring each row by its group's label rate on the training rows
   * (the overall rate for a group absent from them): the model that memorizes feature rows.
   */
  private static double groupMeanAuc(
      Dataset<Row> rows, Column label, Column train, Column heldOut, String... key) {
    Dataset<Row> labelled = rows.withColumn("l", label);
    double overall = labelled.where(train).agg(functions.avg("l")).first().getDouble(0);
    Dataset<Row> means =
        labelled
            .where(train)
            .groupBy(key[0], java.util.Arrays.copyOfRange(key, 1, key.length))
            .agg(functions.avg("l").as("m"));
    Dataset<Row> scored =
        labelled
            .where(heldOut)
            .join(means, key, "left")
            .withColumn("score", functions.coalesce(functions.col("m"), functions.lit(overall)));
    return new BinaryClassificationEvaluator()
        .setLabelCol("l")
        .setRawPredictionCol("score")
        .setMetricName("areaUnderROC")
        .evaluate(scored);
  }

  /** The accuracy of predicting each group's majority label: what FeatureRows must report. */
  private static double maxAccuracy(List<Group> gs) {
    return gs.stream().mapToLong(g -> Math.max(g.yes, g.n - g.yes)).sum()
        / (double) gs.stream().mapToLong(Group::n).sum();
  }

  /** The AUC of scoring each group by its own "yes" rate, groups of equal rate tied. */
  private static double maxAuc(List<Group> gs) {
    TreeMap<Double, long[]> byRate = new TreeMap<>();
    for (Group g : gs) {
      long[] pq = byRate.computeIfAbsent((double) g.yes / g.n, r -> new long[2]);
      pq[0] += g.yes;
      pq[1] += g.n - g.yes;
    }
    double wins = 0;
    long below = 0;
    long p = 0;
    long q = 0;
    for (long[] pq : byRate.values()) {
      wins += pq[0] * (below + 0.5 * pq[1]);
      below += pq[1];
      p += pq[0];
      q += pq[1];
    }
    return wins / ((double) p * q);
  }

  private static double round(double d) {
    return Math.round(d * 1e6) / 1e6;
  }
}
