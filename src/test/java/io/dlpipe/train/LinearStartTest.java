package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.BinaryHead;
import io.dlpipe.head.MulticlassHead;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The linear start on a real local Spark: the network's outputs after it are the fitted linear
 * model's, in the output layer's own units, for each head; the Poisson head and an MLP with hidden
 * layers are left as initialized.
 */
class LinearStartTest {
  private static final int ROWS = 400;

  private static TrainConfig train(String type, String hidden) {
    return TestConfig.of("x.csv", "y", "regression", "ws")
        .set("train.model.type=" + type, "train.model.hidden-layers=" + hidden)
        .load()
        .train();
  }

  /** Three features; label from {@code label(x, noise)}. */
  private static Dataset<Row> rows(java.util.function.BiFunction<float[], Double, Double> label) {
    Random r = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), r.nextFloat()};
      rows.add(RowFactory.create(x, label.apply(x, r.nextGaussian())));
    }
    StructType schema =
        new StructType()
            .add(Columns.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add(Columns.LABEL, DataTypes.DoubleType, false);
    return TestSpark.get().createDataFrame(rows, schema);
  }

  private static float[][] features(Dataset<Row> rows) {
    List<Row> all = rows.collectAsList();
    float[][] x = new float[all.size()][];
    for (int i = 0; i < x.length; i++) {
      List<Float> f = all.get(i).getList(0);
      x[i] = new float[] {f.get(0), f.get(1), f.get(2)};
    }
    return x;
  }

  @Test
  void aRegressionNetworkStartsAsTheRidgeOfItsStandardizedTarget() {
    Dataset<Row> df = rows((x, e) -> 100 + 30 * x[0] - 10 * x[1] + 5 * x[2] + 2 * e);
    RegressionHead head = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 100, 30);
    LinearStart.Coefficients c = LinearStart.fit(df, head).orElseThrow();
    // (y - 100) / 30 = x0 - x1/3 + x2/6 + noise: the ridge of 1e-3 on standardized features
    // recovers it to about 3 decimals.
    assertEquals(1.0, c.weights()[0][0], 5e-3);
    assertEquals(-1.0 / 3, c.weights()[0][1], 5e-3);
    assertEquals(1.0 / 6, c.weights()[0][2], 2e-2);

    Network net = Network.create(train("wide-deep", "[8, 4]"), 3, head);
    assertEquals(true, LinearStart.apply(net, df, head));
    float[][] x = features(df.limit(5));
    float[][] out = net.output(x);
    for (int i = 0; i < x.length; i++) {
      double expected = c.intercepts()[0];
      for (int j = 0; j < 3; j++) {
        expected += c.weights()[0][j] * x[i][j];
      }
      assertEquals(expected, out[i][0], 1e-5, "row " + i);
    }
  }

  @Test
  void aSearchFitsEachHeadsLinearModelOnce() {
    Dataset<Row> df = rows((x, e) -> 100 + 30 * x[0] - 10 * x[1] + 5 * x[2] + 2 * e);
    LinearFits fits = LinearFits.of(df);
    RegressionHead head = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 100, 30);
    Optional<LinearStart.Coefficients> first = fits.fit(head);
    // Another head object of the same spec (the next trial's): the same fit, not a new one.
    assertSame(
        first, fits.fit(new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 100, 30)));
    // Another target scaling is another linear model.
    Optional<LinearStart.Coefficients> other =
        fits.fit(new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 100, 10));
    assertNotSame(first, other);
    assertEquals(
        first.orElseThrow().weights()[0][0] * 3, other.orElseThrow().weights()[0][0], 5e-3);
    // Two trial networks from the same fits start identical.
    TrainConfig t = train("wide-deep", "[8, 4]");
    float[][] x = features(df.limit(3));
    float[][] a = LinearStart.network(t, 3, head, fits).output(x);
    float[][] b = LinearStart.network(t, 3, head, fits).output(x);
    for (int i = 0; i < x.length; i++) {
      assertEquals(a[i][0], b[i][0], 0.0, "row " + i);
    }
  }

  @Test
  void aSoftmaxNetworkStartsAsTheMultinomialLogisticRegressionWithTheClassWeights() {
    Dataset<Row> df = rows((x, e) -> x[0] + 0.5 * e > 0.3 ? 2.0 : x[1] + 0.5 * e > 0 ? 1.0 : 0.0);
    double[] weights = {1, 2, 0.5};
    OutputHead head = new MulticlassHead(List.of("a", "b", "c"), weights);
    Network net = Network.create(train("wide-deep", "[8]"), 3, head);
    assertEquals(true, LinearStart.apply(net, df, head));

    // The same fit as MLlib's own, with the class weights as row weights.
    Dataset<Row> weighted =
        df.withColumn(
                "v",
                org.apache.spark.ml.functions.array_to_vector(
                    org.apache.spark.sql.functions.col(Columns.FEATURES)))
            .withColumn(
                "w",
                org.apache
                    .spark
                    .sql
                    .functions
                    .when(org.apache.spark.sql.functions.col(Columns.LABEL).equalTo(0.0), 1.0)
                    .when(org.apache.spark.sql.functions.col(Columns.LABEL).equalTo(1.0), 2.0)
                    .otherwise(0.5));
    LogisticRegressionModel m =
        new LogisticRegression()
            .setFeaturesCol("v")
            .setLabelCol(Columns.LABEL)
            .setWeightCol("w")
            .setFamily("multinomial")
            .setRegParam(LinearStart.REG_PARAM)
            .setMaxIter(LinearStart.MAX_ITER)
            .fit(weighted);
    float[][] x = features(df.limit(5));
    float[][] out = net.output(x);
    for (int i = 0; i < x.length; i++) {
      double[] p = m.predictProbability(Vectors.dense(x[i][0], x[i][1], x[i][2])).toArray();
      assertArrayEquals(
          new float[] {(float) p[0], (float) p[1], (float) p[2]}, out[i], 1e-5f, "row " + i);
    }
  }

  @Test
  void aTwoClassSoftmaxNetworkStartsAsTheLaddersBinomialLogisticRegression() {
    Dataset<Row> df = rows((x, e) -> x[0] - x[1] + e > 0 ? 1.0 : 0.0);
    OutputHead head = new BinaryHead(List.of("no", "yes"), new double[] {1, 1}, false, 0.5, null);
    Network net = Network.create(train("wide-deep", "[8]"), 3, head);
    assertEquals(true, LinearStart.apply(net, df, head));
    LogisticRegressionModel rung =
        new LogisticRegression()
            .setFeaturesCol("v")
            .setLabelCol(Columns.LABEL)
            .setRegParam(LinearStart.REG_PARAM)
            .setMaxIter(LinearStart.MAX_ITER)
            .fit(
                df.withColumn(
                    "v",
                    org.apache.spark.ml.functions.array_to_vector(
                        org.apache.spark.sql.functions.col(Columns.FEATURES))));
    float[][] x = features(df.limit(5));
    float[][] out = net.output(x);
    for (int i = 0; i < x.length; i++) {
      double[] p = rung.predictProbability(Vectors.dense(x[i][0], x[i][1], x[i][2])).toArray();
      assertArrayEquals(new float[] {(float) p[0], (float) p[1]}, out[i], 1e-5f, "row " + i);
    }
  }

  @Test
  void aSigmoidNetworkStartsAsTheBinomialLogisticRegression() {
    Dataset<Row> df = rows((x, e) -> x[0] - x[1] + e > 0 ? 1.0 : 0.0);
    OutputHead head = new BinaryHead(List.of("no", "yes"), new double[] {1, 1}, true, 0.5, null);
    LinearStart.Coefficients c = LinearStart.fit(df, head).orElseThrow();
    assertEquals(1, c.weights().length);
    assertEquals(3, c.weights()[0].length);
    Network net = Network.create(train("wide-deep", "[8]"), 3, head);
    assertEquals(true, LinearStart.apply(net, df, head));
    float[] x = features(df.limit(1))[0];
    double z = c.intercepts()[0];
    for (int j = 0; j < 3; j++) {
      z += c.weights()[0][j] * x[j];
    }
    assertEquals(1 / (1 + Math.exp(-z)), net.output(new float[][] {x})[0][0], 1e-6);
  }

  @Test
  void autoStartsRegressionAndTwoClassesAsTheLinearModelAndMoreClassesAtRandom() {
    OutputHead regression = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 0, 1);
    OutputHead binary = new BinaryHead(List.of("no", "yes"), new double[] {1, 1}, false, 0.5, null);
    OutputHead three = new MulticlassHead(List.of("a", "b", "c"), new double[] {1, 1, 1});
    TrainConfig auto = train("wide-deep", "[8]");
    assertEquals(TrainConfig.LinearStartMode.AUTO, auto.model().linearStart());
    assertEquals(
        List.of(true, true, false),
        List.of(
            LinearStart.wanted(auto, regression),
            LinearStart.wanted(auto, binary),
            LinearStart.wanted(auto, three)));
    TrainConfig on =
        TestConfig.of("x.csv", "y", "regression", "ws")
            .set("train.model.linear-start=on")
            .load()
            .train();
    assertEquals(true, LinearStart.wanted(on, three));
    TrainConfig off =
        TestConfig.of("x.csv", "y", "regression", "ws")
            .set("train.model.linear-start=off")
            .load()
            .train();
    assertEquals(false, LinearStart.wanted(off, regression));
  }

  @Test
  void pairedLossesAreTheExactPerRowDifferencesWithTheirStandardError() {
    // x = (k, 0, 0), y = k for k = 1..4: a predicts k (loss 0), b predicts 1.5 k (loss k^2 / 4).
    List<Row> rows = new ArrayList<>();
    for (int k = 1; k <= 4; k++) {
      rows.add(RowFactory.create(new float[] {k, 0, 0}, (double) k));
    }
    StructType schema =
        new StructType()
            .add(Columns.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add(Columns.LABEL, DataTypes.DoubleType, false);
    Dataset<Row> df = TestSpark.get().createDataFrame(rows, schema).repartition(2);
    RegressionHead head = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 0, 1);
    Network a = Network.create(train("mlp", "[]"), 3, head);
    Network b = Network.create(train("mlp", "[]"), 3, head);
    a.startAsLinear(new double[][] {{1, 0, 0}}, new double[] {0});
    b.startAsLinear(new double[][] {{1.5, 0, 0}}, new double[] {0});
    Evaluator.Paired p = Evaluator.paired(df, a, b, head, 3, 1);
    assertEquals(4, p.rows());
    assertEquals(0.0, p.lossA());
    // Losses 0.25, 1, 2.25, 4: mean 1.875, sample variance 8.0625 / 3.
    assertEquals(1.875, p.lossB(), 1e-12);
    assertEquals(1.875, p.meanDifference(), 1e-12);
    assertEquals(Math.sqrt(8.0625 / 3 / 4), p.standardError(), 1e-12);
    assertEquals(
        -1.875, Evaluator.paired(df, b, a, head, 3, 3).meanDifference(), 1e-12, "b against a");
  }

  @Test
  void thePoissonHeadAndAnMlpWithHiddenLayersStartAsInitialized() {
    Dataset<Row> df = rows((x, e) -> (double) Math.max(0, Math.round(1 + x[0] + e)));
    OutputHead poisson = RegressionHead.poisson(1.2);
    assertEquals(Optional.empty(), LinearStart.fit(df, poisson));
    Network net = Network.create(train("wide-deep", "[8]"), 3, poisson);
    org.nd4j.linalg.api.ndarray.INDArray before = net.params().dup();
    assertEquals(false, LinearStart.apply(net, df, poisson));
    assertEquals(before, net.params());

    RegressionHead head = new RegressionHead(TrainConfig.TargetTransform.STANDARDIZE, 1, 1);
    Network mlp = Network.create(train("mlp", "[8]"), 3, head);
    before = mlp.params().dup();
    assertEquals(false, LinearStart.apply(mlp, df, head));
    assertEquals(before, mlp.params());
  }
}
