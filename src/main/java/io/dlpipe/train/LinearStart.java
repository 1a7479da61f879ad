package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.net.Network;
import io.dlpipe.spark.Columns;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network that starts as the linear model of its own output layer ({@code
 * train.model.linear-start}): the linear or logistic regression that minimizes the head's loss on
 * the train split is fitted first (Spark MLlib, distributed; only its coefficients reach the
 * driver), written into the network's linear path, and the weights from the hidden layers start at
 * zero. Training then begins where the linear baseline ends and the hidden layers only learn what
 * it misses, as in the combined actuarial neural network (Wüthrich and Merz, "Yes, we CANN!", ASTIN
 * Bulletin 2019). Without it, a wide-and-deep network has to learn the linear part by gradient
 * steps at the hidden layers' learning rate, which on small data took most of its epochs, and on
 * data where a linear model is hard to beat it stopped below it.
 *
 * <p>The fitted model matches the output layer exactly: MSE on the head's transformed target for
 * regression, a logistic regression (binomial for two classes, as the ladder's logistic rung, under
 * sigmoid or softmax; multinomial for more) with the head's class weights as row weights for
 * classification. The Poisson head (a softplus unit) has no MLlib counterpart with that link, so it
 * starts as initialized.
 */
public final class LinearStart {
  private static final Logger LOG = LoggerFactory.getLogger(LinearStart.class);
  private static final String VECTOR = "_dlp_vector";
  private static final String TARGET = "_dlp_target";
  private static final String WEIGHT = "_dlp_weight";

  /**
   * The evaluation ladder's linear rung's ridge ({@code io.dlpipe.eval.Baseline}): one-hot columns
   * with every level plus "other" are collinear.
   */
  static final double REG_PARAM = 1e-3;

  static final int MAX_ITER = 200;

  /**
   * A linear model of the output layer's pre-activations.
   *
   * @param weights one row per output unit, one column per feature
   * @param intercepts one per output unit
   */
  public record Coefficients(double[][] weights, double[] intercepts) {}

  private LinearStart() {}

  /**
   * A fresh network of the family {@code train.model.type} names, started as the linear model of
   * its output layer on {@code rows} when {@code train.model.linear-start} is on: what every
   * training starts from (the real one, tuning and target trials, cross-validation folds).
   */
  public static Network network(
      TrainConfig train, int featureCount, OutputHead head, Dataset<Row> rows) {
    return network(train, featureCount, head, LinearFits.of(rows));
  }

  /** {@link #network}, with the linear model taken from {@code fits} (one fit per head). */
  static Network network(TrainConfig train, int featureCount, OutputHead head, LinearFits fits) {
    Network net = Network.create(train, featureCount, head);
    if (wanted(train, head)) {
      apply(net, fits, head);
    }
    return net;
  }

  /**
   * Starts {@code net} as the linear model of its output layer on {@code rows} when {@code
   * train.model.linear-start} asks for it with this head ({@link #wanted}) and it can ({@link
   * #apply}). Returns whether it did.
   */
  static boolean start(Network net, TrainConfig train, OutputHead head, Dataset<Row> rows) {
    return wanted(train, head) && apply(net, LinearFits.of(rows), head);
  }

  /**
   * Whether {@code train.model.linear-start} asks for a linear start with this head: {@code auto}
   * for regression and two classes. Over more classes the multinomial logistic regression's
   * in-sample fit is confident enough to leave the hidden layers little train residual to learn
   * from: started from it, letter's test accuracy was 0.9158 against 0.9454 for the MLP, and
   * satellite's 0.9017 against 0.9095 (docs/QUALITY.md).
   */
  public static boolean wanted(TrainConfig train, OutputHead head) {
    return switch (train.model().linearStart()) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> head.classes().size() <= 2;
    };
  }

  /**
   * Fits the linear model of {@code head}'s output layer on {@code train} (prepared rows: features
   * and label) and starts {@code net} as it, when it has a linear path. Returns whether it did.
   */
  public static boolean apply(Network net, Dataset<Row> train, OutputHead head) {
    return apply(net, LinearFits.of(train), head);
  }

  private static boolean apply(Network net, LinearFits fits, OutputHead head) {
    if (!net.hasLinearPath()) {
      return false; // an MLP with hidden layers: nothing to start
    }
    long start = System.nanoTime();
    Optional<Coefficients> fitted = fits.fit(head);
    if (fitted.isEmpty()) {
      LOG.info(
          "Linear start: none for the {} output (no linear model of its link); the network starts as initialized",
          head.output());
      return false;
    }
    net.startAsLinear(fitted.get().weights(), fitted.get().intercepts());
    LOG.info(
        String.format(
            Locale.ROOT,
            "Linear start: the network starts as the %s fitted on the train split (%.1f s)",
            head.hasProbabilities() ? "logistic regression" : "linear regression",
            (System.nanoTime() - start) / 1e9));
    return true;
  }

  /** {@code rows} with a column {@code name} computed from each row's label by {@code f}. */
  private static Dataset<Row> ofLabel(Dataset<Row> rows, String name, UDF1<Double, Double> f) {
    return rows.withColumn(
        name, functions.udf(f, DataTypes.DoubleType).apply(functions.col(Columns.LABEL)));
  }

  /** The linear model of {@code head}'s output layer on {@code train}; empty for Poisson. */
  public static Optional<Coefficients> fit(Dataset<Row> train, OutputHead head) {
    Dataset<Row> rows =
        train.select(
            org.apache
                .spark
                .ml
                .functions
                .array_to_vector(functions.col(Columns.FEATURES))
                .as(VECTOR),
            functions.col(Columns.LABEL));
    switch (head.output()) {
      case LINEAR_MSE -> {
        RegressionHead regression = (RegressionHead) head;
        UDF1<Double, Double> forward = regression::forward;
        LinearRegressionModel m =
            new LinearRegression()
                .setFeaturesCol(VECTOR)
                .setLabelCol(TARGET)
                .setRegParam(REG_PARAM)
                .setMaxIter(MAX_ITER)
                .fit(ofLabel(rows, TARGET, forward));
        return Optional.of(
            new Coefficients(
                new double[][] {m.coefficients().toArray()}, new double[] {m.intercept()}));
      }
      case SIGMOID_XENT, SOFTMAX_MCXENT -> {
        // Two classes are the binomial fit, also under softmax: softmax(0, z) is sigmoid(z), so
        // the start is the very model the ladder's logistic rung fits (MLlib's binomial family).
        boolean binomial = head.classes().size() == 2;
        boolean sigmoid = head.output() == io.dlpipe.head.OutputLoss.SIGMOID_XENT;
        UDF1<Double, Double> weight = head::labelWeight;
        LogisticRegressionModel m =
            new LogisticRegression()
                .setFeaturesCol(VECTOR)
                .setLabelCol(Columns.LABEL)
                .setWeightCol(WEIGHT)
                .setFamily(binomial ? "binomial" : "multinomial")
                .setRegParam(REG_PARAM)
                .setMaxIter(MAX_ITER)
                .fit(ofLabel(rows, WEIGHT, weight));
        if (sigmoid) {
          return Optional.of(
              new Coefficients(
                  new double[][] {m.coefficients().toArray()}, new double[] {m.intercept()}));
        }
        if (binomial) {
          double[] w = m.coefficients().toArray();
          return Optional.of(
              new Coefficients(
                  new double[][] {new double[w.length], w}, new double[] {0, m.intercept()}));
        }
        Matrix c = m.coefficientMatrix();
        double[][] w = new double[c.numRows()][c.numCols()];
        for (int k = 0; k < c.numRows(); k++) {
          for (int j = 0; j < c.numCols(); j++) {
            w[k][j] = c.apply(k, j);
          }
        }
        return Optional.of(new Coefficients(w, m.interceptVector().toArray()));
      }
      default -> {
        return Optional.empty();
      }
    }
  }
}
