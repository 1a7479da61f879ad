package io.dlpipe.head;

import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig.TargetTransform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Column;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Regression: one linear unit with MSE on a transformed target {@code (g(y) - center) / scale},
 * where {@code g} is log1p or the identity. A network fits a target of mean 0 and deviation 1 far
 * more easily than house prices in dollars, and log1p evens out a long right tail; predictions are
 * mapped back, so every metric is in the target's own units. A count target may instead fit the
 * Poisson deviance with one softplus unit on {@code y / scale} (scale: the train mean), whose
 * minimum is the conditional mean itself, where MSE on log1p(y) finds something near a geometric
 * mean.
 */
public final class RegressionHead implements OutputHead {
  private final TargetTransform transform;
  private final double center;
  private final double scale;
  private final OutputLoss output;

  /** log1p: Duan's smearing factor (1 until {@link #calibrate} sets it from validation). */
  private final double smearing;

  /**
   * An MSE head.
   *
   * @param transform none, log1p or standardize
   * @param center subtracted after g (0 for none)
   * @param scale divided by after that (1 for none; never 0)
   */
  public RegressionHead(TargetTransform transform, double center, double scale) {
    this(transform, center, scale, OutputLoss.LINEAR_MSE);
  }

  /**
   * @param output {@link OutputLoss#LINEAR_MSE} or {@link OutputLoss#SOFTPLUS_POISSON} (transform
   *     none, center 0, scale the train mean)
   */
  public RegressionHead(TargetTransform transform, double center, double scale, OutputLoss output) {
    this(transform, center, scale, output, 1.0);
  }

  /**
   * @param smearing log1p: the factor predictions are multiplied by on the way back (Duan's
   *     smearing estimate; 1: none)
   */
  public RegressionHead(
      TargetTransform transform, double center, double scale, OutputLoss output, double smearing) {
    if (transform == TargetTransform.AUTO) {
      throw new IllegalArgumentException("auto must be resolved before a head is built");
    }
    if (output != OutputLoss.LINEAR_MSE && output != OutputLoss.SOFTPLUS_POISSON) {
      throw new IllegalArgumentException(
          "a regression head's output is linear-mse or softplus-poisson, not " + output);
    }
    boolean poisson = output == OutputLoss.SOFTPLUS_POISSON;
    if (poisson && transform != TargetTransform.NONE) {
      throw new IllegalArgumentException(
          "the Poisson loss fits the untransformed target, not " + transform);
    }
    this.transform = transform;
    this.output = output;
    this.center = transform == TargetTransform.NONE ? 0 : center;
    this.scale =
        (transform == TargetTransform.NONE && !poisson) || !(scale > 0) || !Double.isFinite(scale)
            ? 1
            : scale;
    this.smearing =
        transform == TargetTransform.LOG1P && smearing > 0 && Double.isFinite(smearing)
            ? smearing
            : 1.0;
  }

  /** A Poisson head for a count target whose train mean is {@code mean}. */
  public static RegressionHead poisson(double mean) {
    return new RegressionHead(TargetTransform.NONE, 0, mean, OutputLoss.SOFTPLUS_POISSON);
  }

  @Override
  public Task task() {
    return Task.REGRESSION;
  }

  @Override
  public Column decode(Column prediction) {
    return prediction;
  }

  @Override
  public Object predictionValue(double prediction) {
    return prediction;
  }

  @Override
  public Optional<Estimator<?>> baseline(EvaluateConfig.Rung rung) {
    return Optional.of(
        switch (rung) {
          case LINEAR -> new LinearRegression();
          case GBT -> new GBTRegressor();
        });
  }

  @Override
  public int width() {
    return 1;
  }

  @Override
  public List<String> classes() {
    return List.of();
  }

  @Override
  public OutputLoss output() {
    return output;
  }

  /** The network's target for a label. */
  public double forward(double y) {
    double g = transform == TargetTransform.LOG1P ? Math.log1p(Math.max(y, -1 + 1e-12)) : y;
    return (g - center) / scale;
  }

  /**
   * A network output in the target's own units. log1p: {@code exp(g) * smearing - 1}. expm1(g)
   * alone is the back-transformed mean of the log, near a geometric mean, which is below the
   * target's mean by as much as its tail is long; Duan's smearing factor, the mean of
   * exp(residual), restores the mean without assuming the residuals normal (Duan, "Smearing
   * Estimate: A Nonparametric Retransformation Method", JASA 1983).
   */
  public double inverse(double out) {
    double g = out * scale + center;
    if (transform != TargetTransform.LOG1P) {
      return g;
    }
    return smearing == 1.0 ? Math.expm1(g) : Math.exp(g) * smearing - 1;
  }

  /**
   * log1p: this head with Duan's smearing factor estimated on {@code validation} statistics (the
   * mean of exp of the log-scale residual of each row). Other heads return themselves.
   */
  @Override
  public OutputHead calibrate(HeadStats validation) {
    if (transform != TargetTransform.LOG1P
        || validation.rows == 0
        || !(validation.smearSum > 0)
        || !Double.isFinite(validation.smearSum)) {
      return this;
    }
    return new RegressionHead(
        transform, center, scale, output, validation.smearSum / validation.rows);
  }

  @Override
  public void encode(double label, float[] out, int offset) {
    out[offset] = (float) forward(label);
  }

  @Override
  public OutputLayer.Builder outputLayer() {
    return output == OutputLoss.SOFTPLUS_POISSON
        ? new OutputLayer.Builder(LossFunctions.LossFunction.POISSON)
            .activation(Activation.SOFTPLUS)
            .nOut(1)
        : new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY)
            .nOut(1);
  }

  @Override
  public double prediction(float[] out) {
    return inverse(out[0]);
  }

  @Override
  public double[] probabilities(float[] out) {
    return null;
  }

  @Override
  public String label(double prediction) {
    return String.valueOf(prediction);
  }

  @Override
  public HeadStats newStats() {
    return new HeadStats(0, false);
  }

  @Override
  public double rowLoss(double prediction, double[] probabilities, double y) {
    if (output == OutputLoss.SOFTPLUS_POISSON) {
      // DL4J's LossPoisson per row: yhat - y log(yhat), in the scaled units the network fits.
      double yhat = Math.max(forward(prediction), 1e-12);
      return yhat - forward(y) * Math.log(yhat);
    }
    double d = forward(prediction) - forward(y);
    return d * d;
  }

  @Override
  public void add(HeadStats s, double prediction, double[] probabilities, double y) {
    s.rows++;
    s.lossSum += rowLoss(prediction, probabilities, y);
    if (transform == TargetTransform.LOG1P) {
      // The residual against the log prediction before smearing, so the estimate does not depend on
      // the factor in use.
      double g = Math.log1p(Math.max(prediction, -1 + 1e-12)) - Math.log(smearing);
      s.smearSum += Math.exp(Math.log1p(Math.max(y, -1 + 1e-12)) - g);
    }
    double err = prediction - y;
    s.sumY += y;
    s.sumY2 += y * y;
    s.sse += err * err;
    s.sae += Math.abs(err);
  }

  @Override
  public Map<String, Double> metrics(HeadStats s) {
    Map<String, Double> m = new LinkedHashMap<>();
    double mse = s.sse / s.rows;
    m.put("mse", mse);
    m.put("rmse", Math.sqrt(mse));
    m.put("mae", s.sae / s.rows);
    m.put("r2", r2(s));
    return m;
  }

  private static double r2(HeadStats s) {
    double sst = s.sumY2 - s.sumY * s.sumY / s.rows;
    return sst > 0 ? 1 - s.sse / sst : Double.NaN;
  }

  @Override
  public Map<String, Object> curves(HeadStats s) {
    return new LinkedHashMap<>();
  }

  @Override
  public EvalMetrics summary(HeadStats s) {
    if (s.rows == 0) {
      return new EvalMetrics(0, Double.NaN, null, null, null, null, null);
    }
    return new EvalMetrics(
        s.rows, s.lossSum / s.rows, r2(s), Math.sqrt(s.sse / s.rows), s.sae / s.rows, null, null);
  }

  @Override
  public HeadSpec spec() {
    return HeadSpec.builder(HeadSpec.REGRESSION, output)
        .target(transform, center, scale)
        .targetSmearing(smearing == 1.0 ? null : smearing)
        .build();
  }
}
