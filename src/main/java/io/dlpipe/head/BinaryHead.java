package io.dlpipe.head;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Two classes, the second (index 1) positive: etl puts the positive class there (the declared
 * {@code target.positive-class}, else the minority class of train), and {@code model.json} names
 * it. The network outputs the positive class's probability (one sigmoid unit, or the second of two
 * softmax units); a row is predicted positive from the head's threshold on, which training chooses
 * on validation. Metrics are reported at that threshold and at 0.5, beside the threshold-free ROC
 * AUC, PR AUC, KS, log loss and Brier score.
 */
public final class BinaryHead extends ClassificationHead {
  private final boolean sigmoid;
  private final double threshold;
  private final HeadSpec.ThresholdRule rule;

  /**
   * @param sigmoid one sigmoid unit (binary cross-entropy, unweighted) instead of two softmax units
   * @param threshold the positive-class probability from which a row is predicted positive
   * @param rule how the threshold was chosen, or null before it is
   */
  public BinaryHead(
      List<String> classes,
      double[] weights,
      boolean sigmoid,
      double threshold,
      HeadSpec.ThresholdRule rule) {
    super(classes, weights);
    if (classes.size() != 2) {
      throw new IllegalArgumentException("a binary head needs 2 classes, found " + classes);
    }
    if (sigmoid && weighted()) {
      throw new IllegalArgumentException(
          "a sigmoid output cannot weigh classes (DL4J weighs output units); use softmax");
    }
    this.sigmoid = sigmoid;
    this.threshold = threshold;
    this.rule = rule;
  }

  public double threshold() {
    return threshold;
  }

  /**
   * The class whose probability, threshold, precision, recall and F1 are reported: always the
   * second.
   */
  @Override
  public Optional<String> positiveClass() {
    return Optional.of(positive());
  }

  String positive() {
    return classes.get(1);
  }

  @Override
  public OutputHead withThreshold(double t, HeadSpec.ThresholdRule r) {
    return new BinaryHead(classes, weights, sigmoid, t, r);
  }

  @Override
  public OutputHead chooseThreshold(
      HeadStats validation, Double fixed, io.dlpipe.config.EvaluateConfig.Costs costs) {
    if (fixed != null) {
      return withThreshold(fixed, HeadSpec.ThresholdRule.FIXED);
    }
    if (costs.given()) {
      return withThreshold(
          validation.histogram.minCostThreshold(costs.falsePositive(), costs.falseNegative()),
          HeadSpec.ThresholdRule.MIN_COST);
    }
    return withThreshold(validation.histogram.bestF1Threshold(), HeadSpec.ThresholdRule.MAX_F1);
  }

  @Override
  public int width() {
    return sigmoid ? 1 : 2;
  }

  @Override
  public OutputLoss output() {
    return sigmoid ? OutputLoss.SIGMOID_XENT : OutputLoss.SOFTMAX_MCXENT;
  }

  @Override
  public void encode(double label, float[] out, int offset) {
    int y = classIndex(label);
    if (sigmoid) {
      out[offset] = y;
    } else {
      out[offset] = 1 - y;
      out[offset + 1] = y;
    }
  }

  @Override
  public OutputLayer.Builder outputLayer() {
    if (sigmoid) {
      return new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
          .activation(Activation.SIGMOID)
          .nOut(1);
    }
    return softmaxLayer();
  }

  /** The positive class's probability in a network output row. */
  double positive(float[] out) {
    return sigmoid ? out[0] : out[1];
  }

  @Override
  public double prediction(float[] out) {
    return decide(positive(out));
  }

  /**
   * 1 when {@code p} is in the threshold's bin or above (the same rule the metrics count with),
   * else 0.
   */
  public double decide(double p) {
    return ScoreHistogram.bin(p) >= ScoreHistogram.thresholdBin(threshold) ? 1.0 : 0.0;
  }

  @Override
  public double[] probabilities(float[] out) {
    double p = positive(out);
    return new double[] {1 - p, p};
  }

  @Override
  public void add(HeadStats s, double prediction, double[] p, double label) {
    int y = classIndex(label);
    addProbabilities(s, p, y);
    s.histogram.add(p[1], y == 1);
  }

  /** The 2-by-2 confusion matrix (rows: label, columns: predicted) at a threshold. */
  static long[][] matrix(ScoreHistogram.Confusion c) {
    return new long[][] {{c.tn(), c.fp()}, {c.fn(), c.tp()}};
  }

  @Override
  public Map<String, Double> metrics(HeadStats s) {
    ScoreHistogram h = s.histogram;
    ScoreHistogram.Confusion at = h.confusion(threshold);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", at.accuracy());
    m.put("log_loss", s.lossSum / s.rows);
    m.put("brier", s.brierSum / s.rows);
    m.put("auc", h.auc());
    m.put("pr_auc", h.prAuc());
    m.put("ks", h.ks());
    m.put("threshold", threshold);
    perClass(m, matrix(at), "");
    // The positive class's own precision, recall and F1 under plain names: what the threshold was
    // chosen for.
    for (String k : List.of("precision", "recall", "f1")) {
      m.put(k, m.get(k + "." + positive()));
    }
    ScoreHistogram.Confusion half = h.confusion(0.5);
    m.put("accuracy_at_0_5", half.accuracy());
    perClass(m, matrix(half), "_at_0_5");
    return m;
  }

  @Override
  public Map<String, Object> curves(HeadStats s) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("confusion", confusionCurve(matrix(s.histogram.confusion(threshold))));
    c.put("roc", s.histogram.roc());
    c.put("pr", s.histogram.pr());
    c.put("threshold", threshold);
    List<Map<String, Object>> calibration = new java.util.ArrayList<>();
    for (double[] b : s.histogram.calibration(10)) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("predicted", b[0]);
      point.put("observed", b[1]);
      point.put("count", (long) b[2]);
      calibration.add(point);
    }
    c.put("calibration", calibration);
    return c;
  }

  @Override
  public EvalMetrics summary(HeadStats s) {
    if (s.rows == 0) {
      return new EvalMetrics(0, Double.NaN, null, null, null, Double.NaN, Double.NaN);
    }
    return new EvalMetrics(
        s.rows,
        s.lossSum / s.rows,
        null,
        null,
        null,
        s.histogram.confusion(threshold).accuracy(),
        s.histogram.auc());
  }

  @Override
  public HeadSpec spec() {
    return HeadSpec.builder(HeadSpec.BINARY, output())
        .classes(classes)
        .threshold(threshold, rule)
        .classWeights(weightMap())
        .positiveClass(positive())
        .build();
  }
}
